import assert from "node:assert/strict";
import { withTimeout } from "../../src/core/timeout.ts";

/** Runs `fn` while recording the timers set and cleared (Deno's test sanitizer does not). */
async function recordingTimers(fn: () => Promise<void>) {
  const set: unknown[] = [], cleared: unknown[] = [];
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  const g = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  g.setTimeout = (...args) => {
    const id = (realSet as unknown as (...a: unknown[]) => unknown)(...args);
    set.push(id);
    return id;
  };
  g.clearTimeout = (id) => {
    if (id !== undefined) cleared.push(id);
    (realClear as unknown as (id: unknown) => void)(id);
  };
  try {
    await fn();
  } finally {
    Object.assign(globalThis, { setTimeout: realSet, clearTimeout: realClear });
  }
  return { set, cleared };
}

Deno.test("withTimeout gives the promise's outcome when it settles in time, and clears its timer", async () => {
  const timers = await recordingTimers(async () => {
    assert.equal(await withTimeout(Promise.resolve("ok"), 60_000, () => new Error("late")), "ok");
    await assert.rejects(
      withTimeout(Promise.reject(new Error("own")), 60_000, () => new Error("late")),
      /own/,
    );
  });
  assert.equal(timers.set.length, 2);
  assert.deepEqual(timers.cleared, timers.set);
});

Deno.test("withTimeout rejects with onTimeout's error when the promise does not settle", async () => {
  let release = () => {};
  const never = new Promise<void>((resolve) => release = resolve);
  await assert.rejects(withTimeout(never, 10, () => new RangeError("too slow")), RangeError);
  release();
});
