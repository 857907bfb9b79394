/**
 * Parses a page once per content: a worker reads every venue on every run (a schedule runs many
 * times a day) while a venue's page changes rarely, and parsing a real 66 KB venue page with
 * cheerio costs ~14 ms of CPU. {@link parseOnce} keeps the events of the last parses, keyed by the
 * SHA-256 of the body, the parser, the venue entry and the window, and hands out copies.
 *
 * Bounded: at most {@link MAX_REMEMBERED} parses (least recently used go first), and a parse whose
 * events take more than {@link MAX_REMEMBERED_BYTES} as JSON is not kept (a hostile page cannot
 * fill the worker's memory through it: 64 × 64 KiB at most). A parse that throws is not kept (the
 * next run parses again and throws again).
 *
 * @example
 * ```ts
 * import { parseOnce } from "./parse_memo.ts";
 * import type { VenueContext } from "./types.ts";
 * import type { FoodTruckEvent } from "../core/model.ts";
 * declare const ctx: VenueContext;
 * declare function parseExample(html: string, ctx: VenueContext): FoodTruckEvent[];
 * const html = await ctx.http.text(ctx.venue.url);
 * const events = parseOnce(parseExample, html, ctx); // parsed again only when html changed
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import type { FoodTruckEvent } from "../core/model.ts";
import type { VenueContext } from "./types.ts";

/** A parser of one page: events from the body, for the venue and window of `ctx`. */
export type PageParser = (body: string, ctx: VenueContext) => FoodTruckEvent[];

/** Parses remembered at most. Default 64 (seven venues, a few pages each, a few windows). */
export const MAX_REMEMBERED = 64;

/** A parse whose events are larger than this as JSON is not remembered: 64 KiB. */
export const MAX_REMEMBERED_BYTES = 64 * 1024;

interface Remembered {
  parse: PageParser;
  /** The events as JSON: the size bound is measured on it, and every hit parses a fresh copy. */
  json: string;
}

const remembered = new Map<string, Remembered>();
let parses = 0;

/**
 * `parse(body, ctx)`, or a copy of what it returned for the same body, venue entry and window.
 * The parser must read nothing but `body`, `ctx.venue`, `ctx.today` and `ctx.until`.
 */
export function parseOnce(parse: PageParser, body: string, ctx: VenueContext): FoodTruckEvent[] {
  const key = [
    parse.name,
    createHash("sha256").update(body).digest("base64"),
    JSON.stringify(ctx.venue),
    ctx.today,
    ctx.until,
  ].join("\n");
  const hit = remembered.get(key);
  if (hit && hit.parse === parse) {
    remembered.delete(key);
    remembered.set(key, hit);
    return JSON.parse(hit.json);
  }
  parses++;
  const events = parse(body, ctx);
  const json = JSON.stringify(events);
  if (json.length <= MAX_REMEMBERED_BYTES) {
    remembered.set(key, { parse, json });
    while (remembered.size > MAX_REMEMBERED) {
      remembered.delete(remembered.keys().next().value!);
    }
  }
  return events;
}

/** How many parses {@link parseOnce} has run (not answered from memory) in this process. */
export function parseCount(): number {
  return parses;
}

/** Forgets every remembered parse (tests, and a worker that wants a cold start). */
export function forgetParses(): void {
  remembered.clear();
}
