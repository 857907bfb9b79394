/**
 * The contract between the pipeline and one venue's parser.
 *
 * A parser is one file in `src/venues/` exporting a {@link VenueParser}; the registry
 * (`registry.ts`) maps venue keys to parsers. Parsers get every URL from the venue entry
 * (`venue.url`, or `venue.options`, or the origin of `venue.url`), never from constants, so
 * tests and the offline demo can point them at a local server.
 *
 * @example
 * ```ts
 * import type { VenueContext, VenueParser } from "./types.ts";
 * import type { FoodTruckEvent } from "../core/model.ts";
 * declare function parseExample(html: string, ctx: VenueContext): FoodTruckEvent[];
 * export const parser: VenueParser = {
 *   key: "example",
 *   async fetchEvents(ctx) {
 *     const html = await ctx.http.text(ctx.venue.url);
 *     return parseExample(html, ctx);
 *   },
 * };
 * ```
 * @module
 */
import type { FoodTruckEvent, VenueEntry } from "../core/model.ts";
import type { HttpClient } from "../net/http.ts";

export { ParseError } from "../net/http.ts";

/** What a parser receives for one run. */
export interface VenueContext {
  /** The venue's entry from the venue list. */
  venue: VenueEntry;
  /** First day of the window (`YYYY-MM-DD`, Pacific): "today" as of this run. */
  today: string;
  /** Last day of the window (inclusive). Parsers may return more; the pipeline filters. */
  until: string;
  /** HTTP with timeouts and retries. */
  http: HttpClient;
}

/** One venue's reader. Throw `ParseError` when the page is not in the expected shape. */
export interface VenueParser {
  /** The venue key this parser reads, e.g. `stoup-ballard`. */
  key: string;
  /** Fetches the venue's schedule and returns its events (any dates; the pipeline filters). */
  fetchEvents(ctx: VenueContext): Promise<FoodTruckEvent[]>;
}

/** Resolves a secondary URL: `venue.options[name]` when given, else `path` on the origin of `venue.url`. */
export function venueUrl(venue: VenueEntry, name: string, path: string): string {
  const named = venue.options?.[name];
  if (typeof named === "string" && named !== "") return named;
  return new URL(path, new URL(venue.url).origin).toString();
}
