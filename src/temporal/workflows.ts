/**
 * Workflow code. Deterministic, bundled into the worker's sandbox: it imports only activity
 * *types* and pure helpers.
 *
 * Semantics a Temporal user relies on (see the README's "Timeout budget" and "Cancellation"):
 * - a venue's failure never fails the run; the venue phase has a deadline
 *   ({@link VENUE_PHASE_DEADLINE_MS}) after which venues still pending are cancelled and
 *   reported as timed out, so a slow day still returns what it has;
 * - a cancel of the run is never swallowed: running activities are cancelled, no deploy starts
 *   after it, and the run ends CANCELLED;
 * - every recorded value stays within the payload budget (`src/core/payload.ts`): a result cut to fit
 *   carries `truncated: true` and a warning;
 * - the AI touches are regular activities with heartbeats and never break a run.
 *
 * @example
 * ```ts
 * import { FoodTruckWorkflow } from "./workflows.ts";
 * import type { FoodTruckWorkflowInput } from "../core/model.ts";
 * import { loadVenueList } from "../venues/list.ts";
 * declare const client: import("@temporalio/client").Client;
 * const [taskQueue, workflowId] = ["food-truck-task-queue", "food-trucks-2026-03-05"];
 * const input: FoodTruckWorkflowInput = { venues: await loadVenueList(), date: "2026-03-05" };
 * const result = await client.workflow.execute(FoodTruckWorkflow, { taskQueue, workflowId, args: [input] });
 * ```
 * @module
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
} from "@temporalio/workflow";
import type { Activities } from "./activities.ts";
import type {
  FoodTruckWorkflowInput,
  FoodTruckWorkflowResult,
  VenueResult,
  VenueWarning,
} from "../core/model.ts";
import { DEFAULT_DAYS, failedVenue, mapBounded, mergeResults } from "../venues/merge.ts";
import {
  boundEvents,
  RESULT_BUDGET_BYTES,
  truncationWarning,
  WHOLE_WEEK,
} from "../core/payload.ts";
import { addDays, pacificToday } from "../core/time.ts";
import {
  AI_HEARTBEAT_TIMEOUT_MS,
  AI_TIMEOUT_MS,
  DEPLOY_ATTEMPT_TIMEOUT_MS,
  DEPLOY_HEARTBEAT_TIMEOUT_MS,
  DEPLOY_TIMEOUT_MS,
  VENUE_ATTEMPT_TIMEOUT_MS,
  VENUE_HEARTBEAT_TIMEOUT_MS,
  VENUE_PHASE_DEADLINE_MS,
  VENUE_TIMEOUT_MS,
  WEB_DATA_TIMEOUT_MS,
} from "./budget.ts";

/** Venue activities in flight at once. */
export const VENUE_PARALLELISM = 4;

const { fetchVenue } = proxyActivities<Activities>({
  startToCloseTimeout: VENUE_ATTEMPT_TIMEOUT_MS,
  heartbeatTimeout: VENUE_HEARTBEAT_TIMEOUT_MS,
  scheduleToCloseTimeout: VENUE_TIMEOUT_MS,
  retry: {
    initialInterval: "1 second",
    backoffCoefficient: 2,
    maximumInterval: "10 seconds",
    maximumAttempts: 3,
  },
});

// Regular activities (not local): the result is recorded once, so a worker crash after a paid
// call never repeats it; heartbeats notice a lost worker within 30 s.
const { extractTruckNames, generateHaiku } = proxyActivities<Activities>({
  startToCloseTimeout: AI_TIMEOUT_MS,
  scheduleToCloseTimeout: AI_TIMEOUT_MS,
  heartbeatTimeout: AI_HEARTBEAT_TIMEOUT_MS,
  retry: { maximumAttempts: 2 },
});

// A cheap check in the same workflow task (no server round trip): is AI on for this worker?
const { aiTouches } = proxyLocalActivities<Activities>({
  startToCloseTimeout: "5 seconds",
  retry: { maximumAttempts: 3 },
});

const { generateWebData } = proxyActivities<Activities>({
  startToCloseTimeout: "30 seconds",
  scheduleToCloseTimeout: WEB_DATA_TIMEOUT_MS,
  retry: { initialInterval: "1 second", maximumAttempts: 3 },
});

const { deployWebData } = proxyActivities<Activities>({
  startToCloseTimeout: DEPLOY_ATTEMPT_TIMEOUT_MS,
  scheduleToCloseTimeout: DEPLOY_TIMEOUT_MS,
  heartbeatTimeout: DEPLOY_HEARTBEAT_TIMEOUT_MS,
  // On a cancel, wait until the activity has stopped (its git children killed) before the run
  // ends CANCELLED: nothing is pushed behind a cancelled run's back.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: "2 seconds", backoffCoefficient: 2, maximumAttempts: 4 },
});

const MAX_DETAIL = 300;

function failureDetail(err: unknown): string {
  let e: unknown = err;
  if (e instanceof ActivityFailure && e.cause) e = e.cause;
  const text = e instanceof ApplicationFailure
    ? `${e.type ?? "Error"}: ${e.message}`
    : e instanceof Error
    ? `${e.name}: ${e.message}`
    : String(e);
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

/** Reads every venue (one activity each, bounded), merges, and never fails for a venue's failure. */
export async function FoodTruckWorkflow(
  input: FoodTruckWorkflowInput,
): Promise<FoodTruckWorkflowResult> {
  const root = CancellationScope.current();
  const from = input.date ?? pacificToday(Date.now());
  const to = addDays(from, input.days ?? DEFAULT_DAYS);
  const warnings: VenueWarning[] = [];
  let truncated = false;

  // The venue phase, under a deadline: a timer in its own scope cancels the venue scope.
  const venues = new CancellationScope();
  const deadline = new CancellationScope();
  let deadlineHit = false;
  const asked = input.venueDeadlineMs;
  const deadlineMs = typeof asked === "number" && asked > 0 && asked < VENUE_PHASE_DEADLINE_MS
    ? asked
    : VENUE_PHASE_DEADLINE_MS;
  deadline.run(() => sleep(deadlineMs)).then(() => {
    deadlineHit = true;
    venues.cancel();
  }, () => {/* cancelled: the venues finished first, or the run was cancelled */});
  const results = await venues.run(() =>
    mapBounded(input.venues, VENUE_PARALLELISM, async (venue): Promise<VenueResult> => {
      try {
        const r = await fetchVenue(venue, from, to);
        if (r.dropped > 0) {
          truncated = true;
          warnings.push(truncationWarning(r.dropped, venue));
        }
        return { venueKey: venue.key, venueName: venue.name, events: r.events };
      } catch (err) {
        if (isCancellation(err)) {
          if (root.consideredCancelled || !deadlineHit) throw err;
          return failedVenue(
            venue,
            `timed out: still pending at the venue deadline (${deadlineMs / 1000} s)`,
          );
        }
        return failedVenue(venue, failureDetail(err));
      }
    })
  );
  if (!deadlineHit) deadline.cancel();
  const timedOut = results.filter((r) => r.error?.detail.startsWith("timed out")).length;
  if (timedOut) {
    warnings.push({
      ...{ venueKey: WHOLE_WEEK.key, venueName: WHOLE_WEEK.name },
      message: `timed out: ${timedOut} venue(s) still pending at the deadline`,
    });
  }

  const result = mergeResults(results, from, to);
  const bounded = boundEvents(result.events, RESULT_BUDGET_BYTES - 32 * 1024);
  if (bounded.dropped > 0) {
    truncated = true;
    warnings.push(truncationWarning(bounded.dropped, WHOLE_WEEK));
    result.events = bounded.events;
  }
  if (truncated) result.truncated = true;
  if (warnings.length) result.warnings = [...(result.warnings ?? []), ...warnings];

  try {
    // Only what each AI touch needs crosses the payload boundary; none needed, no activity.
    const touches = await aiTouches();
    const tbd = result.events.flatMap((e, i) => e.truckName === "TBD" && e.imageUrl ? [i] : []);
    if (touches.vision && tbd.length) {
      const named = await extractTruckNames(tbd.map((i) => result.events[i]));
      tbd.forEach((at, k) => {
        if (named[k]) result.events[at] = named[k];
      });
    }
    const today = result.events.filter((e) => e.date === from);
    if (touches.haiku && today.length) {
      const haiku = await generateHaiku(today, from);
      if (haiku) result.haiku = haiku;
    }
  } catch (err) {
    if (isCancellation(err)) throw err;
    // The AI touches never break a run.
  }
  if (input.deploy) {
    try {
      const data = await generateWebData(result);
      result.deploy = await deployWebData(data, input.deploy);
    } catch (err) {
      if (isCancellation(err)) throw err;
      result.deploy = {
        committed: false,
        message: `deploy failed: ${failureDetail(err)}`,
        failed: true,
      };
    }
  }
  // A cancel that arrived while the last activity was completing still ends the run CANCELLED.
  if (root.consideredCancelled) await CancellationScope.current().cancelRequested;
  return result;
}
