/**
 * The one "give up after N ms" helper: races a promise against a timer, and always clears the
 * timer, so a settled race leaves nothing pending.
 *
 * @example
 * ```ts
 * import { withTimeout } from "./timeout.ts";
 * const slow = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 50));
 * await withTimeout(slow, 1_000, () => new Error("too slow")); // "late"
 * ```
 * @module
 */

/**
 * `p`'s outcome, or a rejection with `onTimeout()` when `p` has not settled after `ms`
 * milliseconds. The timer is cleared either way; `p` itself is not cancelled.
 *
 * @param p the work to wait for
 * @param ms how long to wait, in milliseconds
 * @param onTimeout makes the error to reject with (called only on timeout)
 */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
