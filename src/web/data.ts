/**
 * The published web data (`data.json`): the file the static page reads.
 *
 * {@link toWebData} turns a workflow result into the contract of
 * `/work/shared/reference/venues.md` ("Published data"): top level `events`, `updated`
 * (UTC ISO), `total_events`, `timezone` (`"PT"`), `errors` (one user-facing message per
 * failed venue) and an optional `haiku`; each event has `date`, `vendor`, `location`,
 * `start_time` / `end_time` (`"1:00 PM PT"` or null) and `description` (string or null).
 *
 * @example
 * ```ts
 * import { sameWebData, serializeWebData, toWebData } from "./data.ts";
 * const data = toWebData(result, new Date(), { haiku: "Smoke over the docks" });
 * const previous = JSON.parse(await Deno.readTextFile("public/data.json"));
 * if (!sameWebData(previous, data)) {
 *   await Deno.writeTextFile("public/data.json", serializeWebData(data));
 * }
 * ```
 * @module
 */
import type { FoodTruckWorkflowResult } from "../model.ts";
import { formatTime12 } from "../time.ts";

/** One event as published in `data.json`. */
export interface WebEvent {
  /** Pacific calendar day, `YYYY-MM-DD`. */
  date: string;
  /** The truck's name (`"TBD"` when the venue has not named it). */
  vendor: string;
  /** The venue's human name. */
  location: string;
  /** Pacific start time like `"1:00 PM PT"`, or null when unknown. */
  start_time: string | null;
  /** Pacific end time like `"8:00 PM PT"`, or null when unknown. */
  end_time: string | null;
  /** Free text (cuisine, link, note), or null. */
  description: string | null;
  /** True when the vendor name was read from an image by AI. */
  ai_extracted: boolean;
}

/** The whole `data.json` file. */
export interface WebData {
  /** Events sorted by date, then start time (events without a start last). */
  events: WebEvent[];
  /** When the data was produced, UTC ISO-8601 (`2026-03-05T18:15:00.000Z`). */
  updated: string;
  /** `events.length`. */
  total_events: number;
  /** Always `"PT"`: every date and time is Pacific. */
  timezone: "PT";
  /** One user-facing message per venue that could not be read. */
  errors: string[];
  /** Optional short poem shown on the page. */
  haiku?: string;
}

/** Formats an ISO-8601 instant as Pacific `"1:00 PM PT"`; null stays null. */
function webTime(iso: string | null): string | null {
  return iso === null ? null : `${formatTime12(iso)} PT`;
}

/** Sort key of an optional ISO instant: unknown times sort after known ones. */
function instantKey(iso: string | null): number {
  if (iso === null) return Number.POSITIVE_INFINITY;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/**
 * Builds the `data.json` content from a workflow result.
 *
 * Events are sorted by date, then start instant (unknown start last), then truck name; times
 * become Pacific `"h:mm AM PT"` strings; an absent description becomes null; `errors` holds
 * each failed venue's `VenueError.message`, in the result's order.
 *
 * @param result The workflow result (events and per-venue errors).
 * @param now The production time, written as `updated` in UTC ISO; default: the current time.
 * @param extra Optional extras; `haiku` is included when non-blank (trimmed); default: none.
 * @returns The web data, ready for {@link serializeWebData}.
 * @throws RangeError when an event carries an unparseable start or end.
 */
export function toWebData(
  result: FoodTruckWorkflowResult,
  now: Date = new Date(),
  extra?: { haiku?: string },
): WebData {
  const sorted = [...result.events].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : instantKey(a.start) - instantKey(b.start) ||
      (a.truckName < b.truckName ? -1 : a.truckName > b.truckName ? 1 : 0)
  );
  const events: WebEvent[] = sorted.map((e) => ({
    date: e.date,
    vendor: e.truckName,
    location: e.venueName,
    start_time: webTime(e.start),
    end_time: webTime(e.end),
    description: e.description ?? null,
    ai_extracted: e.aiExtracted === true,
  }));
  const data: WebData = {
    events,
    updated: now.toISOString(),
    total_events: events.length,
    timezone: "PT",
    // Run warnings (a truncated result) show in the page's notice next to failed venues.
    errors: [...result.errors.map((err) => err.message), ...(result.warnings ?? [])],
  };
  const haiku = (extra?.haiku ?? result.haiku)?.trim();
  if (haiku) data.haiku = haiku;
  return data;
}

/** A JSON value with object keys sorted and undefined members dropped (deep). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * Whether two data files publish the same thing, ignoring `updated` (and, on request, `haiku`).
 *
 * Key order does not matter; event order, every event field, `total_events`, `timezone`,
 * `errors` and `haiku` do. Used by the git deploy to commit only when the data changed.
 *
 * @param a One data file (e.g. the one already published, parsed).
 * @param b The other (e.g. the freshly built one).
 * @param opts `ignoreHaiku`: also ignore `haiku`, for haikus generated anew at every run;
 *   default false.
 * @returns True when both are equal apart from the ignored fields.
 */
export function sameWebData(
  a: WebData,
  b: WebData,
  opts: { ignoreHaiku?: boolean } = {},
): boolean {
  const strip = (d: WebData) => {
    const { updated: _updated, haiku, ...rest } = d;
    return opts.ignoreHaiku ? rest : { ...rest, haiku };
  };
  return JSON.stringify(canonical(strip(a))) ===
    JSON.stringify(canonical(strip(b)));
}

/**
 * Serializes web data the way it is published: 2-space indented JSON with a trailing newline.
 * The key order is fixed (contract order), so equal data always gives identical bytes.
 *
 * @param data The data to write.
 * @returns The file content.
 */
export function serializeWebData(data: WebData): string {
  const ordered = {
    events: data.events.map((e) => ({
      date: e.date,
      vendor: e.vendor,
      location: e.location,
      start_time: e.start_time,
      end_time: e.end_time,
      description: e.description,
      ai_extracted: e.ai_extracted,
    })),
    updated: data.updated,
    total_events: data.total_events,
    timezone: data.timezone,
    errors: data.errors,
    ...(data.haiku === undefined ? {} : { haiku: data.haiku }),
  };
  return JSON.stringify(ordered, null, 2) + "\n";
}

const isStr = (v: unknown): v is string => typeof v === "string";
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";

/**
 * Parses and checks a `data.json` text (e.g. the previously published file before
 * {@link sameWebData}).
 *
 * @param text The file content.
 * @returns The data, typed.
 * @throws SyntaxError when the text is not JSON; TypeError naming the first field that does
 *   not match the contract.
 */
export function parseWebData(text: string): WebData {
  const raw: unknown = JSON.parse(text);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new TypeError("data.json: top level is not an object");
  }
  const d = raw as Record<string, unknown>;
  if (!Array.isArray(d.events)) {
    throw new TypeError("data.json: events is not a list");
  }
  d.events.forEach((e: unknown, i: number) => {
    const ev = (e ?? {}) as Record<string, unknown>;
    if (typeof e !== "object" || e === null) {
      throw new TypeError(`data.json: events[${i}] is not an object`);
    }
    for (const k of ["date", "vendor", "location"]) {
      if (!isStr(ev[k])) {
        throw new TypeError(`data.json: events[${i}].${k} is not a string`);
      }
    }
    for (const k of ["start_time", "end_time", "description"]) {
      if (!isStrOrNull(ev[k])) {
        throw new TypeError(
          `data.json: events[${i}].${k} is not a string or null`,
        );
      }
    }
    if (ev.ai_extracted !== undefined && typeof ev.ai_extracted !== "boolean") {
      throw new TypeError(`data.json: events[${i}].ai_extracted is not a boolean`);
    }
  });
  if (!isStr(d.updated)) {
    throw new TypeError("data.json: updated is not a string");
  }
  if (typeof d.total_events !== "number") {
    throw new TypeError("data.json: total_events is not a number");
  }
  if (d.timezone !== "PT") {
    throw new TypeError('data.json: timezone is not "PT"');
  }
  if (!Array.isArray(d.errors) || !d.errors.every(isStr)) {
    throw new TypeError("data.json: errors is not a list of strings");
  }
  if (d.haiku !== undefined && !isStr(d.haiku)) {
    throw new TypeError("data.json: haiku is not a string");
  }
  return d as unknown as WebData;
}
