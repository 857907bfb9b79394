/**
 * The prebuilt workflow bundle: `tasks/build.ts` with its own permission set, the manifest of
 * source hashes, and the checks the worker makes before using a bundle (stale sources, corrupt
 * code, another SDK version, missing manifest), including the worker's one-line refusal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BundleError,
  changedSources,
  combinedSourcesHash,
  loadBundle,
  manifestPathFor,
  PROJECT_ROOT,
  SDK_VERSION,
  sha256,
} from "../../src/temporal/bundle.ts";
import type { BundleManifest } from "../../src/temporal/bundle.ts";
import { runTask } from "../helpers/proc.ts";
import { taskRunArgs } from "../../src/ops/tasks.ts";

const ROOT = PROJECT_ROOT;
const temps: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const t of temps) Deno.removeSync(t, { recursive: true });
});
let built: Promise<{ dir: string; manifest: BundleManifest; stderr: string }> | undefined;

/** Runs tasks/build.ts once (with the task's permissions, writing to a temp dir). */
function buildOnce() {
  built ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "atg-bundle-" });
    temps.push(dir);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [...await taskRunArgs("build", { writeScope: dir }), "--out-dir", dir],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const manifest = JSON.parse(await Deno.readTextFile(join(dir, "workflow-bundle.json")));
    return { dir, manifest, stderr };
  })();
  return built;
}

async function copyBundle(): Promise<string> {
  const { dir } = await buildOnce();
  const to = await Deno.makeTempDir({ prefix: "atg-bundle-copy-" });
  temps.push(to);
  for (const f of ["workflow-bundle.js", "workflow-bundle.json"]) {
    await Deno.copyFile(join(dir, f), join(to, f));
  }
  return join(to, "workflow-bundle.js");
}

async function editManifest(path: string, edit: (m: BundleManifest) => void): Promise<void> {
  const mp = manifestPathFor(path);
  const m = JSON.parse(await Deno.readTextFile(mp));
  edit(m);
  await Deno.writeTextFile(mp, JSON.stringify(m));
}

Deno.test("build: one line; the manifest lists the bundled sources with their sha256", async () => {
  const { dir, manifest, stderr } = await buildOnce();
  assert.match(
    stderr,
    /^build: wrote .*workflow-bundle\.js \(\d+ KiB, \d+ source files, sources sha256 [0-9a-f]{12}\) in \d+ ms\n$/,
  );
  assert.equal(manifest.sdkVersion, SDK_VERSION);
  assert.equal(manifest.workflowsModule, "src/temporal/workflows.ts");
  for (
    const f of [
      "src/temporal/workflows.ts",
      "src/temporal/budget.ts",
      "src/venues/merge.ts",
      "src/core/payload.ts",
      "src/core/time.ts",
    ]
  ) {
    assert.equal(manifest.files[f], await sha256(await Deno.readFile(join(ROOT, f))), f);
  }
  assert.ok(Object.keys(manifest.files).every((f) => f.startsWith("src/") && !f.includes("..")));
  assert.ok(
    manifest.packages.includes(`@temporalio/workflow@${SDK_VERSION}`),
    manifest.packages.join(),
  );
  const code = await Deno.readFile(join(dir, "workflow-bundle.js"));
  assert.equal(manifest.bundleSha256, await sha256(code));
  assert.equal(manifest.bundleBytes, code.length);
  assert.equal(
    manifest.sourcesSha256,
    await combinedSourcesHash(manifest.sdkVersion, manifest.packages, manifest.files),
  );
  const loaded = await loadBundle(join(dir, "workflow-bundle.js"));
  assert.match(loaded.code, /FoodTruckWorkflow/);
});

Deno.test("the sources hash ignores order and changes with any file, package or SDK version", async () => {
  const files = { "src/a.ts": "1", "src/b.ts": "2" };
  const h = await combinedSourcesHash("1.0.0", ["p@1", "q@2"], files);
  assert.equal(
    h,
    await combinedSourcesHash("1.0.0", ["q@2", "p@1"], { "src/b.ts": "2", "src/a.ts": "1" }),
  );
  assert.notEqual(
    h,
    await combinedSourcesHash("1.0.0", ["p@1", "q@2"], { ...files, "src/b.ts": "3" }),
  );
  assert.notEqual(h, await combinedSourcesHash("1.0.0", ["p@1", "q@3"], files));
  assert.notEqual(h, await combinedSourcesHash("1.0.1", ["p@1", "q@2"], files));
});

Deno.test("a source changed or removed after the build makes the bundle stale", async () => {
  const { dir, manifest } = await buildOnce();
  const root = await Deno.makeTempDir({ prefix: "atg-root-" });
  for (const f of Object.keys(manifest.files)) {
    await Deno.mkdir(join(root, f, ".."), { recursive: true });
    await Deno.copyFile(join(ROOT, f), join(root, f));
  }
  const path = join(dir, "workflow-bundle.js");
  await loadBundle(path, { root, checkSources: true });
  await Deno.writeTextFile(join(root, "src/venues/merge.ts"), "\n// edited\n", { append: true });
  await assert.rejects(loadBundle(path, { root, checkSources: true }), (e: Error) => {
    assert.ok(e instanceof BundleError);
    assert.equal(e.kind, "stale");
    assert.match(
      e.message,
      /workflow-bundle\.js is stale \(src\/venues\/merge\.ts changed since the build\): run deno task build$/,
    );
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  await Deno.remove(join(root, "src/core/time.ts"));
  await assert.rejects(
    loadBundle(path, { root, checkSources: true }),
    /is stale \(src\/core\/time\.ts \(removed\) and 1 more changed since the build\)/,
  );
  assert.deepEqual((await changedSources(root, manifest)).sort(), [
    "src/core/time.ts (removed)",
    "src/venues/merge.ts",
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("a bundle whose code, manifest or SDK version does not match is refused", async () => {
  const corrupt = await copyBundle();
  await Deno.writeTextFile(corrupt, "\n// tampered\n", { append: true });
  await assert.rejects(loadBundle(corrupt), (e: BundleError) =>
    e.kind === "corrupt" &&
    /does not match the checksum in .*workflow-bundle\.json \(run deno task build\)$/.test(
      e.message,
    ));

  const noManifest = await copyBundle();
  await Deno.remove(manifestPathFor(noManifest));
  await assert.rejects(loadBundle(noManifest), (e: BundleError) =>
    e.kind === "missing" &&
    /workflow-bundle\.json: file not found; cannot tell whether .* is current/.test(e.message));

  const otherSdk = await copyBundle();
  await editManifest(otherSdk, (m) => (m.sdkVersion = "0.0.1"));
  await assert.rejects(loadBundle(otherSdk), (e: BundleError) =>
    e.kind === "sdk" &&
    e.message.includes(`built with @temporalio/worker 0.0.1, this worker runs ${SDK_VERSION}`));

  await assert.rejects(loadBundle("/nonexistent/workflow-bundle.js"), /file not found/);
});

Deno.test("the worker refuses a stale bundle with one line and exit 1, before connecting", async () => {
  const stale = await copyBundle();
  await editManifest(stale, (m) => (m.files["src/venues/merge.ts"] = "0".repeat(64)));
  // Nothing listens on this address: the refusal must come first.
  const r = await runTask("worker", ["--bundle", stale], {
    env: { TEMPORAL_ADDRESS: "127.0.0.1:1" },
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /^worker: \/.*workflow-bundle\.js is stale \(src\/venues\/merge\.ts changed since the build\): run deno task build\n$/,
  );
  assert.equal(r.stdout, "");
});

Deno.test("worker flags: --bundle with --no-bundle, and a missing --bundle file, are one-line errors", async () => {
  const both = await runTask("worker", ["--bundle", "x.js", "--no-bundle"]);
  assert.equal(both.code, 1);
  assert.equal(both.stderr, "worker: --bundle and --no-bundle exclude each other\n");
  const missing = await runTask("worker", ["--bundle", "/nonexistent/b.js"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "worker: /nonexistent/b.js: file not found (run deno task build)\n");
});

Deno.test("build --out-dir writes the bundle and its manifest there, and nothing else", async () => {
  const { dir } = await buildOnce();
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  assert.deepEqual(names.sort(), ["workflow-bundle.js", "workflow-bundle.json"]);
});
