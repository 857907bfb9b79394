/**
 * Safety of the local preview: writes are atomic (a write that fails part-way — here a file size
 * limit set with `ulimit -f`, as a full disk would — leaves the previous good files), and `serve`
 * refuses dotfiles, also behind a link.
 * @module
 */
import assert from "node:assert/strict";
import { writePreview } from "../../src/publish/preview.ts";
import { serveDir } from "../../src/publish/serve.ts";
import { toWebData } from "../../src/publish/data.ts";
import type { FoodTruckEvent } from "../../src/core/model.ts";

const PREVIEW_MODULE = new URL("../../src/publish/preview.ts", import.meta.url).href;
const DATA_MODULE = new URL("../../src/publish/data.ts", import.meta.url).href;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

function events(n: number): FoodTruckEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    venueKey: "stoup-ballard",
    venueName: "Stoup Brewing - Ballard",
    truckName: `Truck ${i} ${"x".repeat(200)}`,
    date: "2026-03-05",
    start: "2026-03-05T12:00:00-08:00",
    end: "2026-03-05T20:00:00-08:00",
  }));
}

Deno.test("a preview write that fails part-way leaves the previous good data.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atg-preview-" });
  try {
    const result = { from: "2026-03-05", to: "2026-03-12", errors: [] };
    await writePreview(dir, toWebData({ ...result, events: events(2) }));
    const good = await Deno.readTextFile(`${dir}/data.json`);
    // A child writes a ~2 MB data.json under a 1 MiB file size limit (SIGXFSZ ignored, so the
    // write fails with EFBIG instead of killing the process) — like a disk filling up.
    const script = `${dir}/../atg-preview-child-${crypto.randomUUID().slice(0, 8)}.ts`;
    await Deno.writeTextFile(
      script,
      `import { writePreview } from ${JSON.stringify(PREVIEW_MODULE)};
import { toWebData } from ${JSON.stringify(DATA_MODULE)};
const events = ${JSON.stringify(events(5_000))};
try {
  await writePreview(${
        JSON.stringify(dir)
      }, toWebData({ from: "2026-03-05", to: "2026-03-12", errors: [], events }));
  console.log("written");
} catch (err) {
  console.log("failed: " + err.name);
}
`,
    );
    try {
      const out = await new Deno.Command("sh", {
        args: [
          "-c",
          `trap '' XFSZ; ulimit -f 1024; exec "$0" run --config "$2" --allow-read --allow-write "$1"`,
          Deno.execPath(),
          script,
          CONFIG,
        ],
        stdin: "null",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      assert.match(stdout, /^failed: /m, stdout + new TextDecoder().decode(out.stderr));
    } finally {
      await Deno.remove(script).catch(() => {});
    }
    assert.equal(await Deno.readTextFile(`${dir}/data.json`), good, "data.json was damaged");
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.ok(left.includes("data.json") && !left.some((n) => n.includes(".atg-tmp-")), `${left}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve refuses dotfiles (403), also reached through a link", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atg-serve-" });
  const server = serveDir(dir);
  try {
    await Deno.writeTextFile(`${dir}/.env`, "GIT_TOKEN=secret\n");
    await Deno.mkdir(`${dir}/.git`);
    await Deno.writeTextFile(`${dir}/.git/config`, "[core]\n");
    await Deno.writeTextFile(`${dir}/index.html`, "<html></html>\n");
    await Deno.symlink(`${dir}/.env`, `${dir}/env.txt`);
    for (const path of [".env", ".git/config", "%2Eenv", "sub/../.env", "env.txt"]) {
      const res = await fetch(`${server.url}${path}`);
      const body = await res.text();
      assert.equal(res.status, 403, `${path}: ${res.status}`);
      assert.ok(!body.includes("secret"), path);
    }
    const ok = await fetch(server.url);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
