/**
 * `withHeartbeats`: the first heartbeat comes after one interval, so a short activity (a venue
 * read of a few milliseconds) makes no heartbeat call; a long one heartbeats every interval.
 */
import assert from "node:assert/strict";
import { MockActivityEnvironment } from "@temporalio/testing";
import { delay } from "../../src/core/delay.ts";
import { withHeartbeats } from "../../src/temporal/heartbeat.ts";

function heartbeatsOf(fn: () => Promise<unknown>): Promise<number> {
  const env = new MockActivityEnvironment();
  let beats = 0;
  env.on("heartbeat", () => beats++);
  return env.run(fn).then(() => beats);
}

Deno.test("a short activity makes no heartbeat call", async () => {
  assert.equal(await heartbeatsOf(() => withHeartbeats(() => delay(5), 200)), 0);
});

Deno.test("a long activity heartbeats every interval, the first after one interval", async () => {
  const beats = await heartbeatsOf(() => withHeartbeats(() => delay(340), 100));
  assert.ok(beats >= 2 && beats <= 3, `${beats} heartbeats in 340 ms at 100 ms`);
});

Deno.test("outside an activity the function simply runs", async () => {
  assert.equal(await withHeartbeats(() => Promise.resolve(42)), 42);
});
