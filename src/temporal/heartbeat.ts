/**
 * Heartbeats for activities that can run long (deploy, AI touches): while `fn` runs, the
 * activity heartbeats every `intervalMs`, so the server notices a lost worker within the
 * activity's `heartbeatTimeout` (seconds) instead of its `startToCloseTimeout` (minutes), and a
 * cancel requested by the workflow reaches the activity (a cancel is delivered with a heartbeat
 * response). Outside an activity (the CLI's `scrape`), `fn` simply runs.
 *
 * @example
 * ```ts
 * import { withHeartbeats } from "./heartbeat.ts";
 * import { deployToGit, type DeployOptions } from "../publish/git_deploy.ts";
 * declare const options: DeployOptions;
 * const result = await withHeartbeats((signal) => deployToGit({ ...options, signal }));
 * console.log(result.message);
 * ```
 * @module
 */
import { CancelledFailure, Context } from "@temporalio/activity";

/** How often a long activity heartbeats while it works. Default 1000 ms. */
export const HEARTBEAT_INTERVAL_MS = 1000;

/** The current activity's context, or undefined outside an activity. */
export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn(signal)` while heartbeating every `intervalMs` (default {@link HEARTBEAT_INTERVAL_MS}).
 * The first heartbeat comes after one interval, not at once: the server counts the heartbeat
 * timeout from the activity's start anyway, and a venue read that ends in milliseconds (the usual
 * case) costs no heartbeat call to the server.
 * `signal` is the activity's cancellation signal (undefined outside an activity). When the
 * activity was cancelled and `fn` fails, the activity's `CancelledFailure` is thrown, so the
 * workflow sees a cancelled activity, not a failed one.
 */
export async function withHeartbeats<T>(
  fn: (signal: AbortSignal | undefined) => Promise<T>,
  intervalMs = HEARTBEAT_INTERVAL_MS,
): Promise<T> {
  const ctx = activityContext();
  if (!ctx) return await fn(undefined);
  const timer = setInterval(() => ctx.heartbeat(), intervalMs);
  try {
    return await fn(ctx.cancellationSignal);
  } catch (err) {
    if (ctx.cancellationSignal.aborted) {
      const reason = ctx.cancellationSignal.reason;
      throw reason instanceof CancelledFailure ? reason : new CancelledFailure("cancelled");
    }
    throw err;
  } finally {
    clearInterval(timer);
  }
}
