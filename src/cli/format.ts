/**
 * Printing a result for people (grouped by day, times like `1:00 PM`) and the exit code rule
 * shared by `scrape`, `start` and `dev`.
 *
 * @example
 * ```ts
 * import { formatResult, exitCodeFor, printResult } from "./format.ts";
 * declare const result: import("../core/model.ts").FoodTruckWorkflowResult;
 * console.log(formatResult(result));
 * Deno.exit(exitCodeFor(result));
 * // or both at once, as the tasks do (`--json` prints the result as JSON):
 * Deno.exit(printResult(result, { json: false, verbose: true }));
 * ```
 * @module
 */
import type { FoodTruckEvent, FoodTruckWorkflowResult } from "../core/model.ts";
import { formatTime12 } from "../core/time.ts";
import { allFailedOnNetwork, offlineHint, venueErrorLine } from "../venues/hints.ts";

const DAY_FORMAT = new Intl.DateTimeFormat("en-US", {
  timeZone: "UTC",
  weekday: "long",
  month: "long",
  day: "numeric",
  year: "numeric",
});

/**
 * `text` safe for a terminal: C0/C1 control characters (ESC, BEL, CR, backspace...) and the
 * Unicode bidi overrides become `?`, so venue text cannot move the cursor, recolour, retitle the
 * window or hide what follows. Venue-supplied strings pass through this before printing.
 */
export function safeText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "?");
}

/** `Thursday, March 5, 2026` for `2026-03-05` (zone-independent). */
export function formatDay(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return DAY_FORMAT.format(new Date(Date.UTC(y, m - 1, d)));
}

/** `1:00 PM - 8:00 PM`, `from 1:00 PM`, or `hours not posted`. */
export function formatHours(e: Pick<FoodTruckEvent, "start" | "end">): string {
  if (e.start && e.end) return `${formatTime12(e.start)} - ${formatTime12(e.end)}`;
  if (e.start) return `from ${formatTime12(e.start)}`;
  return "hours not posted";
}

/** Printed after a truck name read from an image by AI (explained under the list). */
export const AI_MARK = "[AI]";

/** Options of {@link formatResult}. */
export interface FormatOptions {
  /** Add per-venue technical detail to the error summary. Default false. */
  verbose?: boolean;
}

/** The human report: events grouped by day, then a summary naming failed venues. */
export function formatResult(r: FoodTruckWorkflowResult, options: FormatOptions = {}): string {
  const lines: string[] = [
    `Food trucks in Ballard, ${formatDay(r.from)} to ${formatDay(r.to)} (Pacific time)`,
    "",
  ];
  if (r.events.length === 0) lines.push("No food trucks found.", "");
  let day = "";
  for (const e of r.events) {
    if (e.date !== day) {
      if (day) lines.push("");
      day = e.date;
      lines.push(formatDay(e.date));
    }
    const ai = e.aiExtracted ? ` ${AI_MARK}` : "";
    lines.push(
      `  ${formatHours(e).padEnd(19)}  ${safeText(e.truckName)}${ai} @ ${safeText(e.venueName)}`,
    );
    if (options.verbose && e.description) {
      lines.push(`  ${"".padEnd(19)}  ${safeText(e.description)}`);
    }
  }
  if (r.events.length) lines.push("");
  if (r.events.some((e) => e.aiExtracted)) {
    lines.push(
      `${AI_MARK}: the truck's name was read from the venue's image by AI; it may be wrong.`,
    );
  }
  const venues = new Set(r.events.map((e) => e.venueKey)).size;
  lines.push(`${r.events.length} event(s) from ${venues} venue(s).`);
  if (r.errors.length) {
    lines.push(`${r.errors.length} venue(s) failed:`);
    for (const e of r.errors) {
      lines.push(`  ${safeText(venueErrorLine(e, options.verbose))}`);
    }
  }
  for (const w of r.warnings ?? []) lines.push(`  ! ${safeText(w.message)}`);
  if (r.deploy) lines.push(`Deploy: ${safeText(r.deploy.message)}`);
  if (r.deploy?.warning) lines.push(`Deploy warning: ${safeText(r.deploy.warning)}`);
  return lines.join("\n");
}

/**
 * 0: every venue read in full; 2: some failed (or were truncated, see `warnings`) but events
 * were found; 1: errors and no events, or the deploy failed.
 */
export function exitCodeFor(r: FoodTruckWorkflowResult): number {
  if (r.deploy?.failed) return 1;
  if (r.errors.length === 0) return r.warnings?.length ? 2 : 0;
  return r.events.length > 0 ? 2 : 1;
}

/** Options of {@link printResult}. */
export interface PrintOptions extends FormatOptions {
  /** Print the result as JSON instead of {@link formatResult}'s text. Default false. */
  json?: boolean;
  /**
   * When every venue failed on the network, a closing hint on stderr names this way to try
   * without internet. Default `--offline`; `""` for no hint.
   */
  offlineHint?: string;
}

/** Prints `r` to stdout (JSON or the human report) and returns its {@link exitCodeFor}. */
export function printResult(r: FoodTruckWorkflowResult, options: PrintOptions = {}): number {
  console.log(
    options.json ? JSON.stringify(r, null, 2) : formatResult(r, { verbose: options.verbose }),
  );
  const offline = options.offlineHint ?? "--offline";
  if (offline && allFailedOnNetwork(r)) console.error(offlineHint(offline));
  return exitCodeFor(r);
}
