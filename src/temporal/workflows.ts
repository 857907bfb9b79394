/**
 * Workflow code. Deterministic, bundled into the worker's sandbox: it imports only activity
 * *types* and pure helpers.
 *
 * @example
 * ```ts
 * const result = await client.workflow.execute(FoodTruckWorkflow, { taskQueue, workflowId, args: [input] });
 * ```
 * @module
 */
import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
} from "@temporalio/workflow";
import type { Activities } from "./activities.ts";
import type { FoodTruckWorkflowInput, FoodTruckWorkflowResult, VenueResult } from "../model.ts";
import { DEFAULT_DAYS, failedVenue, mapBounded, mergeResults } from "../merge.ts";
import { addDays, pacificToday } from "../time.ts";

/** Venue activities in flight at once. */
export const VENUE_PARALLELISM = 4;

const { generateWebData, deployWebData } = proxyActivities<Activities>({
  startToCloseTimeout: "3 minutes",
  retry: { initialInterval: "2 seconds", backoffCoefficient: 2, maximumAttempts: 4 },
});

// A local activity: no extra server round trip when the AI touches are off (it returns at once).
const { enrichWithAi } = proxyLocalActivities<Activities>({
  startToCloseTimeout: "2 minutes",
  retry: { maximumAttempts: 1 },
});

const { fetchVenue } = proxyActivities<Activities>({
  // The activity's own HTTP timeout is 10 s: 15 s bounds a lost worker's attempt tightly.
  startToCloseTimeout: "15 seconds",
  scheduleToCloseTimeout: "2 minutes",
  retry: {
    initialInterval: "1 second",
    backoffCoefficient: 2,
    maximumInterval: "10 seconds",
    maximumAttempts: 3,
  },
});

function failureDetail(err: unknown): string {
  let e: unknown = err;
  if (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return `${e.type ?? "Error"}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Reads every venue (one activity each, bounded), merges, and never fails for a venue's failure. */
export async function FoodTruckWorkflow(
  input: FoodTruckWorkflowInput,
): Promise<FoodTruckWorkflowResult> {
  const from = input.date ?? pacificToday(Date.now());
  const to = addDays(from, input.days ?? DEFAULT_DAYS);
  const results = await mapBounded(
    input.venues,
    VENUE_PARALLELISM,
    async (venue): Promise<VenueResult> => {
      try {
        const events = await fetchVenue(venue, from, to);
        return { venueKey: venue.key, venueName: venue.name, events };
      } catch (err) {
        return failedVenue(venue, failureDetail(err));
      }
    },
  );
  const result = mergeResults(results, from, to);
  try {
    const enriched = await enrichWithAi(result.events, from);
    result.events = enriched.events;
    if (enriched.haiku) result.haiku = enriched.haiku;
  } catch {
    // The AI touches never break a run.
  }
  if (input.deploy) {
    try {
      const data = await generateWebData(result);
      result.deploy = await deployWebData(data, input.deploy);
    } catch (err) {
      result.deploy = {
        committed: false,
        message: `deploy failed: ${failureDetail(err)}`,
        failed: true,
      };
    }
  }
  return result;
}
