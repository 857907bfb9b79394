/**
 * The pieces of the worker comparison in `deno task bench` (bench/workers.ts) work: the minimal
 * worker runs one workflow under Node and under Deno on a dev server started with the raised
 * poll limit, and the CPU reading counts a process's descendants. No timing is asserted here:
 * the figures themselves belong to the bench.
 */
import assert from "node:assert/strict";
import { Client, Connection } from "@temporalio/client";
import { startDevServer } from "../harness/dev_server.ts";
import { waitUntil } from "../harness/wait.ts";
import {
  buildMinimalBundle,
  median,
  minimalWorkerKinds,
  RAISED_POLL_LIMIT,
  readProc,
  rssMiB,
  treeCpuMs,
} from "../../bench/workers.ts";

Deno.test("the minimal worker runs one workflow under Node and under Deno, with readable CPU and RSS", async () => {
  await using server = await startDevServer({ dynamicConfig: RAISED_POLL_LIMIT });
  const dir = await Deno.makeTempDir({ prefix: "bench-workers-test-" });
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const bundlePath = await buildMinimalBundle(`${dir}/minimal-bundle.js`);
    const kinds = minimalWorkerKinds({ address: server.address, client, bundlePath });
    assert.deepEqual(kinds.map((k) => k.name), ["Node minimal", "Deno minimal"]);
    for (const kind of kinds) {
      const queue = `test-${crypto.randomUUID()}`;
      const child = await kind.start(queue);
      try {
        await child.waitFor(kind.ready);
        // Each runs in the runtime it is named after.
        const exe = await new Deno.Command("readlink", {
          args: [`/proc/${child.pid}/exe`],
          stdout: "piped",
        }).output();
        const runtime = kind.name === "Node minimal" ? "node" : "deno";
        assert.match(new TextDecoder().decode(exe.stdout).trim(), new RegExp(`/${runtime}$`));
        await kind.runOnce(queue); // throws unless the workflow answered "Hello, bench!"
        const mem = await rssMiB(child.pid);
        assert.ok(mem.rss > 10 && mem.hwm >= mem.rss, `${kind.name}: ${JSON.stringify(mem)}`);
        assert.ok((await treeCpuMs(child.pid)) > 0, kind.name);
      } finally {
        assert.equal(await child.stop("SIGTERM", 15_000), 0, `${kind.name}:\n${child.output()}`);
      }
    }
  } finally {
    await connection.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("treeCpuMs counts the CPU of a process's descendants, not only its own", async () => {
  // The parent only waits; its child burns CPU, then sleeps so that it is still there to count.
  const parent = new Deno.Command("sh", {
    args: ["-c", "sh -c 'i=0; while [ $i -lt 500000 ]; do i=$((i+1)); done; sleep 60' & wait"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    let tree = 0;
    await waitUntil(
      () => `the descendants' CPU to reach 100 ms (${tree} ms)`,
      async () => (tree = await treeCpuMs(parent.pid)) >= 100,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const own = await readProc(`/proc/${parent.pid}/stat`);
    const f = own.slice(own.lastIndexOf(")") + 2).split(" ");
    const ownMs = (Number(f[11]) + Number(f[12])) * 10;
    assert.ok(ownMs < tree / 2, `parent's own ${ownMs} ms vs tree ${tree} ms`);
  } finally {
    // The child first (by its parent's pid: only what this test started), then the parent.
    await new Deno.Command("pkill", { args: ["-KILL", "-P", String(parent.pid)] }).output();
    try {
      parent.kill("SIGKILL");
    } catch {
      // The parent's `wait` may already have returned when its child died: it is gone.
    }
    await parent.status;
  }
});

Deno.test("median: odd and even counts", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
