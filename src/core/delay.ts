/**
 * Waiting a while, stoppable: the one `delay` of the project (retries' back-off, polls).
 *
 * @example
 * ```ts
 * import { delay } from "./delay.ts";
 *
 * const stop = new AbortController();
 * await delay(10); // resolves after 10 ms
 * stop.abort();
 * await delay(10_000, stop.signal).catch((reason) => console.log("stopped:", reason));
 * ```
 *
 * @module
 */

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
