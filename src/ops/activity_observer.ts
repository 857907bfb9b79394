/**
 * A worker-side activity interceptor: for every failed activity attempt it writes ONE log line
 * (`venue fetch failed` / `activity failed` with `venue`, `error` class, `attempt`, `workflowId`,
 * `runId`, `activityType`: never a `taskToken`, never a stack), and for every `fetchVenue`
 * attempt it counts the outcome (ok, http_error, parse_error, timeout, other) in
 * `atg_venue_fetches_total`. The SDK's own "Activity failed" record (with the stack) is shown
 * only at `LOG_LEVEL=debug` (see `sdkLogger`).
 *
 * @example
 * ```ts
 * import { Worker } from "@temporalio/worker";
 * import { activityObserver } from "./activity_observer.ts";
 * import { createAppMetrics } from "./app_metrics.ts";
 * import { createLog } from "./log.ts";
 * const log = createLog({ component: "worker" });
 * const interceptors = { activity: [activityObserver(log, createAppMetrics())] };
 * await Worker.create({ interceptors, taskQueue: "food-trucks" });
 * ```
 * @module
 */
import type { ActivityInterceptorsFactory } from "@temporalio/worker";
import type { Log } from "./log.ts";
import type { AppMetrics } from "./app_metrics.ts";
import { classifyFetchError } from "./app_metrics.ts";

/** Longest `detail` written (the first line of the error message). */
const DETAIL_MAX = 160;

/** The error's class: an `ApplicationFailure`'s `type` (the original error's name), else its name. */
export function errorClass(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const type = (err as { type?: unknown }).type;
  return typeof type === "string" && type ? type : err.name;
}

function detail(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const first = m.split("\n")[0];
  return first.length > DETAIL_MAX ? first.slice(0, DETAIL_MAX) + "…" : first;
}

/** The venue key of a `fetchVenue` call's first argument, when it has one. */
function venueOf(arg: unknown): string | undefined {
  const key = (arg as { key?: unknown } | undefined)?.key;
  return typeof key === "string" ? key : undefined;
}

/** The interceptor factory for `Worker.create({ interceptors: { activity: [...] } })`. */
export function activityObserver(log: Log, metrics: AppMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const info = ctx.info;
        const venue = info.activityType === "fetchVenue" ? venueOf(input.args[0]) : undefined;
        try {
          const result = await next(input);
          if (venue !== undefined) metrics.venueFetch(venue, "ok");
          return result;
        } catch (err) {
          if (venue !== undefined) metrics.venueFetch(venue, classifyFetchError(err));
          log.warn(venue !== undefined ? "venue fetch failed" : "activity failed", {
            venue,
            error: errorClass(err),
            detail: detail(err),
            attempt: info.attempt,
            activityType: info.activityType,
            workflowId: info.workflowExecution?.workflowId,
            runId: info.workflowExecution?.runId,
          });
          throw err;
        }
      },
    },
  });
}
