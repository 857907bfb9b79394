/**
 * The tests' one "poll until a condition holds, with a deadline" helper: {@link waitUntil} calls a
 * probe every `intervalMs` until it returns a truthy value, and returns that value; past
 * `timeoutMs` it throws `timed out after N ms waiting for <what>`. For waits on something that
 * can be awaited directly (a child's output, a promise) use that instead (e.g. `waitFor` of
 * ./child.ts); for retrying a call that throws, see `retrying` in src/core/retry.ts.
 *
 * @example
 * ```ts
 * import { waitUntil } from "./wait.ts";
 *
 * let calls = 0;
 * const n = await waitUntil("the third call", () => ++calls >= 3 && calls, { intervalMs: 10 });
 * console.log(n); // 3
 * await waitUntil("never", () => false, { timeoutMs: 100 })
 *   .catch((e) => console.log(e.message)); // "timed out after 100 ms waiting for never"
 * ```
 * @module
 */
import { delay } from "../../src/core/delay.ts";

/** What a probe returns while the condition does not hold yet. */
export type NotYet = undefined | null | false | 0 | "";

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** Give up once this many ms have passed since the first probe. Default: 30 000. */
  timeoutMs?: number;
  /** Pause between two probes, in ms. Default: 50. */
  intervalMs?: number;
}

/**
 * Calls `probe` (awaiting it when it returns a promise) until it returns a truthy value, and
 * returns that value. The probe runs at once, then every `intervalMs`; it always runs at least
 * once, and once more after the deadline has passed, before the wait gives up. A probe that
 * throws ends the wait with its error (no retry).
 *
 * @param what names what is awaited, for the error (`timed out after N ms waiting for <what>`);
 *   a function is called only then, so the message can carry the last state seen.
 * @param probe returns the awaited value, or a falsy one (see {@link NotYet}) while it is not
 *   there yet; a `boolean` probe makes the result `true`.
 * @param opts `timeoutMs` (default 30 000) and `intervalMs` (default 50).
 * @throws Error `timed out after <timeoutMs> ms waiting for <what>` when the deadline passes.
 */
export async function waitUntil<T>(
  what: string | (() => string),
  probe: () => T | NotYet | Promise<T | NotYet>,
  opts: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 50 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as T;
    if (Date.now() > deadline) {
      const name = typeof what === "string" ? what : what();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${name}`);
    }
    await delay(intervalMs);
  }
}
