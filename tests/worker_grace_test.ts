/**
 * `deno task worker --grace MS` is a hard deadline: a venue request still in flight when the
 * grace period ends is aborted (Temporal cancels the activity; its fetch honours that), so the
 * worker stops cleanly instead of waiting for the request or for the SDK's forced shutdown.
 */
import assert from "node:assert/strict";
import { startDevServer } from "./harness/dev_server.ts";
import { FIXTURE_DATE } from "../src/fixture_server.ts";
import { spawnTask } from "./helpers/proc.ts";

/** A venue that accepts the request and never answers; reports when a request arrives/leaves. */
function hangingVenue() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let arrived!: () => void;
  let left!: () => void;
  const requestArrived = new Promise<void>((r) => (arrived = r));
  const clientLeft = new Promise<void>((r) => (left = r));
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      arrived();
      (async () => {
        const buf = new Uint8Array(4096);
        try {
          while ((await conn.read(buf)) !== null) { /* keep reading until the client goes */ }
        } catch { /* reset */ }
        left();
      })();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    requestArrived,
    clientLeft,
    close() {
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      listener.close();
    },
  };
}

Deno.test("worker --grace: a request in flight at the end of the grace period is aborted; clean exit", async () => {
  await using server = await startDevServer();
  const venue = hangingVenue();
  const tmp = await Deno.makeTempDir({ prefix: "grace-" });
  try {
    const venues = `${tmp}/venues.json`;
    await Deno.writeTextFile(
      venues,
      JSON.stringify({
        venues: [{ key: "stoup-ballard", name: "Hangs", url: `http://127.0.0.1:${venue.port}/` }],
      }),
    );
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `grace-${crypto.randomUUID().slice(0, 8)}`,
    };
    await using worker = await spawnTask("worker", ["--grace", "1000"], { env });
    await worker.waitFor(/worker: RUNNING/);
    await using start = await spawnTask("start", ["--venues", venues, "--date", FIXTURE_DATE], {
      env,
    });
    await venue.requestArrived;
    worker.kill("SIGTERM");
    // The request is aborted by the worker (not by the venue, not by the process exiting first):
    await venue.clientLeft;
    const code = (await worker.status).code;
    assert.equal(code, 0, worker.output());
    assert.ok(
      !/GracefulShutdownPeriodExpired|Worker failed/.test(worker.output()),
      worker.output(),
    );
    assert.match(worker.output(), /^worker: stopped$/m);
    start.kill("SIGINT");
    await start.status;
  } finally {
    venue.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
