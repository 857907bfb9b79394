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
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
} from "@temporalio/workflow";
import type { Activities, AiTouches } from "./activities.ts";
import type {
  DeployRequest,
  FoodTruckWorkflowInput,
  FoodTruckWorkflowResult,
  VenueEntry,
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

// Runs recorded before LIGHT_RUN_PATCH asked this local activity whether AI is on; later runs
// read it from the venue results. Kept so those histories replay.
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

/**
 * The patch that made a run lighter on the server (fewer history events, one activation less):
 * - the AI touches of the worker come with the venue results, not from the `aiTouches` local
 *   activity;
 * - a run of at most {@link VENUE_PARALLELISM} venues, whose deadline is longer than a venue's
 *   whole budget ({@link VENUE_TIMEOUT_MS}, schedule-to-close), starts no deadline timer: every
 *   venue is scheduled at once and ends by its own timeout before the deadline could fire.
 *
 * Histories recorded before it (no marker) replay the old way.
 */
export const LIGHT_RUN_PATCH = "light-run-1";

const NO_TOUCHES: AiTouches = { vision: false, haiku: false };

/**
 * The venue phase's shared state: its two scopes, its deadline, and what its venues report
 * (venue-level truncation warnings, in the order the venues finished).
 */
interface VenuePhase {
  /** The run's root scope: a cancel of the run is never turned into a timed-out venue. */
  readonly root: CancellationScope;
  readonly from: string;
  readonly to: string;
  /** The scope of the venue activities; the deadline cancels it. */
  readonly venues: CancellationScope;
  /** The scope of the deadline timer; cancelled when the venues finish first. */
  readonly deadline: CancellationScope;
  readonly deadlineMs: number;
  /** {@link LIGHT_RUN_PATCH} applies to this run. */
  readonly light: boolean;
  /** The AI touches reported by the first venue read (light runs). */
  touches?: AiTouches;
  deadlineHit: boolean;
  truncated: boolean;
  readonly warnings: VenueWarning[];
}

/** The run's venue deadline: the input may shorten {@link VENUE_PHASE_DEADLINE_MS}, not extend. */
function venueDeadlineMs(asked: number | undefined): number {
  return typeof asked === "number" && asked > 0 && asked < VENUE_PHASE_DEADLINE_MS
    ? asked
    : VENUE_PHASE_DEADLINE_MS;
}

/**
 * Starts the venue phase under its deadline: a timer in its own scope cancels the venue scope.
 * Not async on purpose: the caller awaits the venue scope's own promise and ends the phase
 * ({@link endVenuePhase}) in the same synchronous step that schedules the next command, so the
 * commands (and the deadline timer's cancel among them) keep the order of recorded histories.
 */
function readVenues(
  input: FoodTruckWorkflowInput,
  root: CancellationScope,
  from: string,
  to: string,
): { phase: VenuePhase; results: Promise<VenueResult[]> } {
  const venues = new CancellationScope();
  const deadline = new CancellationScope();
  const deadlineMs = venueDeadlineMs(input.venueDeadlineMs);
  const light = patched(LIGHT_RUN_PATCH);
  const phase: VenuePhase = {
    root,
    from,
    to,
    venues,
    deadline,
    deadlineMs,
    light,
    deadlineHit: false,
    truncated: false,
    warnings: [],
  };
  const deadlineCanFire = input.venues.length > VENUE_PARALLELISM ||
    deadlineMs <= VENUE_TIMEOUT_MS;
  if (!light || deadlineCanFire) {
    deadline.run(() => sleep(deadlineMs)).then(() => {
      phase.deadlineHit = true;
      venues.cancel();
    }, () => {/* cancelled: the venues finished first, or the run was cancelled */});
  }
  const results = venues.run(() =>
    mapBounded(input.venues, VENUE_PARALLELISM, (venue) => readVenue(venue, phase))
  );
  return { phase, results };
}

/** One venue's activity: its failure, or its timeout at the deadline, becomes a failed venue. */
async function readVenue(venue: VenueEntry, phase: VenuePhase): Promise<VenueResult> {
  try {
    const r = await fetchVenue(venue, phase.from, phase.to);
    phase.touches ??= r.touches;
    if (r.dropped > 0) {
      phase.truncated = true;
      phase.warnings.push(truncationWarning(r.dropped, venue));
    }
    return { venueKey: venue.key, venueName: venue.name, events: r.events };
  } catch (err) {
    if (isCancellation(err)) {
      if (phase.root.consideredCancelled || !phase.deadlineHit) throw err;
      return failedVenue(
        venue,
        `timed out: still pending at the venue deadline (${phase.deadlineMs / 1000} s)`,
      );
    }
    return failedVenue(venue, failureDetail(err));
  }
}

/**
 * Ends the venue phase (synchronously, see {@link readVenues}): stops the deadline timer unless it
 * fired, warns about venues still pending at the deadline, and returns the merged, bounded result.
 */
function endVenuePhase(phase: VenuePhase, results: VenueResult[]): FoodTruckWorkflowResult {
  if (!phase.deadlineHit) phase.deadline.cancel();
  const timedOut = results.filter((r) => r.error?.detail.startsWith("timed out")).length;
  if (timedOut) {
    phase.warnings.push({
      ...{ venueKey: WHOLE_WEEK.key, venueName: WHOLE_WEEK.name },
      message: `timed out: ${timedOut} venue(s) still pending at the deadline`,
    });
  }
  return boundResult(mergeResults(results, phase.from, phase.to), phase);
}

/**
 * Keeps the result within the payload budget (32 KiB below {@link RESULT_BUDGET_BYTES} for the
 * rest of the result); marks it `truncated` and adds the phase's warnings after its own.
 */
function boundResult(result: FoodTruckWorkflowResult, phase: VenuePhase): FoodTruckWorkflowResult {
  const bounded = boundEvents(result.events, RESULT_BUDGET_BYTES - 32 * 1024);
  if (bounded.dropped > 0) {
    phase.truncated = true;
    phase.warnings.push(truncationWarning(bounded.dropped, WHOLE_WEEK));
    result.events = bounded.events;
  }
  if (phase.truncated) result.truncated = true;
  if (phase.warnings.length) result.warnings = [...(result.warnings ?? []), ...phase.warnings];
  return result;
}

/**
 * The AI touches, when on for this worker: names the image-only ("TBD") trucks, writes a haiku
 * about the first day. They never break a run; a cancel still goes through.
 */
async function addAiTouches(
  result: FoodTruckWorkflowResult,
  from: string,
  phase: VenuePhase,
): Promise<void> {
  try {
    // Only what each AI touch needs crosses the payload boundary; none needed, no activity.
    const touches = phase.light ? phase.touches ?? NO_TOUCHES : await aiTouches();
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
}

/** Publishes the result; a deploy that fails after its retries is reported, a cancel rethrown. */
async function deploy(
  result: FoodTruckWorkflowResult,
  request: DeployRequest,
): Promise<NonNullable<FoodTruckWorkflowResult["deploy"]>> {
  try {
    const data = await generateWebData(result);
    return await deployWebData(data, request);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { committed: false, message: `deploy failed: ${failureDetail(err)}`, failed: true };
  }
}

/** Reads every venue (one activity each, bounded), merges, and never fails for a venue's failure. */
export async function FoodTruckWorkflow(
  input: FoodTruckWorkflowInput,
): Promise<FoodTruckWorkflowResult> {
  const root = CancellationScope.current();
  const from = input.date ?? pacificToday(Date.now());
  const to = addDays(from, input.days ?? DEFAULT_DAYS);
  const { phase, results } = readVenues(input, root, from, to);
  // From here on, no await between the end of the venue phase and the first AI command.
  const result = endVenuePhase(phase, await results);
  await addAiTouches(result, from, phase);
  if (input.deploy) result.deploy = await deploy(result, input.deploy);
  // A cancel that arrived while the last activity was completing still ends the run CANCELLED.
  if (root.consideredCancelled) await CancellationScope.current().cancelRequested;
  return result;
}
