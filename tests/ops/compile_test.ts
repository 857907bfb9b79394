/**
 * `deno task compile`: the argument list (the worker's permission set from deno.json, includes, excludes,
 * never `--env-file`), the denort lookup, the binary's run-time configuration path (the entry
 * point run uncompiled with the binary's permissions from a directory outside the checkout),
 * and — only where denort is available — a smoke test of the real binary against a dev server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertNoSecrets,
  BINARY_NAME,
  CompileError,
  compilePlan,
  findDenort,
  INCLUDES,
  TARGETS,
} from "../../src/ops/compile.ts";
import { permissionSetFlags, readPermissionSet } from "../../src/ops/permission_sets.ts";
import { taskRunArgs } from "../../src/ops/tasks.ts";
import { PROJECT_ROOT } from "../../src/temporal/bundle.ts";
import { startDevServer } from "../harness/dev_server.ts";
import { waitUntil } from "../harness/wait.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";

const dec = new TextDecoder();

async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", NO_COLOR: "1", ...options.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(300_000),
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("compile plan: the worker's permission set as scoped flags, the embedded files, other targets excluded, no --env-file", async () => {
  const plan = await compilePlan();
  const args = plan.args;
  assert.equal(args[0], "compile");
  assert.equal(args.at(-1), "tasks/cli_main.ts");
  assert.equal(plan.output, join(PROJECT_ROOT, "dist", BINARY_NAME));
  assert.ok(!args.some((a) => a.startsWith("--env-file") || a === "-A" || a === "--allow-all"));
  assert.ok(!args.some((a) => /(^|\/)\.env$/.test(a)));
  // The worker's named set (tests/task_permissions_test.ts: it covers start's and check-env's).
  assert.deepEqual(plan.permissions, permissionSetFlags(await readPermissionSet("worker")));
  const perms = args.filter((a) => a.startsWith("--allow-"));
  assert.deepEqual(perms, plan.permissions);
  // The binary's worker gets the heap settings of `deno task worker`.
  const v8 = args.filter((a) => a.startsWith("--v8-flags="));
  assert.deepEqual(v8, ["--v8-flags=--max-semi-space-size=1"]);
  assert.deepEqual(plan.v8Flags, v8);
  const env = perms.find((p) => p.startsWith("--allow-env="));
  assert.ok(env, "--allow-env must be scoped");
  assert.ok(env.includes("TEMPORAL_*"));
  assert.ok(perms.includes("--allow-run=git,kill"), "--allow-run must stay scoped");
  assert.ok(!perms.includes("--allow-run"));
  const includes = args.flatMap((a, i) => (args[i - 1] === "--include" ? [a] : []));
  assert.deepEqual(includes, [
    "dist/workflow-bundle.js",
    "dist/workflow-bundle.json",
    "src/venues/venues.json",
    "web",
  ]);
  assert.deepEqual(plan.includes, [...INCLUDES]);
  const excludes = args.flatMap((a, i) => (args[i - 1] === "--exclude" ? [a] : []));
  assert.equal(excludes.length, TARGETS.length - 1);
  assert.ok(excludes.every((x) => /core-bridge\/releases\/[\w-]+$/.test(x)));
  assert.ok(
    !excludes.some((x) => x.endsWith(Deno.build.target)),
    "the host's native core is excluded",
  );
  assert.deepEqual(args.slice(1, 4), ["--frozen", "--target", Deno.build.target]);
});

Deno.test("compile plan: another target keeps its own native core; bad targets and secrets are refused", async () => {
  const plan = await compilePlan({ target: "aarch64-unknown-linux-gnu", outDir: "/tmp/x" });
  assert.equal(plan.output, "/tmp/x/around-the-grounds");
  assert.ok(plan.excludes.some((x) => x.endsWith("/x86_64-unknown-linux-gnu")));
  assert.ok(!plan.excludes.some((x) => x.endsWith("/aarch64-unknown-linux-gnu")));
  const win = await compilePlan({ target: "x86_64-pc-windows-msvc", outDir: "/tmp/x" });
  assert.equal(win.output, "/tmp/x/around-the-grounds.exe");
  await assert.rejects(compilePlan({ target: "riscv64" }), CompileError);
  assert.throws(
    () => assertNoSecrets(["compile", "--env-file=.env", "x.ts"]),
    /refusing --env-file/,
  );
  assert.throws(() => assertNoSecrets(["compile", "--env-file", "x.ts"]), /refusing --env-file/);
  assert.throws(
    () => assertNoSecrets(["compile", "--include", "conf/.env", "x.ts"]),
    /refusing to embed/,
  );
  assert.throws(() => assertNoSecrets(["compile", "-A", "x.ts"]), /refusing -A/);
});

Deno.test("compile --dry-run prints the command line; it has no --env-file", async () => {
  const r = await run(Deno.execPath(), [...await taskRunArgs("compile"), "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.trim();
  assert.equal(line.split("\n").length, 1);
  assert.match(
    line,
    /^deno compile --frozen --target \S+ --output \S+\/dist\/around-the-grounds --allow-env=\S+ /,
  );
  assert.doesNotMatch(line, /--env-file|\s-A\s|--allow-all/);
  assert.match(line, / --include dist\/workflow-bundle\.js /);
  assert.match(line, / tasks\/cli_main\.ts$/);
});

Deno.test("denort lookup: DENORT_BIN must exist and must not be the deno CLI; else the Deno cache", async () => {
  const facts = { denoDir: await Deno.makeTempDir({ prefix: "atg-denodir-" }), version: "9.9.9" };
  try {
    const target = "x86_64-unknown-linux-gnu";
    const none = await findDenort({ env: {}, facts, target });
    assert.equal(none.path, undefined);
    assert.match(
      none.reason!,
      /^denort not available: set DENORT_BIN to .* or put denort-x86_64-unknown-linux-gnu\.zip in .*\/dl\/release\/v9\.9\.9\//,
    );
    const zip = join(facts.denoDir, "dl", "release", "v9.9.9", `denort-${target}.zip`);
    await Deno.mkdir(join(zip, ".."), { recursive: true });
    await Deno.writeFile(zip, new Uint8Array([1]));
    assert.deepEqual(await findDenort({ env: {}, facts, target }), { path: zip, source: "cache" });
    assert.deepEqual(
      await findDenort({ env: { DENORT_BIN: "/nonexistent/denort" }, facts, target }),
      {
        reason: "DENORT_BIN=/nonexistent/denort: file not found",
      },
    );
    const cli = await findDenort({ env: { DENORT_BIN: Deno.execPath() }, facts, target });
    assert.match(cli.reason!, /is the deno CLI, not denort/);
    const fake = join(facts.denoDir, "denort");
    await Deno.writeFile(fake, new Uint8Array([1]));
    assert.deepEqual(await findDenort({ env: { DENORT_BIN: fake }, facts, target }), {
      path: fake,
      source: "DENORT_BIN",
    });
  } finally {
    await Deno.remove(facts.denoDir, { recursive: true });
  }
});

/** The binary's permissions (from the compile plan), to run its entry point uncompiled. */
async function binaryPermissions(): Promise<string[]> {
  return (await compilePlan()).permissions;
}

Deno.test("run-time configuration: the entry point reads env and ./.env of where it runs, with the binary's permissions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atg-runtime-" });
  try {
    await Deno.writeTextFile(
      join(dir, ".env"),
      "TEMPORAL_ADDRESS=temporal.example.internal:7233\nTEMPORAL_TASK_QUEUE=from-dotenv\n",
    );
    const entry = join(PROJECT_ROOT, "tasks/cli_main.ts");
    const args = ["run", ...await binaryPermissions(), entry, "check-env", "--offline"];
    const r = await run(Deno.execPath(), args, {
      cwd: dir,
      env: { HOME: dir, TEMPORAL_TASK_QUEUE: "from-env" },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /address\s+temporal\.example\.internal:7233\s+\[\.env TEMPORAL_ADDRESS\]/,
    );
    assert.match(r.stdout, /task queue\s+from-env\s+\[env TEMPORAL_TASK_QUEUE\]/);
    assert.match(r.stdout, /\.env file\s+\.env \(read\)/);
    const help = await run(Deno.execPath(), ["run", ...await binaryPermissions(), entry, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: around-the-grounds <command>/);
    const bad = await run(Deno.execPath(), ["run", ...await binaryPermissions(), entry, "nope"]);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'around-the-grounds: unknown command "nope" (worker, start, check-env; see --help)\n',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const DENORT = await findDenort();
if (!DENORT.path) {
  const why = DENORT.reason!.replace(/^denort not available: /, "");
  console.log(`compile smoke test skipped: denort not available (${why})`);
}

Deno.test({
  name: "without denort, deno task compile prints one line and exits 2",
  ignore: Boolean(DENORT.path),
  async fn() {
    const r = await run(Deno.execPath(), await taskRunArgs("compile"), {
      env: { HOME: Deno.env.get("HOME") ?? "/root" },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^compile: cannot compile: denort not available: set DENORT_BIN .*\n$/);
  },
});

Deno.test({
  name:
    "compile smoke test: the binary runs check-env, a worker and a workflow from outside the checkout",
  ignore: !DENORT.path,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "atg-compiled-" });
    const dist = join(PROJECT_ROOT, "dist");
    const hadBundle = await Deno.stat(join(dist, "workflow-bundle.js")).then(
      () => true,
      () => false,
    );
    const canary = `canary-${crypto.randomUUID()}`;
    try {
      const c = await run(
        Deno.execPath(),
        [...await taskRunArgs("compile"), "--out-dir", join(tmp, "out")],
        {
          env: {
            HOME: Deno.env.get("HOME") ?? "/root",
            ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
            ...(DENORT.source === "DENORT_BIN" ? { DENORT_BIN: DENORT.path! } : {}),
            TEMPORAL_API_KEY: canary, // must not end up in the binary
          },
        },
      );
      assert.equal(c.code, 0, c.stderr);
      const runDir = join(tmp, "run");
      await Deno.mkdir(runDir);
      const bin = join(runDir, BINARY_NAME);
      await Deno.copyFile(join(tmp, "out", BINARY_NAME), bin);
      await Deno.chmod(bin, 0o755);
      await Deno.remove(join(tmp, "out"), { recursive: true });
      const bytes = await Deno.readFile(bin);
      assert.equal(indexOf(bytes, new TextEncoder().encode(canary)), -1, "a secret was embedded");

      await using server = await startDevServer();
      await using fixtures = await startFixtureServer();
      const stoup = join(runDir, "stoup.json");
      await Deno.writeTextFile(
        stoup,
        JSON.stringify({
          venues: fixtures.venueList(await loadVenueList()).filter((v) =>
            v.key === "stoup-ballard"
          ),
        }),
      );
      const queue = `compiled-${crypto.randomUUID().slice(0, 8)}`;
      await Deno.writeTextFile(
        join(runDir, ".env"),
        `TEMPORAL_ADDRESS=${server.address}\nTEMPORAL_TASK_QUEUE=${queue}\nVENUE_ALLOW_PRIVATE_NETWORKS=true\n`,
      );
      const env = { HOME: runDir };

      const check = await run(bin, ["check-env"], { cwd: runDir, env });
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /address\s+127\.0\.0\.1:\d+\s+\[\.env TEMPORAL_ADDRESS\]/);

      const worker = new Deno.Command(bin, {
        args: ["worker"],
        cwd: runDir,
        env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...env },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      let out = "";
      const pump = (async () => {
        for await (const c of worker.stderr.pipeThrough(new TextDecoderStream())) out += c;
      })();
      worker.stdout.cancel();
      try {
        await waitUntil(
          () => `the compiled worker's RUNNING line:\n${out}`,
          () => /worker: RUNNING/.test(out),
          { timeoutMs: 60_000 },
        );
        assert.match(out, /workflows=prebuilt bundle=\S+ sources=[0-9a-f]{12}/);
        const start = await run(
          bin,
          ["start", "--venues", stoup, "--date", FIXTURE_DATE, "--json"],
          {
            cwd: runDir,
            env,
          },
        );
        assert.equal(start.code, 0, start.stderr);
        const result: FoodTruckWorkflowResult = JSON.parse(start.stdout);
        assert.deepEqual(result.errors, []);
        assert.ok(result.events.length >= 5);
      } finally {
        worker.kill("SIGTERM");
        const status = await worker.status;
        await pump;
        assert.equal(status.code, 0, out);
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
      if (!hadBundle) {
        for (const f of ["workflow-bundle.js", "workflow-bundle.json"]) {
          await Deno.remove(join(dist, f)).catch(() => {});
        }
      }
    }
  },
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (
    let i = hay.indexOf(first);
    i !== -1 && i <= hay.length - needle.length;
    i = hay.indexOf(first, i + 1)
  ) {
    let ok = true;
    for (let j = 1; j < needle.length && ok; j++) ok = hay[i + j] === needle[j];
    if (ok) return i;
  }
  return -1;
}
