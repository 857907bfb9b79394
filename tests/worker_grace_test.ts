/**
 * `deno task worker --grace MS` is a hard deadline: a venue request still in flight when the
 * grace period ends is aborted (Temporal cancels the activity; its fetch honours that), so the
 * worker stops cleanly instead of waiting for the request or for the SDK's forced shutdown.
 */
import assert from "node:assert/strict";
import { startDevServer } from "./harness/dev_server.ts";
import { FIXTURE_DATE } from "../src/venues/fixture_server.ts";
import { spawnTask } from "./helpers/proc.ts";
import { stuckVenue } from "./helpers/stuck_venue.ts";

Deno.test("worker --grace: a request in flight at the end of the grace period is aborted; clean exit", async () => {
  await using server = await startDevServer();
  await using venue = await stuckVenue();
  const venues = venue.venuesFile;
  const env = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `grace-${crypto.randomUUID().slice(0, 8)}`,
    ...venue.allowEnv,
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
});
