/**
 * A workflow interceptor (bundled into the workflow sandbox) that reports each finished
 * `FoodTruckWorkflow` run to the worker process through the `runObserver` sink: per venue the
 * number of events and whether it failed, the total, and the deploy outcome. The worker turns
 * this into metrics (events per venue of the last run, last successful run, deploy outcomes).
 *
 * It adds no command and no history event, and sinks are not called while a history is
 * replayed, so it never changes what a workflow does.
 *
 * @example
 * ```ts
 * import { bundleWorkflowCode } from "@temporalio/worker";
 * import { RUN_OBSERVER_PATH } from "./worker.ts";
 * const workflowsPath = new URL("./workflows.ts", import.meta.url).pathname;
 * await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [RUN_OBSERVER_PATH] });
 * ```
 * @module
 */
import { proxySinks, workflowInfo } from "@temporalio/workflow";
import type { Sinks, WorkflowInterceptorsFactory } from "@temporalio/workflow";

/** What the worker learns about a finished run. */
export interface RunSummary {
  venues: { key: string; events: number; failed: boolean }[];
  events: number;
  deploy?: "committed" | "unchanged" | "failed";
}

/** The sink the interceptor calls (implemented by the worker). */
export interface RunObserverSinks extends Sinks {
  runObserver: { finished(summary: RunSummary): void };
}

/** Summarises a run from its (untrusted) input and its result. */
export function summarizeRun(input: unknown, result: unknown): RunSummary {
  const r = (result ?? {}) as {
    events?: { venueKey?: unknown }[];
    errors?: { venueKey?: unknown }[];
    deploy?: { committed?: boolean; failed?: boolean };
  };
  const venues = (input as { venues?: { key?: unknown }[] } | undefined)?.venues;
  const events = Array.isArray(r.events) ? r.events : [];
  const errors = Array.isArray(r.errors) ? r.errors : [];
  const failed = new Set(errors.map((e) => String(e?.venueKey)));
  const counts = new Map<string, number>();
  for (const e of events) {
    counts.set(String(e?.venueKey), (counts.get(String(e?.venueKey)) ?? 0) + 1);
  }
  const keys = new Set<string>([
    ...(Array.isArray(venues) ? venues.map((v) => String(v?.key)) : []),
    ...counts.keys(),
    ...failed,
  ]);
  const d = r.deploy;
  return {
    venues: [...keys].map((key) => ({
      key,
      events: counts.get(key) ?? 0,
      failed: failed.has(key),
    })),
    events: events.length,
    ...(d ? { deploy: d.failed ? "failed" : d.committed ? "committed" : "unchanged" } : {}),
  };
}

/** The interceptor factory the SDK loads from this module. */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [{
    async execute(input, next) {
      const result = await next(input);
      if (workflowInfo().workflowType === "FoodTruckWorkflow") {
        const { runObserver } = proxySinks<RunObserverSinks>();
        runObserver.finished(summarizeRun(input.args[0], result));
      }
      return result;
    },
  }],
});
