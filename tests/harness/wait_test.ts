/** {@link waitUntil} of tests/harness/wait.ts: its value, its deadline, its async probes. */
import assert from "node:assert/strict";
import { waitUntil } from "./wait.ts";

Deno.test("waitUntil returns the probe's value as soon as the probe holds", async () => {
  let calls = 0;
  const started = Date.now();
  const value = await waitUntil("the third call", () => ++calls >= 3 && { calls }, {
    timeoutMs: 5_000,
    intervalMs: 20,
  });
  assert.deepEqual(value, { calls: 3 });
  assert.equal(calls, 3, "no probe after the one that held");
  assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  // A probe that holds at once: no pause at all.
  const t0 = Date.now();
  assert.equal(await waitUntil("at once", () => "here", { intervalMs: 10_000 }), "here");
  assert.ok(Date.now() - t0 < 1_000);
});

Deno.test("waitUntil times out with a message naming what it waited for", async () => {
  let calls = 0;
  const started = Date.now();
  await assert.rejects(
    waitUntil("the moon", () => (calls++, false), { timeoutMs: 200, intervalMs: 20 }),
    { name: "Error", message: "timed out after 200 ms waiting for the moon" },
  );
  const took = Date.now() - started;
  assert.ok(took >= 200 && took < 2_000, `gave up after ${took} ms`);
  assert.ok(calls >= 3, `probed only ${calls} time(s)`);
  // A function `what` is called for the message only, with the last state seen.
  let seen = 0;
  const what = () => `a hundred (last seen: ${seen})`;
  await assert.rejects(
    waitUntil(what, () => ++seen >= 100, { timeoutMs: 50, intervalMs: 20 }),
    (e: Error) => e.message === `timed out after 50 ms waiting for a hundred (last seen: ${seen})`,
  );
  assert.ok(seen > 1 && seen < 100, `${seen} probes`);
});

Deno.test("waitUntil awaits async probes and passes on a probe's error", async () => {
  let calls = 0;
  const value = await waitUntil("the async probe", async () => {
    await new Promise((r) => setTimeout(r, 5));
    return ++calls === 2 ? "done" : undefined;
  }, { intervalMs: 1 });
  assert.equal(value, "done");
  assert.equal(calls, 2);
  // Falsy values other than undefined mean "not yet" too; a rejection ends the wait.
  const answers: unknown[] = [null, 0, "", false];
  await assert.rejects(
    waitUntil("the rejection", () => {
      if (answers.length === 0) return Promise.reject(new Error("probe broke"));
      return Promise.resolve(answers.shift() as undefined);
    }, { intervalMs: 1 }),
    { message: "probe broke" },
  );
  assert.equal(answers.length, 0);
});
