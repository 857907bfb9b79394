/**
 * Urban Family Brewing: a WordPress "Sugar Calendar" month block, plus its admin-ajax
 * endpoint for the month after the one the page shows.
 *
 * - The page (`venue.url`) holds `div.sugar-calendar-block__event-cell` cells; only cells whose
 *   `data-calendarsinfo` JSON lists a calendar named like "food truck" are kept.
 * - When the window (`ctx.today`..`ctx.until`) reaches past the month the page shows, the next
 *   month is asked for with a POST to admin-ajax (`venueUrl(venue, "ajaxUrl",
 *   "/wp-admin/admin-ajax.php")`); its JSON `data.body` is HTML of the same shape. A failure of
 *   that POST fails the venue (an honest error rather than a silently short week). When the
 *   window stays inside the shown month, no POST is made at all.
 * - The site answers 403 without browser-like headers: every request carries
 *   {@link BROWSER_HEADERS} and `Referer: <calendar url>`.
 *
 * @example
 * ```ts
 * import { parseSugarCalendarHtml } from "./urban_family.ts";
 * declare const html: string;
 * declare const venue: import("../core/model.ts").VenueEntry;
 * const events = parseSugarCalendarHtml(html, { venue });
 * ```
 * @module
 */
import type * as cheerio from "cheerio";
import { loadHtml } from "./html.ts";
import type { FoodTruckEvent, VenueEntry } from "../core/model.ts";
import { BROWSER_HEADERS, describeBody } from "../net/http.ts";
import { localOrOffsetIsoToPacific, pacificDateOf } from "../core/time.ts";
import { ParseError, type VenueParser, venueUrl } from "./types.ts";

/** What the pure parse functions need to know about the venue. */
export interface ParseOptions {
  venue: VenueEntry;
}

/** A calendar month, `month` 1-based. */
export interface YearMonth {
  year: number;
  month: number;
}

const CELL = "div.sugar-calendar-block__event-cell";
const TITLE = ".sugar-calendar-block__event-cell__title";
const FOOD_TRUCK_CALENDAR = /food[\s-]*truck/i;

/** A Sugar Calendar `datetime` as a Pacific ISO string (see {@link localOrOffsetIsoToPacific}). */
export const sugarDateTimeToPacific: (value?: string) => string | null = localOrOffsetIsoToPacific;

function parseJsonAttr(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new ParseError(
      `event cell has unreadable ${what} JSON: ${describeBody(raw)}`,
    );
  }
}

/** True when a cell's `data-calendarsinfo` lists a calendar named like "food truck". */
export function isFoodTruckCalendarsInfo(raw: string | undefined): boolean {
  if (!raw) return false;
  const calendars = (parseJsonAttr(raw, "data-calendarsinfo") as { calendars?: unknown })
    ?.calendars;
  if (!Array.isArray(calendars)) return false;
  return calendars.some((c) =>
    typeof (c as { name?: unknown })?.name === "string" &&
    FOOD_TRUCK_CALENDAR.test((c as { name: string }).name)
  );
}

function normalizeName(text: string): string {
  const name = text.replace(/\s+/g, " ").trim();
  return name === "" || /^(tbd|tba|unknown)$/i.test(name) ? "TBD" : name;
}

/**
 * Food-truck events from Sugar Calendar HTML: a whole page or an admin-ajax `data.body`
 * fragment. Cells of other calendars are ignored; duplicates are kept (see {@link dedupeEvents}).
 * Throws `ParseError` for a food-truck cell without a title or without any start time.
 */
export function parseSugarCalendarHtml(
  html: string,
  opts: ParseOptions,
): FoodTruckEvent[] {
  const $ = loadHtml(html);
  const events: FoodTruckEvent[] = [];
  for (const el of $(CELL).toArray()) {
    const cell = $(el);
    if (!isFoodTruckCalendarsInfo(cell.attr("data-calendarsinfo"))) continue;
    const title = cell.find(TITLE).first();
    if (title.length === 0) {
      throw new ParseError("a food-truck event cell has no title element");
    }
    const truckName = normalizeName(title.text());
    const times = cell.find("time[datetime]");
    let start = sugarDateTimeToPacific(times.eq(0).attr("datetime"));
    const end = sugarDateTimeToPacific(times.eq(1).attr("datetime"));
    if (start === null) {
      const dayDate = cell.attr("data-daydate");
      if (dayDate) {
        const d = parseJsonAttr(dayDate, "data-daydate") as {
          start_date?: { datetime?: unknown };
        };
        const dt = d?.start_date?.datetime;
        start = typeof dt === "string" ? sugarDateTimeToPacific(dt) : null;
      }
    }
    if (start === null) {
      throw new ParseError(`food-truck event "${truckName}" has no start time`);
    }
    const url = cell.attr("data-eventurl")?.trim();
    events.push({
      venueKey: opts.venue.key,
      venueName: opts.venue.name,
      truckName,
      date: pacificDateOf(start),
      start,
      end,
      ...(url ? { description: url } : {}),
    });
  }
  return events;
}

function shownMonth($: cheerio.CheerioAPI): YearMonth | null {
  const year = Number($('input[name="sc_year"]').first().attr("value"));
  const month = Number($('input[name="sc_month"]').first().attr("value"));
  if (
    !Number.isInteger(year) || !Number.isInteger(month) || month < 1 ||
    month > 12
  ) return null;
  return { year, month };
}

/**
 * Reads the calendar page: its food-truck events and the month it shows (from the hidden
 * `sc_year` / `sc_month` inputs; null when they are missing). Throws `ParseError` when the page
 * has no Sugar Calendar block.
 */
export function parseSugarCalendarPage(
  html: string,
  opts: ParseOptions,
): { events: FoodTruckEvent[]; shown: YearMonth | null } {
  if (html.trim() === "") throw new ParseError("the calendar page is empty");
  const $ = loadHtml(html);
  if ($("#sc-code-1, .sugar-calendar-block").length === 0) {
    throw new ParseError(
      `no Sugar Calendar block on the page: ${describeBody(html)}`,
    );
  }
  return { events: parseSugarCalendarHtml(html, opts), shown: shownMonth($) };
}

/**
 * The admin-ajax form fields asking for the month after the one the page shows:
 * `action=sugar_calendar_block_update`, the page's nonce, `calendar_block[...]` from `#sc-code-1`
 * and the hidden inputs, and `calendar_block[action]=next_month`.
 * Throws `ParseError` naming what the page lacks.
 */
export function nextMonthForm(html: string): URLSearchParams {
  const $ = loadHtml(html);
  const nonce = /"nonce"\s*:\s*"([0-9a-f]+)"/i.exec(html)?.[1];
  const block = $("#sc-code-1").first();
  const input = (name: string) => $(`input[name="${name}"]`).first().attr("value")?.trim();
  const fields = {
    id: input("sc_calendar_id"),
    month: input("sc_month"),
    year: input("sc_year"),
    day: input("sc_day"),
  };
  const missing = [
    ...(nonce ? [] : ["nonce"]),
    ...(block.length ? [] : ["#sc-code-1"]),
    ...Object.entries(fields).filter(([, v]) => !v).map(([k]) =>
      `sc_${k === "id" ? "calendar_id" : k}`
    ),
  ];
  if (missing.length) {
    throw new ParseError(
      `cannot ask for the next month: the page lacks ${missing.join(", ")}`,
    );
  }
  return new URLSearchParams({
    action: "sugar_calendar_block_update",
    nonce: nonce!,
    "calendar_block[id]": fields.id!,
    "calendar_block[attributes]": block.attr("data-attributes") ?? "",
    "calendar_block[day]": fields.day!,
    "calendar_block[month]": fields.month!,
    "calendar_block[year]": fields.year!,
    "calendar_block[search]": "",
    "calendar_block[accentColor]": block.attr("data-accentcolor") ?? "",
    "calendar_block[display]": input("sc_display") || "month",
    "calendar_block[visitor_tz_convert]": "0",
    "calendar_block[visitor_tz]": "America/Los_Angeles",
    "calendar_block[updateDisplay]": "false",
    "calendar_block[action]": "next_month",
  });
}

/** Events from the admin-ajax JSON answer (`{ success: true, data: { body: "<html>" } }`). */
export function parseSugarCalendarAjax(
  data: unknown,
  opts: ParseOptions,
): FoodTruckEvent[] {
  const d = data as { success?: unknown; data?: { body?: unknown } } | null;
  if (d?.success !== true || typeof d.data?.body !== "string") {
    throw new ParseError(
      `admin-ajax did not answer with the next month: ${describeBody(JSON.stringify(data) ?? "")}`,
    );
  }
  return parseSugarCalendarHtml(d.data.body, opts);
}

/** Removes repeated events, keyed on (name, start, end); the first one wins. */
export function dedupeEvents(events: FoodTruckEvent[]): FoodTruckEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = JSON.stringify([e.truckName, e.start, e.end]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const monthIndex = (ym: YearMonth) => ym.year * 12 + ym.month - 1;
const monthOfDay = (ymd: string): YearMonth => ({
  year: Number(ymd.slice(0, 4)),
  month: Number(ymd.slice(5, 7)),
});

/** The Urban Family Brewing parser. */
export const parser: VenueParser = {
  key: "urban-family",
  async fetchEvents(ctx) {
    const { venue, http } = ctx;
    const headers = { ...BROWSER_HEADERS, Referer: venue.url };
    const html = await http.text(venue.url, { headers });
    const page = parseSugarCalendarPage(html, ctx);
    const shown = page.shown ?? monthOfDay(ctx.today);
    if (monthIndex(monthOfDay(ctx.until)) <= monthIndex(shown)) {
      return dedupeEvents(page.events);
    }

    const form = nextMonthForm(html);
    const data = await http.json(
      venueUrl(venue, "ajaxUrl", "/wp-admin/admin-ajax.php"),
      {
        method: "POST",
        body: form,
        headers: {
          ...headers,
          Accept: "application/json, text/javascript, */*; q=0.01",
          Origin: new URL(venue.url).origin,
          "X-Requested-With": "XMLHttpRequest",
        },
      },
    );
    return dedupeEvents([...page.events, ...parseSugarCalendarAjax(data, ctx)]);
  },
};
