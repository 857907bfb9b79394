/**
 * Stoup Brewing - Ballard: a server-rendered page where each day is a `div.food-truck-day`.
 *
 * Inside a cell, `div.lunch-truck-info` holds an `h4` like `Sat 07.05` (no year), a `div.hrs`
 * like `1 &mdash; 8pm`, then the truck name as loose text before a `<br>` (older markup puts
 * the name in `div.truck`). An empty `hrs` (` &mdash; `) means no times.
 *
 * Decisions:
 * - A page without any `div.food-truck-day` cell, or a cell whose heading has no `MM.DD`,
 *   is a `ParseError` (the layout changed: say so rather than publish a partial week).
 * - Hours that cannot be read give `start`/`end` null; the truck is still listed.
 * - A cell without a truck name is skipped when it has no hours either, and listed as `TBD`
 *   when it has hours (a booked slot whose truck is not named yet).
 *
 * @example
 * ```ts
 * import { parseStoupHtml } from "./stoup_ballard.ts";
 * declare const html: string;
 * declare const venue: import("../core/model.ts").VenueEntry;
 * const events = parseStoupHtml(html, { venue, today: "2026-03-05" });
 * ```
 * @module
 */
import type * as cheerio from "cheerio";
import { loadHtml } from "./html.ts";
import type { FoodTruckEvent } from "../core/model.ts";
import { describeBody } from "../net/http.ts";
import { addDays, dateFromMonthDay, pacificIso } from "../core/time.ts";
import { ParseError, type VenueContext, type VenueParser } from "./types.ts";
import { parseOnce } from "./parse_memo.ts";

/** Re-exported from `../core/time.ts`, where the year inference now lives. */
export { dateFromMonthDay } from "../core/time.ts";

/** What the pure parse functions need from a {@link VenueContext}. */
export type ParseContext = Pick<VenueContext, "venue" | "today">;

/** Start and end of a truck's hours as Pacific ISO strings (null when unknown). */
export interface Hours {
  start: string | null;
  end: string | null;
}

const NO_HOURS: Hours = { start: null, end: null };

interface ClockSide {
  hour: number;
  minute: number;
  /** "am" / "pm" as written, "noon", or null when the side has no suffix. */
  suffix: "am" | "pm" | "noon" | "midnight" | null;
}

function readSide(text: string): ClockSide | null {
  const s = text.trim().toLowerCase().replace(/\./g, "");
  if (s === "noon") return { hour: 12, minute: 0, suffix: "noon" };
  if (s === "midnight") return { hour: 0, minute: 0, suffix: "midnight" };
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a|p)?$/.exec(s);
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = m[2] ? Number(m[2]) : 0;
  const suffix = m[3] ? (m[3].startsWith("a") ? "am" : "pm") : null;
  if (minute > 59) return null;
  if (suffix ? hour < 1 || hour > 12 : hour > 23) return null;
  return { hour, minute, suffix };
}

/** Hour 0..23 of a side read with `suffix` (a 13..23 / 0 hour without suffix is 24-hour). */
function hour24(side: ClockSide, suffix: "am" | "pm"): number {
  if (side.suffix === "noon") return 12;
  if (side.suffix === "midnight") return 0;
  if (side.hour > 12 || side.hour === 0) return side.hour;
  return suffix === "am" ? side.hour % 12 : (side.hour % 12) + 12;
}

const other = (s: "am" | "pm"): "am" | "pm" => (s === "am" ? "pm" : "am");

/**
 * Reads Stoup's hours text (`noon — 4pm`, `4:30 — 8:30pm`, `1 — 8pm`, `11am — 2pm`, `11 — 2pm`)
 * on the Pacific day `date`. A single am/pm suffix applies to both ends unless that puts the
 * end before the start (`11 — 2pm` is 11 AM to 2 PM); without any suffix, hours are read as PM
 * in the same way. An end at or before the start after that (`8pm — 1am`) is the next day.
 * Empty or unreadable text gives null start and end.
 */
export function parseStoupHours(text: string, date: string): Hours {
  const parts = text.replace(/\u00a0/g, " ").split(
    /\s*(?:\u2014|\u2013|-|\bto\b)\s*/i,
  );
  if (parts.length !== 2 || parts[0].trim() === "" || parts[1].trim() === "") {
    return NO_HOURS;
  }
  const a = readSide(parts[0]);
  const b = readSide(parts[1]);
  if (!a || !b) return NO_HOURS;
  const explicit = (
    s: ClockSide,
  ) => (s.suffix === "am" || s.suffix === "pm" ? s.suffix : null);
  // Minutes after the day's midnight; a "midnight" end is the end of the day.
  const startAt = (h: number) => h * 60 + a.minute;
  const endAt = (
    h: number,
  ) => (b.suffix === "midnight" ? 24 * 60 : h * 60 + b.minute);
  const sa = explicit(a), sb = explicit(b);
  let sh: number, eh: number;
  if (sa && sb) {
    sh = hour24(a, sa);
    eh = hour24(b, sb);
  } else if (sa) {
    // Only the start has a suffix: it applies to the end too, unless that reverses the range.
    sh = hour24(a, sa);
    eh = hour24(b, sa);
    if (endAt(eh) <= startAt(sh)) eh = hour24(b, other(sa));
  } else {
    // The end's suffix (PM when none is written) applies to the start unless that reverses it.
    const suffix = sb ?? "pm";
    eh = hour24(b, suffix);
    sh = hour24(a, suffix);
    if (startAt(sh) >= endAt(eh)) sh = hour24(a, other(suffix));
  }
  const start = pacificIso(date, sh, a.minute);
  const endDay = endAt(eh) <= startAt(sh) || endAt(eh) >= 24 * 60 ? addDays(date, 1) : date;
  return { start, end: pacificIso(endDay, eh % 24, b.minute) };
}

const clean = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * Parses the Stoup Ballard page into events (any dates; years inferred from `ctx.today`).
 * Throws `ParseError` for an empty page, a page without day cells, or an unreadable day heading.
 */
export function parseStoupHtml(
  html: string,
  ctx: ParseContext,
): FoodTruckEvent[] {
  if (html.trim() === "") throw new ParseError("the Stoup page is empty");
  const $ = loadHtml(html);
  const cells = $("div.food-truck-day").toArray();
  if (cells.length === 0) {
    throw new ParseError(
      `no food-truck-day cells in the Stoup page (got ${describeBody(html)})`,
    );
  }
  const events: FoodTruckEvent[] = [];
  for (const cell of cells) {
    const info = $(cell).find("div.lunch-truck-info").first();
    const box = info.length ? info : $(cell);
    const heading = clean(box.find("h4").first().text());
    const md = /(?:^|\D)(\d{1,2})\.(\d{1,2})(?:\D|$)/.exec(heading);
    if (!md) throw new ParseError(`unreadable Stoup day heading "${heading}"`);
    let date: string;
    try {
      date = dateFromMonthDay(Number(md[1]), Number(md[2]), ctx.today);
    } catch {
      throw new ParseError(`Stoup day heading "${heading}" is not a real day`);
    }
    const hours = parseStoupHours(
      clean(box.find("div.hrs").first().text()),
      date,
    );
    let truckName = stoupTruckName($, box);
    let imageUrl: string | undefined;
    if (truckName === "") {
      if (hours.start === null) continue;
      truckName = "TBD";
      // The cell's picture often is the truck's logo: the optional vision fallback reads it.
      const src = $(cell).find("img").first().attr("src");
      if (src) {
        try {
          imageUrl = new URL(src, ctx.venue.url).toString();
        } catch { /* unusable src: no image */ }
      }
    }
    events.push({
      venueKey: ctx.venue.key,
      venueName: ctx.venue.name,
      truckName,
      date,
      start: hours.start,
      end: hours.end,
      ...(imageUrl ? { imageUrl } : {}),
    });
  }
  return events;
}

/** The truck name of one cell: `div.truck`, else the loose text before the first `<br>`. */
function stoupTruckName(
  $: cheerio.CheerioAPI,
  box: ReturnType<cheerio.CheerioAPI>,
): string {
  const old = box.find("div.truck").first();
  if (old.length) return clean(old.text());
  let out = "";
  for (const node of box.contents().toArray()) {
    if (node.nodeType === 3) {
      out += node.data;
      continue;
    }
    if (node.nodeType !== 1) continue;
    const el = $(node);
    if (el.is("br")) {
      if (clean(out) !== "") break;
      continue;
    }
    // Headings, the hours block and images are not the name; inline markup (a, span, b) is.
    if (el.is("h1, h2, h3, h4, h5, h6, div, p, img, picture, script, style")) {
      continue;
    }
    out += el.text();
  }
  return clean(out);
}

/** Reads `ctx.venue.url` (the Ballard page). */
export const parser: VenueParser = {
  key: "stoup-ballard",
  async fetchEvents(ctx) {
    return parseOnce(parseStoupHtml, await ctx.http.text(ctx.venue.url), ctx);
  },
};
