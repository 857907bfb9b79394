/**
 * Waiting: the one `delay` of the project (retries' back-off, polls), stoppable, and
 * {@link settlesWithin}, waiting for a promise at most a while.
 *
 * @example
 * ```ts
 * import { delay, settlesWithin } from "./delay.ts";
 *
 * const stop = new AbortController();
 * await delay(10); // resolves after 10 ms
 * stop.abort();
 * await delay(10_000, stop.signal).catch((reason) => console.log("stopped:", reason));
 * console.log(await settlesWithin(delay(50), 10)); // false: not within 10 ms
 * ```
 *
 * @module
 */
import { withTimeout } from "./timeout.ts";

/**
 * Resolves after `ms` milliseconds. When `signal` aborts first (or has already aborted), the timer
 * is cleared and the promise rejects with `signal.reason`; callers that only want to stop waiting
 * write `delay(ms, signal).catch(() => {})`.
 *
 * @param ms milliseconds to wait (`setTimeout` semantics: 0 or less = next macrotask).
 * @param signal stops the wait early. Default: none (the wait always runs to its end).
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * True when `p` settles (resolves or rejects) within `ms` milliseconds; it is not cancelled.
 * The timer is the one of {@link withTimeout}.
 */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = p.then(() => true, () => true);
  return withTimeout(settled, ms, () => new Error("not settled")).catch(() => false);
}
