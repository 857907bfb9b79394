/**
 * The tracking pipeline without Temporal: read each venue (concurrently, bounded), turn each
 * failure into a per-venue error, keep the Pacific window, sort, and remove duplicates.
 * The same functions serve the `scrape` command and the Temporal activities.
 *
 * @example
 * ```ts
 * import { scrapeAll } from "./pipeline.ts";
 * const result = await scrapeAll(venues, { date: "2026-03-05" });
 * console.log(result.events.length, result.errors.length);
 * ```
 * @module
 */
import type { FoodTruckEvent, FoodTruckWorkflowResult, VenueEntry, VenueResult } from "./model.ts";
import { DEFAULT_DAYS, failedVenue, mapBounded, mergeResults } from "./merge.ts";

export { DEFAULT_DAYS, mapBounded, mergeResults, venueErrorMessage } from "./merge.ts";
import { HttpClient } from "./http.ts";
import { getParser } from "./venues/registry.ts";
import { addDays, pacificToday } from "./time.ts";

/** The detail of a venue failure: the error's name and first line, never a stack. */
export function errorDetail(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
}

/** Reads one venue; throws what the parser throws. */
export async function fetchVenueEvents(
  venue: VenueEntry,
  today: string,
  until: string,
  http: HttpClient,
): Promise<FoodTruckEvent[]> {
  const parser = getParser(venue.key);
  if (!parser) throw new Error(`no parser for venue key "${venue.key}"`);
  return await parser.fetchEvents({ venue, today, until, http });
}

/** Reads one venue, never throwing: a failure becomes `error`. */
export async function scrapeVenue(
  venue: VenueEntry,
  today: string,
  until: string,
  http: HttpClient,
): Promise<VenueResult> {
  try {
    const events = await fetchVenueEvents(venue, today, until, http);
    return { venueKey: venue.key, venueName: venue.name, events };
  } catch (err) {
    return failedVenue(venue, errorDetail(err));
  }
}

/** Options of {@link scrapeAll}. */
export interface ScrapeOptions {
  /** First Pacific day of the window. Default: today in Pacific time. */
  date?: string;
  /** Days after `date` to include. Default {@link DEFAULT_DAYS}. */
  days?: number;
  /** Venues read at once. Default 4. */
  concurrency?: number;
  /** HTTP client. Default: 10 s timeout, 2 retries. */
  http?: HttpClient;
}

/** Scrapes every venue and merges the results. Never throws for a venue's failure. */
export async function scrapeAll(
  venues: VenueEntry[],
  options: ScrapeOptions = {},
): Promise<FoodTruckWorkflowResult> {
  const from = options.date ?? pacificToday();
  const to = addDays(from, options.days ?? DEFAULT_DAYS);
  const http = options.http ?? new HttpClient();
  const results = await mapBounded(
    venues,
    options.concurrency ?? 4,
    (v) => scrapeVenue(v, from, to, http),
  );
  return mergeResults(results, from, to);
}
