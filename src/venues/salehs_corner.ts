/**
 * Saleh's Corner: the seattlefoodtruck.com JSON API (`GET venue.url?page=1&page_size=300&
 * for_locations=<locationId>&with_active_trucks=true&include_bookings=true&start_date=<M-D-YY>
 * &end_date=<M-D-YY>`), asked for `ctx.today` through `ctx.until`.
 *
 * - Each `events[]` item is one slot; the truck is the first booking with
 *   `status == "approved"` that has a `truck`. Slots without one are skipped, and so are slots
 *   whose end is not after their start.
 * - `start_time` / `end_time` carry an offset; they are converted to Pacific ISO strings and the
 *   date is the Pacific day of the start.
 * - Option `locationId` (number or numeric string) defaults to 164, Saleh's Corner.
 * - 429 (rate limited) is retried with backoff by the `HttpClient`.
 *
 * @example
 * ```ts
 * import { parseSeattleFoodTruckEvents } from "./salehs_corner.ts";
 * declare const json: string;
 * declare const venue: import("../core/model.ts").VenueEntry;
 * const events = parseSeattleFoodTruckEvents(json, { venue });
 * ```
 * @module
 */
import type { FoodTruckEvent, VenueEntry } from "../core/model.ts";
import { assertYmd, pacificDateOf, toPacificIso } from "../core/time.ts";
import { ParseError, type VenueParser } from "./types.ts";

/** What the pure parse functions need to know about the venue. */
export interface ParseOptions {
  venue: VenueEntry;
}

/** seattlefoodtruck.com's location id of Saleh's Corner. */
export const DEFAULT_LOCATION_ID = 164;

/** `2026-03-05` → `3-5-26`, the API's date form. */
export function sftDate(ymd: string): string {
  assertYmd(ymd);
  const [y, m, d] = ymd.split("-").map(Number);
  return `${m}-${d}-${String(y % 100).padStart(2, "0")}`;
}

/** The location to ask for: `venue.options.locationId` (number or digits), else 164. */
export function locationIdOf(venue: VenueEntry): string {
  const id = venue.options?.locationId;
  if (typeof id === "number" && Number.isInteger(id) && id > 0) {
    return String(id);
  }
  if (typeof id === "string" && /^\d+$/.test(id.trim())) return id.trim();
  return String(DEFAULT_LOCATION_ID);
}

/** The API URL for the days `from`..`to` (inclusive, `YYYY-MM-DD`). */
export function salehsEventsUrl(
  venue: VenueEntry,
  from: string,
  to: string,
): string {
  const url = new URL(venue.url);
  url.searchParams.set("page", "1");
  url.searchParams.set("page_size", "300");
  url.searchParams.set("for_locations", locationIdOf(venue));
  url.searchParams.set("with_active_trucks", "true");
  url.searchParams.set("include_bookings", "true");
  url.searchParams.set("start_date", sftDate(from));
  url.searchParams.set("end_date", sftDate(to));
  return url.toString();
}

/** A truck name as shown: trimmed; blank, "tbd", "tba" or "unknown" (any case) → "TBD". */
export function normalizeTruckName(name: unknown): string {
  const s = typeof name === "string" ? name.replace(/\s+/g, " ").trim() : "";
  return s === "" || /^(tbd|tba|unknown)$/i.test(s) ? "TBD" : s;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function instant(value: unknown, field: string, index: number): number | null {
  if (value === null || value === undefined) return null;
  const t = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) {
    throw new ParseError(
      `events[${index}].${field} is not a date-time: ${JSON.stringify(value)}`,
    );
  }
  return t;
}

/**
 * Events from the API's JSON answer. Throws `ParseError` when there is no `events` array, an
 * item is not an object or has no `bookings` array, or a booked slot has no readable start.
 */
export function parseSeattleFoodTruckEvents(
  data: unknown,
  opts: ParseOptions,
): FoodTruckEvent[] {
  const items = isObj(data) ? data.events : undefined;
  if (!Array.isArray(items)) {
    throw new ParseError(`the answer has no "events" array`);
  }
  const out: FoodTruckEvent[] = [];
  items.forEach((item, i) => {
    if (!isObj(item) || !Array.isArray(item.bookings)) {
      throw new ParseError(`events[${i}] has no "bookings" array`);
    }
    const booking = item.bookings.find((b) =>
      isObj(b) && b.status === "approved" && isObj(b.truck)
    ) as { truck: Obj } | undefined;
    if (!booking) return;
    const start = instant(item.start_time, "start_time", i);
    if (start === null) throw new ParseError(`events[${i}] has no start_time`);
    const end = instant(item.end_time, "end_time", i);
    if (end !== null && end <= start) return;
    const categories = Array.isArray(booking.truck.food_categories)
      ? booking.truck.food_categories
        .map((c) => (typeof c === "string" ? c : isObj(c) ? c.name : undefined))
        .filter((c): c is string => typeof c === "string" && c.trim() !== "")
        .map((c) => c.trim())
      : [];
    out.push({
      venueKey: opts.venue.key,
      venueName: opts.venue.name,
      truckName: normalizeTruckName(booking.truck.name),
      date: pacificDateOf(start),
      start: toPacificIso(start),
      end: end === null ? null : toPacificIso(end),
      ...(categories.length ? { description: categories.join(", ") } : {}),
    });
  });
  return out;
}

/** The Saleh's Corner parser. */
export const parser: VenueParser = {
  key: "salehs-corner",
  async fetchEvents(ctx) {
    const url = salehsEventsUrl(ctx.venue, ctx.today, ctx.until);
    const data = await ctx.http.json(url, {
      headers: { Accept: "application/json" },
    });
    return parseSeattleFoodTruckEvents(data, ctx);
  },
};
