/**
 * Pure pieces of the pipeline shared by the CLI and the workflow sandbox: the window size,
 * the per-venue error message, merging (window, sort, dedupe) and a bounded map. No I/O here:
 * this module is bundled into workflow code.
 *
 * @example
 * ```ts
 * import { mergeResults } from "./merge.ts";
 * import type { VenueResult } from "../core/model.ts";
 * declare const results: VenueResult[]; // one per venue, from the fetch activities
 * const { events, errors } = mergeResults(results, "2026-03-05", "2026-03-12");
 * ```
 * @module
 */
import type {
  FoodTruckEvent,
  FoodTruckWorkflowResult,
  VenueEntry,
  VenueResult,
  VenueWarning,
} from "../core/model.ts";

/** Days after the first day that the window includes. Default 7 (today..today+7). */
export const DEFAULT_DAYS = 7;

/**
 * Most events kept per venue and window (500). A venue listing more (a hostile or broken page)
 * is truncated to its earliest {@link MAX_EVENTS_PER_VENUE} events with a "truncated" warning in
 * the result. The reading side passes one event more than the cap, so that the merge can tell.
 */
export const MAX_EVENTS_PER_VENUE = 500;

/** The warning of a venue whose events were cut at {@link MAX_EVENTS_PER_VENUE}. */
export function truncatedWarning(venue: Pick<VenueEntry, "key" | "name">): VenueWarning {
  return {
    venueKey: venue.key,
    venueName: venue.name,
    message: `${venue.name}: truncated to its first ${MAX_EVENTS_PER_VENUE} events ` +
      `(the venue listed more; the rest were dropped)`,
  };
}

/** The user-facing message for a venue that failed. */
export function venueErrorMessage(venueName: string): string {
  return `Could not read the schedule of ${venueName}`;
}

/** The result of a venue that could not be read: no events, the user-facing message, `detail`. */
export function failedVenue(venue: Pick<VenueEntry, "key" | "name">, detail: string): VenueResult {
  return {
    venueKey: venue.key,
    venueName: venue.name,
    events: [],
    error: {
      venueKey: venue.key,
      venueName: venue.name,
      message: venueErrorMessage(venue.name),
      detail,
    },
  };
}

const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * Merges per-venue results: keeps events with `from <= date <= to` (at most
 * {@link MAX_EVENTS_PER_VENUE} per venue, with a warning when cut), sorts by date, then start
 * time (events without a time after timed ones), then venue and truck; removes duplicates
 * (same venue, day, start and truck name, case- and space-insensitive).
 */
export function mergeResults(
  results: VenueResult[],
  from: string,
  to: string,
): FoodTruckWorkflowResult {
  const seen = new Set<string>();
  const events: FoodTruckEvent[] = [];
  const warnings: VenueWarning[] = [];
  for (const r of results) {
    let inWindow = r.events.filter((e) => e.date >= from && e.date <= to);
    if (inWindow.length > MAX_EVENTS_PER_VENUE) {
      inWindow = [...inWindow].sort(byTime).slice(0, MAX_EVENTS_PER_VENUE);
      warnings.push(truncatedWarning({ key: r.venueKey, name: r.venueName }));
    }
    for (const e of inWindow) {
      const key = [norm(e.venueName), e.date, e.start ? Date.parse(e.start) : "", norm(e.truckName)]
        .join("|");
      if (seen.has(key)) continue;
      seen.add(key);
      events.push(e);
    }
  }
  events.sort(byTime);
  const errors = results.flatMap((r) => (r.error ? [r.error] : []));
  return { from, to, events, errors, ...(warnings.length ? { warnings } : {}) };
}

/** Date, then start time (untimed last), then venue, then truck. */
function byTime(a: FoodTruckEvent, b: FoodTruckEvent): number {
  return a.date.localeCompare(b.date) ||
    (a.start ? Date.parse(a.start) : Infinity) - (b.start ? Date.parse(b.start) : Infinity) ||
    a.venueName.localeCompare(b.venueName) ||
    a.truckName.localeCompare(b.truckName);
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}
