/**
 * Yonder Cider & Bale Breaker - Ballard: a Squarespace page whose calendar block names a
 * collection, and Squarespace's JSON calendar API that lists that collection's events by month.
 *
 * 1. The page (`venue.url`): the `collectionId` comes from `div.calendar-block`'s
 *    `data-block-json` (HTML-escaped JSON), else from a script's `"collectionId":"…"`.
 * 2. `GET <apiUrl>?month=<MonthName>-<YYYY>&collectionId=<id>` for today's month and the next
 *    two (`apiUrl`: option `apiUrl`, default `/api/open/GetItemsByMonth` on the page's origin).
 *    Each item: `title` = truck name, `startDate` / `endDate` = epoch milliseconds (UTC).
 *
 * Decisions:
 * - No placeholder entry when something fails: a page without a collectionId, an API answer
 *   that is not a list, or an item without a numeric `startDate` is a `ParseError`.
 * - Events listed under two months (an event on a month's last evening can appear in both
 *   answers) are kept once: duplicates on (truck name, start, end) are dropped.
 * - An item with a blank title is a booked slot: `TBD`. An end not after the start is null.
 *
 * @example
 * ```ts
 * import { findCollectionId, parseYonderApi } from "./yonder_balebreaker.ts";
 * declare const html: string;
 * declare const venue: import("../core/model.ts").VenueEntry;
 * declare const [marchItems, aprilItems, mayItems]: unknown[]; // the API's answers, by month
 * const id = findCollectionId(html);
 * const events = parseYonderApi([marchItems, aprilItems, mayItems], { venue, today: "2026-03-05" });
 * ```
 * @module
 */
import { loadHtml } from "./html.ts";
import type { FoodTruckEvent } from "../core/model.ts";
import { describeBody } from "../net/http.ts";
import { assertYmd, MONTH_NAMES, pacificDateOf, toPacificIso } from "../core/time.ts";
import { ParseError, type VenueContext, type VenueParser, venueUrl } from "./types.ts";

/** What the pure parse functions need from a {@link VenueContext}. */
export type ParseContext = Pick<VenueContext, "venue" | "today">;

/**
 * Finds the calendar's collection id in the Squarespace page.
 * Throws `ParseError` when the page has neither a calendar block nor a script naming one.
 */
export function findCollectionId(html: string): string {
  if (html.trim() === "") {
    throw new ParseError("the Yonder / Bale Breaker page is empty");
  }
  const $ = loadHtml(html);
  for (const block of $("div.calendar-block[data-block-json]").toArray()) {
    try {
      const json = JSON.parse($(block).attr("data-block-json") ?? "");
      const id = json?.collectionId;
      if (typeof id === "string" && id.trim() !== "") return id.trim();
    } catch {
      // Not JSON: try the next block, then the scripts.
    }
  }
  for (const script of $("script").toArray()) {
    const m = /"collectionId"\s*:\s*"([^"\s]+)"/.exec($(script).text());
    if (m) return m[1];
  }
  throw new ParseError(
    `no calendar collectionId in the Yonder / Bale Breaker page (got ${describeBody(html)})`,
  );
}

/** The API's `month` values for `today`'s month and the next two: `["March-2026", "April-2026", "May-2026"]`. */
export function yonderMonths(today: string): string[] {
  assertYmd(today);
  const [year, month] = today.split("-").map(Number);
  return [0, 1, 2].map((i) => {
    const m = (month - 1 + i) % 12;
    return `${MONTH_NAMES[m]}-${year + Math.floor((month - 1 + i) / 12)}`;
  });
}

/**
 * Turns the API's answers (one JSON value per month) into events, duplicates removed.
 * Throws `ParseError` when an answer is not a list or an item has no numeric `startDate`.
 */
export function parseYonderApi(
  answers: unknown[],
  ctx: ParseContext,
): FoodTruckEvent[] {
  const events: FoodTruckEvent[] = [];
  const seen = new Set<string>();
  for (const answer of answers) {
    if (!Array.isArray(answer)) {
      throw new ParseError(
        `expected a list of calendar items, got ${describeBody(JSON.stringify(answer) ?? "")}`,
      );
    }
    for (const item of answer as Record<string, unknown>[]) {
      const startMs = item?.startDate;
      if (typeof startMs !== "number" || !Number.isFinite(startMs)) {
        throw new ParseError(
          `calendar item without a numeric startDate: ${describeBody(JSON.stringify(item) ?? "")}`,
        );
      }
      const endMs = item.endDate;
      const title = typeof item.title === "string" ? item.title.replace(/\s+/g, " ").trim() : "";
      const start = toPacificIso(startMs);
      const end = typeof endMs === "number" && Number.isFinite(endMs) && endMs > startMs
        ? toPacificIso(endMs)
        : null;
      const truckName = title === "" ? "TBD" : title;
      const key = JSON.stringify([truckName, start, end]);
      if (seen.has(key)) continue;
      seen.add(key);
      events.push({
        venueKey: ctx.venue.key,
        venueName: ctx.venue.name,
        truckName,
        date: pacificDateOf(startMs),
        start,
        end,
      });
    }
  }
  return events;
}

/** Reads the page, then the API for today's month and the next two. */
export const parser: VenueParser = {
  key: "yonder-balebreaker",
  async fetchEvents(ctx) {
    const collectionId = findCollectionId(await ctx.http.text(ctx.venue.url));
    const api = venueUrl(ctx.venue, "apiUrl", "/api/open/GetItemsByMonth");
    const answers: unknown[] = [];
    for (const month of yonderMonths(ctx.today)) {
      const url = new URL(api);
      url.searchParams.set("month", month);
      url.searchParams.set("collectionId", collectionId);
      answers.push(await ctx.http.json(url.toString()));
    }
    return parseYonderApi(answers, ctx);
  },
};
