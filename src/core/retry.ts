/**
 * Trying again: {@link retrying} runs a start-up step a few times while its failure is one that a
 * fresh try can cure (e.g. a free port taken by someone else before the server bound it).
 *
 * @example
 * ```ts
 * import { retrying } from "./retry.ts";
 *
 * let tries = 0;
 * const port = await retrying(3, () => {
 *   tries++;
 *   return tries < 2 ? Promise.reject(new Error("address already in use")) : Promise.resolve(7233);
 * }, (error) => error instanceof Error && /already in use/.test(error.message));
 * console.log(port, tries); // 7233 2
 * ```
 *
 * @module
 */

/**
 * Runs `attempt` at most `times` times, immediately one after another, trying again only while
 * `retryable(error)` is true; any other failure, or the last one, is thrown as it is.
 *
 * @param times how many attempts in all (at least 1).
 * @param attempt the step to run.
 * @param retryable whether a failure is worth another attempt.
 */
export async function retrying<T>(
  times: number,
  attempt: () => Promise<T>,
  retryable: (error: unknown) => boolean,
): Promise<T> {
  for (let n = 1;; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n < times && retryable(error)) continue;
      throw error;
    }
  }
}
