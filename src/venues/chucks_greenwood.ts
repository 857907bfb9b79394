/**
 * Chuck's Hop Shop Greenwood: a published Google Sheets CSV. The venue URL answers a redirect
 * to a CDN URL; the HTTP client follows it.
 *
 * The first row is a header (a title cell, then column names such as "Date Created"). Columns
 * used (0-based): 1 = day like `Aug 1` (no year), 5 = type (only `Food Truck` rows are kept),
 * 6 = name, whose leading meal label (`Dinner:`, `Brunch:`, `Lunch:`, `Breakfast:`) is
 * stripped and kept as the description. The sheet's times are placeholders: no times are
 * published (`start`/`end` null).
 *
 * Decisions:
 * - Empty body, an HTML body (an error or sign-in page), text that is not CSV, or a first row
 *   with fewer than 7 columns (not the sheet's header) → `ParseError`.
 * - Ragged rows (fewer than 7 cells) and blank rows are skipped.
 * - Rows whose day cannot be read are skipped, but a sheet with rows and no readable day at
 *   all → `ParseError` (the date column moved).
 * - A header-only sheet → `[]`.
 *
 * @example
 * ```ts
 * import { parseChucksCsv } from "./chucks_greenwood.ts";
 * declare const csv: string;
 * declare const venue: import("../core/model.ts").VenueEntry;
 * const events = parseChucksCsv(csv, { venue, today: "2026-03-05" });
 * ```
 * @module
 */
import { parse } from "csv-parse/sync";
import type { FoodTruckEvent } from "../core/model.ts";
import { describeBody } from "../net/http.ts";
import { dateFromMonthDay, MONTH_NAMES } from "../core/time.ts";
import { ParseError, type VenueContext, type VenueParser } from "./types.ts";
import { parseOnce } from "./parse_memo.ts";

/** What the pure parse functions need from a {@link VenueContext}. */
export type ParseContext = Pick<VenueContext, "venue" | "today">;

/** Month and day of a cell like `Aug 1`, `Sept 12` or `March 8`; null when unreadable. */
export function readMonthDay(
  cell: string,
): { month: number; day: number } | null {
  const m = /^([a-z]{3,9})\.?\s+(\d{1,2})$/i.exec(cell.trim());
  if (!m) return null;
  const word = m[1].toLowerCase();
  const index = word === "sept"
    ? 8
    : MONTH_NAMES.findIndex((full) => full.toLowerCase().startsWith(word));
  if (index < 0) return null;
  return { month: index + 1, day: Number(m[2]) };
}

/** Splits `Dinner: Truck` into `{ name: "Truck", meal: "Dinner" }`. */
export function splitMealLabel(cell: string): { name: string; meal?: string } {
  const text = cell.replace(/\s+/g, " ").trim();
  const m = /^(dinner|brunch|lunch|breakfast)\s*:\s*(.*)$/i.exec(text);
  if (!m) return { name: text };
  const meal = m[1][0].toUpperCase() + m[1].slice(1).toLowerCase();
  return { name: m[2].trim(), meal };
}

/**
 * Parses the sheet's CSV into events (any dates; years inferred from `ctx.today`).
 * Throws `ParseError` when the body is not the sheet (see the module's decisions).
 */
export function parseChucksCsv(
  csv: string,
  ctx: ParseContext,
): FoodTruckEvent[] {
  const events: FoodTruckEvent[] = [];
  let dated = 0, candidates = 0;
  for (const row of readSheetRows(csv)) {
    if (row.length < 7 || row.every((c) => c.trim() === "")) continue;
    candidates++;
    const { date, event } = readRow(row, ctx);
    if (date !== null) dated++;
    if (event) events.push(event);
  }
  if (candidates > 0 && dated === 0) {
    throw new ParseError(
      `no readable day (like "Aug 1") in column 2 of the Chuck's Greenwood CSV`,
    );
  }
  return events;
}

/**
 * The sheet's data rows (the header row dropped, rows as the CSV has them: ragged or blank
 * included). Throws `ParseError` for an empty body, HTML, text that is not CSV, or a first row
 * of fewer than 7 columns.
 */
function readSheetRows(csv: string): string[][] {
  if (csv.trim() === "") {
    throw new ParseError("the Chuck's Greenwood sheet is empty");
  }
  if (/^\s*</.test(csv)) {
    throw new ParseError(
      `expected the Chuck's Greenwood CSV, got HTML ${describeBody(csv)}`,
    );
  }
  let rows: string[][];
  try {
    rows = parse(csv, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (err) {
    throw new ParseError(
      `the Chuck's Greenwood CSV could not be read: ${(err as Error).message}`,
    );
  }
  const [header, ...data] = rows;
  if (!header || header.length < 7) {
    throw new ParseError(
      `the Chuck's Greenwood CSV has no header row of 7+ columns (got ${describeBody(csv)})`,
    );
  }
  return data;
}

/**
 * One data row of 7+ cells: its day (null when column 1 cannot be read or is no real day, e.g.
 * `Feb 30`) and, when dated and of type `Food Truck`, its event.
 */
function readRow(
  row: string[],
  ctx: ParseContext,
): { date: string | null; event?: FoodTruckEvent } {
  const md = readMonthDay(row[1]);
  if (!md) return { date: null };
  let date: string;
  try {
    date = dateFromMonthDay(md.month, md.day, ctx.today);
  } catch {
    return { date: null }; // e.g. "Feb 30"
  }
  if (row[5].trim().toLowerCase() !== "food truck") return { date };
  const { name, meal } = splitMealLabel(row[6]);
  const event: FoodTruckEvent = {
    venueKey: ctx.venue.key,
    venueName: ctx.venue.name,
    truckName: name === "" ? "TBD" : name,
    date,
    start: null,
    end: null,
    ...(meal ? { description: meal } : {}),
  };
  return { date, event };
}

/** Reads `ctx.venue.url` (the published CSV; its redirect is followed). */
export const parser: VenueParser = {
  key: "chucks-greenwood",
  async fetchEvents(ctx) {
    return parseOnce(parseChucksCsv, await ctx.http.text(ctx.venue.url), ctx);
  },
};
