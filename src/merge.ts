/**
 * Pure pieces of the pipeline shared by the CLI and the workflow sandbox: the window size,
 * the per-venue error message, merging (window, sort, dedupe) and a bounded map. No I/O here:
 * this module is bundled into workflow code.
 *
 * @example
 * ```ts
 * import { mergeResults } from "./merge.ts";
 * const { events, errors } = mergeResults(results, "2026-03-05", "2026-03-12");
 * ```
 * @module
 */
import type { FoodTruckEvent, FoodTruckWorkflowResult, VenueEntry, VenueResult } from "./model.ts";

/** Days after the first day that the window includes. Default 7 (today..today+7). */
export const DEFAULT_DAYS = 7;

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
 * Merges per-venue results: keeps events with `from <= date <= to`, sorts by date, then start
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
  for (const r of results) {
    for (const e of r.events) {
      if (e.date < from || e.date > to) continue;
      const key = [norm(e.venueName), e.date, e.start ? Date.parse(e.start) : "", norm(e.truckName)]
        .join("|");
      if (seen.has(key)) continue;
      seen.add(key);
      events.push(e);
    }
  }
  events.sort((a, b) =>
    a.date.localeCompare(b.date) ||
    (a.start ? Date.parse(a.start) : Infinity) - (b.start ? Date.parse(b.start) : Infinity) ||
    a.venueName.localeCompare(b.venueName) ||
    a.truckName.localeCompare(b.truckName)
  );
  const errors = results.flatMap((r) => (r.error ? [r.error] : []));
  return { from, to, events, errors };
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
