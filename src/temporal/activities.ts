/**
 * Activities: plain async functions the worker registers. Network failures throw so that
 * Temporal retries them; a page in the wrong shape or a 4xx (other than 429) fails at once.
 *
 * @example
 * ```ts
 * import { createActivities } from "./activities.ts";
 * const worker = await Worker.create({ activities: createActivities(), ... });
 * ```
 * @module
 */
import { ApplicationFailure } from "@temporalio/common";
import type { FoodTruckEvent, VenueEntry } from "../model.ts";
import { HttpClient, HttpStatusError, ParseError } from "../http.ts";
import { fetchVenueEvents } from "../pipeline.ts";

/** Options of {@link createActivities}. */
export interface ActivityOptions {
  /** HTTP client for venue requests. Default: 10 s timeout, no in-process retry (Temporal retries). */
  http?: HttpClient;
}

/** The activity implementations, closed over their dependencies. */
export function createActivities(options: ActivityOptions = {}) {
  const http = options.http ?? new HttpClient({ retries: 0 });
  return {
    /** Reads one venue's schedule. Retryable on network errors, 5xx and 429. */
    async fetchVenue(venue: VenueEntry, today: string, until: string): Promise<FoodTruckEvent[]> {
      try {
        return await fetchVenueEvents(venue, today, until, http);
      } catch (err) {
        const e = err as Error;
        const permanent = err instanceof ParseError ||
          (err instanceof HttpStatusError && err.status < 500 && err.status !== 429) ||
          !(err instanceof Error && /^Http/.test(e.name));
        if (permanent) throw ApplicationFailure.nonRetryable(e.message, e.name);
        throw ApplicationFailure.retryable(e.message, e.name);
      }
    },
  };
}

/** The activity interface as the workflow sees it. */
export type Activities = ReturnType<typeof createActivities>;
