/**
 * `deno task start` on a real dev server: without a worker it says so at once instead of
 * waiting five minutes; with `--wait-for-worker` it shows one progress line and picks up a
 * worker that comes later; Ctrl-C stops waiting, leaves the run going and says how to follow it.
 */
import assert from "node:assert/strict";
import { Connection } from "@temporalio/client";
import { startDevServer } from "./harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../src/venues/fixture_server.ts";
import { loadVenueList } from "../src/venues/list.ts";
import { runTask, spawnTask } from "./helpers/proc.ts";

const queue = () => `start-${crypto.randomUUID().slice(0, 8)}`;

Deno.test("start: with no worker polling it names the queue and `deno task worker` (exit 2)", async () => {
  await using server = await startDevServer();
  const q = queue();
  const r = await runTask("start", ["--date", FIXTURE_DATE], {
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: q },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `start: no worker is polling ${q} on ${server.address}/default — run \`deno task worker\`\n`,
  );
  assert.equal(r.stdout, "");
});

Deno.test("start --wait-for-worker: one progress line; Ctrl-C leaves the run going and says how to follow it (exit 130)", async () => {
  await using server = await startDevServer();
  const q = queue();
  await using start = await spawnTask("start", ["--wait-for-worker", "--date", FIXTURE_DATE], {
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: q },
  });
  const waiting = new RegExp(
    `^start: no worker is polling ${q} on ${server.address}/default — run \`deno task worker\`; (food-trucks-\\S+) waits for one \\(\\d+ s\\)$`,
    "m",
  );
  await start.waitFor(waiting);
  const id = waiting.exec(start.output())![1];
  start.kill("SIGINT");
  assert.equal((await start.status).code, 130, start.output());
  const lines = start.output().trimEnd().split("\n");
  assert.deepEqual(lines.slice(1), [
    `start: SIGINT: stopped waiting; workflow ${id} keeps running`,
    `  follow it: temporal workflow show -w ${id} --address ${server.address}`,
    `  Web UI (dev server): http://localhost:${
      server.port + 1000
    }/namespaces/default/workflows/${id}`,
  ]);
  const connection = await Connection.connect({ address: server.address });
  try {
    const d = await connection.workflowService.describeWorkflowExecution({
      namespace: "default",
      execution: { workflowId: id },
    });
    assert.equal(d.workflowExecutionInfo?.status, 1, "the run is no longer RUNNING"); // RUNNING
  } finally {
    await connection.close();
  }
});

Deno.test("start --wait-for-worker: a worker that comes later runs it and start prints the week", async () => {
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  const tmp = await Deno.makeTempDir({ prefix: "start-" });
  try {
    const venues = `${tmp}/stoup.json`;
    const all = fixtures.venueList(await loadVenueList());
    await Deno.writeTextFile(
      venues,
      JSON.stringify({ venues: all.filter((v) => v.key === "stoup-ballard") }),
    );
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: queue(),
      ...fixtures.allowEnv, // the venues are the local fixture server
    };
    await using start = await spawnTask(
      "start",
      ["--wait-for-worker", "--venues", venues, "--date", FIXTURE_DATE],
      { env },
    );
    await start.waitFor(/^start: no worker is polling .* waits for one \(\d+ s\)$/m);
    await using worker = await spawnTask("worker", [], { env });
    await worker.waitFor(/worker: RUNNING/);
    assert.equal((await start.status).code, 0, start.output() + worker.output());
    assert.match(start.output(), /^Food trucks in Ballard, Thursday, March 5, 2026 to /m);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
