/**
 * A `fetch` that, inside an activity, also aborts when Temporal cancels the activity — at the
 * end of the worker's shutdown grace period (`--grace`), on workflow cancellation, or on a
 * heartbeat timeout — so that the grace period is a hard deadline for in-flight HTTP requests.
 * Outside an activity it is plain `fetch`.
 *
 * @example
 * ```ts
 * import { HttpClient } from "../net/http.ts";
 * import { activityFetch } from "./cancellable_fetch.ts";
 * const http = new HttpClient({ fetch: activityFetch });
 * ```
 * @module
 */
import { Context } from "@temporalio/activity";

/** The current activity's cancellation signal, or undefined outside an activity. */
export function activityCancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not inside an activity
  }
}

/** `fetch`, aborted also by the current activity's cancellation (see the module doc). */
export const activityFetch: typeof fetch = (input, init) => {
  const cancel = activityCancellationSignal();
  if (!cancel) return fetch(input, init);
  const signal = init?.signal ? AbortSignal.any([init.signal, cancel]) : cancel;
  return fetch(input, { ...init, signal });
};
