/**
 * Wheelie Pop Brewing: a WordPress "My Calendar" list view, read through the same AJAX GET
 * the calendar's own navigation makes (`?yr=…&month=…&dy=&cid=…&time=month&format=list` with
 * `X-Requested-With: XMLHttpRequest`), for the month of `ctx.today` and the month after.
 *
 * - `ul.mc-list > li.mc-events` with `id="list-YYYY-MM-DD"` gives the day; each
 *   `article.mc_food-truck` inside is one truck: `h3.event-title` ("Food Truck: <name>") and
 *   `.event-time time` / `.end-time time` (`datetime`, ISO; without an offset it is Pacific
 *   wall time). Events of other categories are ignored.
 * - Option `calendarId` (the `cid`) defaults to the venue's known calendar id.
 * - Either month failing fails the venue.
 *
 * @example
 * ```ts
 * import { parseMyCalendarList } from "./wheelie_pop.ts";
 * declare const html: string;
 * declare const venue: import("../core/model.ts").VenueEntry;
 * const events = parseMyCalendarList(html, { venue });
 * ```
 * @module
 */
import { loadHtml } from "./html.ts";
import type { FoodTruckEvent, VenueEntry } from "../core/model.ts";
import { BROWSER_HEADERS, describeBody } from "../net/http.ts";
import { localOrOffsetIsoToPacific } from "../core/time.ts";
import { ParseError, type VenueParser } from "./types.ts";
import { parseOnce } from "./parse_memo.ts";

/** What the pure parse functions need to know about the venue. */
export interface ParseOptions {
  venue: VenueEntry;
}

/** The My Calendar instance id (`cid`) of Wheelie Pop's Ballard calendar. */
export const DEFAULT_CALENDAR_ID = "mc-948a6a8e8cd15db324902317a630b853";

const DAY_ID = /^list-(\d{4}-\d{2}-\d{2})$/;
const TITLE_PREFIX = /^food[\s-]*truck\s*[:\-–—]\s*/i;

/** The calendar id to ask for: `venue.options.calendarId`, else {@link DEFAULT_CALENDAR_ID}. */
export function calendarIdOf(venue: VenueEntry): string {
  const cid = venue.options?.calendarId;
  return typeof cid === "string" && cid.trim() !== "" ? cid.trim() : DEFAULT_CALENDAR_ID;
}

/** The list-view URL of one month: `venue.url` plus the My Calendar navigation query. */
export function myCalendarUrl(
  venue: VenueEntry,
  year: number,
  month: number,
): string {
  const url = new URL(venue.url);
  url.searchParams.set("yr", String(year));
  url.searchParams.set("month", String(month).padStart(2, "0"));
  url.searchParams.set("dy", "");
  url.searchParams.set("cid", calendarIdOf(venue));
  url.searchParams.set("time", "month");
  url.searchParams.set("format", "list");
  return url.toString();
}

/** A My Calendar `datetime` as a Pacific ISO string (see {@link localOrOffsetIsoToPacific}). */
export const myCalendarDateTimeToPacific: (value?: string) => string | null =
  localOrOffsetIsoToPacific;

/** "Food Truck: Marination" → "Marination"; blank / tbd / tba / unknown → "TBD". */
export function truckNameFromTitle(title: string): string {
  const name = title.replace(/\s+/g, " ").trim().replace(TITLE_PREFIX, "")
    .trim();
  return name === "" || /^(tbd|tba|unknown)$/i.test(name) ? "TBD" : name;
}

/** Removes repeated events, keyed on (date, start, lower-cased name); the first one wins. */
export function dedupeEvents(events: FoodTruckEvent[]): FoodTruckEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = JSON.stringify([e.date, e.start, e.truckName.toLowerCase()]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Food-truck events of one My Calendar list-view page (deduplicated). The calendar whose id is
 * `venue.options.calendarId` is read when the page has it, else the whole page.
 * Throws `ParseError` when the page has no `ul.mc-list`, or a day holding food trucks has no
 * `list-YYYY-MM-DD` id, or a food-truck entry has no title.
 */
export function parseMyCalendarList(
  html: string,
  opts: ParseOptions,
): FoodTruckEvent[] {
  if (html.trim() === "") throw new ParseError("the calendar page is empty");
  const $ = loadHtml(html);
  const cid = calendarIdOf(opts.venue);
  const own = $("[id]").filter((_, el) => $(el).attr("id") === cid).first();
  const lists = own.length ? own.find("ul.mc-list") : $("ul.mc-list");
  if (lists.length === 0) {
    throw new ParseError(
      `no My Calendar list (ul.mc-list) on the page: ${describeBody(html)}`,
    );
  }
  const events: FoodTruckEvent[] = [];
  for (const li of lists.children("li.mc-events").toArray()) {
    const day = $(li);
    const trucks = day.find("article.mc_food-truck");
    if (trucks.length === 0) continue;
    const date = DAY_ID.exec(day.attr("id") ?? "")?.[1];
    if (!date) {
      throw new ParseError(`a day of food trucks has no list-YYYY-MM-DD id`);
    }
    for (const article of trucks.toArray()) {
      const a = $(article);
      const title = a.find("h3.event-title").first();
      if (title.length === 0) {
        throw new ParseError(`a food-truck entry on ${date} has no title`);
      }
      events.push({
        venueKey: opts.venue.key,
        venueName: opts.venue.name,
        truckName: truckNameFromTitle(title.text()),
        date,
        start: myCalendarDateTimeToPacific(
          a.find(".event-time time").first().attr("datetime"),
        ),
        end: myCalendarDateTimeToPacific(
          a.find(".end-time time").first().attr("datetime"),
        ),
      });
    }
  }
  return dedupeEvents(events);
}

/** The Wheelie Pop Brewing parser. */
export const parser: VenueParser = {
  key: "wheelie-pop",
  async fetchEvents(ctx) {
    const { venue, http } = ctx;
    const year = Number(ctx.today.slice(0, 4));
    const month = Number(ctx.today.slice(5, 7));
    const months = [
      { year, month },
      month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 },
    ];
    const headers = {
      ...BROWSER_HEADERS,
      Referer: venue.url,
      "X-Requested-With": "XMLHttpRequest",
    };
    const events: FoodTruckEvent[] = [];
    for (const m of months) {
      const html = await http.text(myCalendarUrl(venue, m.year, m.month), {
        headers,
      });
      events.push(...parseOnce(parseMyCalendarList, html, ctx));
    }
    return dedupeEvents(events);
  },
};
