/**
 * The tracking pipeline without Temporal: read each venue (concurrently, bounded), turn each
 * failure into a per-venue error, keep the Pacific window, sort, and remove duplicates.
 * The same functions serve the `scrape` command and the Temporal activities.
 *
 * @example
 * ```ts
 * import { scrapeAll } from "./pipeline.ts";
 * import { loadVenueList } from "./list.ts";
 * const venues = await loadVenueList();
 * const result = await scrapeAll(venues, { date: "2026-03-05" });
 * console.log(result.events.length, result.errors.length);
 * ```
 * @module
 */
import type {
  FoodTruckEvent,
  FoodTruckWorkflowResult,
  VenueEntry,
  VenueResult,
} from "../core/model.ts";
import {
  DEFAULT_DAYS,
  failedVenue,
  mapBounded,
  MAX_EVENTS_PER_VENUE,
  mergeResults,
} from "./merge.ts";

export {
  DEFAULT_DAYS,
  mapBounded,
  MAX_EVENTS_PER_VENUE,
  mergeResults,
  venueErrorMessage,
} from "./merge.ts";
import { HttpClient } from "../net/http.ts";
import { getParser } from "./registry.ts";
import { checkVenueEntry } from "./check.ts";
import { addDays, pacificToday } from "../core/time.ts";

/** Longest error detail kept, in characters. */
export const MAX_DETAIL_CHARS = 300;

/** Longest text field of an event kept (truck name, description, image URL), in characters. */
export const MAX_EVENT_TEXT_CHARS = 500;

/**
 * The detail of a venue failure: the error's name and first line, never a stack; control
 * characters replaced, at most {@link MAX_DETAIL_CHARS} characters.
 */
export function errorDetail(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
  return clip(text.split("\n")[0], MAX_DETAIL_CHARS);
}

/** `text` with control characters as `?`, cut at `max` characters (with `…`). */
export function clip(text: string, max: number): string {
  // deno-lint-ignore no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > max ? clean.slice(0, max - 1) + "…" : clean;
}

/** An event with its text fields cut at {@link MAX_EVENT_TEXT_CHARS}. */
function boundEvent(e: FoodTruckEvent): FoodTruckEvent {
  const long = (s: string | undefined) => s !== undefined && s.length > MAX_EVENT_TEXT_CHARS;
  if (!long(e.truckName) && !long(e.description) && !long(e.imageUrl)) return e;
  const cut = (s: string) => s.slice(0, MAX_EVENT_TEXT_CHARS);
  return {
    ...e,
    truckName: cut(e.truckName),
    ...(e.description !== undefined ? { description: cut(e.description) } : {}),
    ...(e.imageUrl !== undefined && long(e.imageUrl) ? { imageUrl: undefined } : {}),
  };
}

/**
 * Reads one venue; throws what the parser throws. The entry is re-checked first
 * (`checkVenueEntry`: http(s) URLs only). Returns the events of the window `today..until`,
 * at most {@link MAX_EVENTS_PER_VENUE} + 1 (the one extra lets the merge warn "truncated"),
 * text fields cut at {@link MAX_EVENT_TEXT_CHARS}.
 */
export async function fetchVenueEvents(
  venue: VenueEntry,
  today: string,
  until: string,
  http: HttpClient,
): Promise<FoodTruckEvent[]> {
  const entry = checkVenueEntry(venue);
  const parser = getParser(entry.key);
  if (!parser) throw new Error(`no parser for venue key "${clip(entry.key, 60)}"`);
  const events = await parser.fetchEvents({ venue: entry, today, until, http });
  const inWindow = events.filter((e) => e.date >= today && e.date <= until);
  if (inWindow.length > MAX_EVENTS_PER_VENUE + 1) {
    inWindow.sort((a, b) => a.date.localeCompare(b.date));
    inWindow.length = MAX_EVENTS_PER_VENUE + 1;
  }
  return inWindow.map(boundEvent);
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
