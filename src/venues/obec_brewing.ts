/**
 * Obec Brewing: the home page's text carries one line, `Food truck: <name> <H[:MM]>-<H[:MM]>`,
 * about today only (`ctx.today`).
 *
 * Hours are written without am/pm: hours 1..11 are PM unless that puts the end before the
 * start, in which case the start is AM (`11-2` is 11 AM to 2 PM, `1-3` is 1 PM to 3 PM,
 * `5-9` is 5 PM to 9 PM); 12 is noon; 13..23 are 24-hour; a written am/pm wins.
 *
 * Decisions (what an answer without a truck means):
 * - Empty body → `ParseError`.
 * - No `Food truck:` line, but the page is Obec's (its text names "Obec") → `[]`: no truck
 *   today. Anything else (a page not naming Obec: an error page, a parked domain) → `ParseError`.
 * - `Food truck:` followed by nothing, "none", "no truck" or "closed" → `[]`.
 * - `Food truck: <name>` without readable hours → the truck, with `start`/`end` null.
 *
 * @example
 * ```ts
 * import { parseObecHtml, parseObecRange } from "./obec_brewing.ts";
 * declare const html: string;
 * declare const venue: import("../core/model.ts").VenueEntry;
 * parseObecRange("11-2", "2026-03-05"); // 11 AM to 2 PM
 * const events = parseObecHtml(html, { venue, today: "2026-03-05" });
 * ```
 * @module
 */
import { loadHtml } from "./html.ts";
import type { FoodTruckEvent } from "../core/model.ts";
import { describeBody } from "../net/http.ts";
import { pacificIso } from "../core/time.ts";
import { ParseError, type VenueContext, type VenueParser } from "./types.ts";
import { parseOnce } from "./parse_memo.ts";

/** What the pure parse functions need from a {@link VenueContext}. */
export type ParseContext = Pick<VenueContext, "venue" | "today">;

/** Start and end of a truck's hours as Pacific ISO strings (null when unknown). */
export interface Hours {
  start: string | null;
  end: string | null;
}

const TIME = String.raw`(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?`;
const RANGE = new RegExp(
  String.raw`${TIME}\s*(?:-|\u2013|\u2014|to)\s*${TIME}`,
  "i",
);
/** `<name>` then the range; the name stops before the range (names may hold digits). */
const NAME_THEN_RANGE = new RegExp(
  String.raw`^(.*?)[\s,:@|(]+${RANGE.source}(?![\d:])`,
  "i",
);

function hourOf(
  h: number,
  suffix: string | undefined,
  pm: boolean,
): number | null {
  if (suffix) {
    if (h < 1 || h > 12) return null;
    return suffix.toLowerCase().startsWith("a") ? h % 12 : (h % 12) + 12;
  }
  if (h > 23) return null;
  if (h === 0 || h >= 12) return h; // 12 is noon; 13..23 are 24-hour
  return pm ? h + 12 : h;
}

/**
 * Reads an Obec hours range like `4-8`, `11-2`, `4:30-8:30` or `5pm-9pm` on the Pacific day
 * `date`. Returns null start/end when the text holds no readable range.
 */
export function parseObecRange(text: string, date: string): Hours {
  const m = RANGE.exec(text);
  if (!m) return { start: null, end: null };
  const [sh, sm, ss, eh, em, es] = [
    Number(m[1]),
    Number(m[2] ?? 0),
    m[3],
    Number(m[4]),
    Number(m[5] ?? 0),
    m[6],
  ];
  if (sm > 59 || em > 59) return { start: null, end: null };
  let start = hourOf(sh, ss, true);
  const end = hourOf(eh, es, true);
  if (start === null || end === null) return { start: null, end: null };
  // PM for both ends unless that puts the end before the start: then the start is AM.
  if (!ss && end * 60 + em < start * 60 + sm) start = hourOf(sh, ss, false)!;
  if (end * 60 + em <= start * 60 + sm) {
    return { start: pacificIso(date, start, sm), end: null };
  }
  return { start: pacificIso(date, start, sm), end: pacificIso(date, end, em) };
}

const BLOCKS = "p, div, li, h1, h2, h3, h4, h5, h6, section, article, header, footer, tr, td, " +
  "th, dd, dt, blockquote, address, figcaption, main, aside, nav";

/** The page's visible text, one line per block element (scripts and styles dropped). */
function pageLines(html: string): string[] {
  const $ = loadHtml(html);
  $("script, style, noscript, template, svg").remove();
  $("br").replaceWith("\n");
  $(BLOCKS).append("\n");
  return $.root().text().split("\n").map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "");
}

/**
 * Parses Obec's home page into today's event (`ctx.today`), or `[]` when Obec's page names no
 * truck. Throws `ParseError` for an empty body or a page that is not Obec's.
 */
export function parseObecHtml(
  html: string,
  ctx: ParseContext,
): FoodTruckEvent[] {
  if (html.trim() === "") throw new ParseError("the Obec page is empty");
  const lines = pageLines(html);
  const line = lines.find((l) => /food\s*truck\s*:/i.test(l));
  if (!line) {
    if (lines.some((l) => /\bobec\b/i.test(l))) return [];
    throw new ParseError(
      `neither a "Food truck:" line nor Obec's name in the page (got ${describeBody(html)})`,
    );
  }
  // Cut before the regular expressions: a hostile line of punctuation would make the lazy
  // name match backtrack quadratically.
  const rest = line.replace(/^.*?food\s*truck\s*:\s*/i, "").slice(0, 200);
  const m = NAME_THEN_RANGE.exec(rest);
  const name = (m ? m[1] : rest).replace(/[\s,:;@|(\-\u2013\u2014]+$/, "")
    .trim();
  if (
    name === "" || /^(none|no (food )?trucks?\b|closed\b|n\/a$)/i.test(name)
  ) return [];
  const hours = m ? parseObecRange(rest.slice(m[1].length), ctx.today) : { start: null, end: null };
  return [{
    venueKey: ctx.venue.key,
    venueName: ctx.venue.name,
    truckName: name,
    date: ctx.today,
    start: hours.start,
    end: hours.end,
  }];
}

/** Reads `ctx.venue.url` (the home page). */
export const parser: VenueParser = {
  key: "obec-brewing",
  async fetchEvents(ctx) {
    return parseOnce(parseObecHtml, await ctx.http.text(ctx.venue.url), ctx);
  },
};
