/**
 * The published web data (`data.json`): the file the static page and the calendar feeds read.
 *
 * {@link toWebData} turns a workflow result into the contract of `docs/data-contract.md`
 * (JSON Schema in `./schema.ts`, `schemaVersion` 2): top level `schemaVersion`, `events`,
 * `updated` (UTC ISO: when the content last changed), `checked` (UTC ISO: the last run that
 * confirmed it), `window` (`from`/`to` Pacific days), `total_events` (named trucks: "TBD" entries
 * are not counted), `timezone` (`"PT"`), `errors` (one user-facing message per failed venue),
 * `venues` (per venue: `ok`, `events`, `checked`, `changed`) and an optional `haiku`; each event
 * has `date`, `vendor`, `location`, `venue_key`, `start_time` / `end_time` (`"1:00 PM PT"` or null),
 * `starts_at` / `ends_at` (ISO with the Pacific offset, or null), `description` and `ai_extracted`.
 *
 * @example
 * ```ts
 * import { sameWebData, serializeWebData, toWebData } from "./data.ts";
 * declare const result: import("../core/model.ts").FoodTruckWorkflowResult;
 * const data = toWebData(result, new Date(), { haiku: "Smoke over the docks" });
 * const previous = JSON.parse(await Deno.readTextFile("public/data.json"));
 * if (!sameWebData(previous, data)) {
 *   await Deno.writeTextFile("public/data.json", serializeWebData(data));
 * }
 * ```
 * @module
 */
import { canonicalJson } from "../core/canonical_json.ts";
import type { FoodTruckWorkflowResult } from "../core/model.ts";
import { formatTime12, toPacificIso } from "../core/time.ts";
import { SCHEMA_VERSION, validateWebData } from "./schema.ts";

export { SCHEMA_VERSION };

/** One event as published in `data.json`. */
export interface WebEvent {
  /** Pacific calendar day, `YYYY-MM-DD`. */
  date: string;
  /** The truck's name (`"TBD"` when the venue has not named it). */
  vendor: string;
  /** The venue's human name. */
  location: string;
  /** The venue's registry key (lowercase letters, digits, `-`): the page's filter value. */
  venue_key: string;
  /** Pacific start time like `"1:00 PM PT"`, or null when unknown. */
  start_time: string | null;
  /** Pacific end time like `"8:00 PM PT"`, or null when unknown. */
  end_time: string | null;
  /** Start instant, ISO-8601 with the Pacific offset (`2026-03-08T13:00:00-07:00`), or null. */
  starts_at: string | null;
  /** End instant, ISO-8601 with the Pacific offset, or null. */
  ends_at: string | null;
  /** Free text (cuisine, link, note), or null. */
  description: string | null;
  /** True when the vendor name was read from an image by AI. */
  ai_extracted: boolean;
}

/** Freshness and outcome of one venue. */
export interface WebVenue {
  /** Registry key. */
  key: string;
  /** Human name. */
  name: string;
  /** Whether the last run read the venue's schedule. */
  ok: boolean;
  /** Events of this venue in `events` (TBD included). */
  events: number;
  /** UTC ISO of the last successful read, or null when never read successfully. */
  checked: string | null;
  /** UTC ISO of the last time this venue's events changed, or null when unknown. */
  changed: string | null;
}

/** The whole `data.json` file. */
export interface WebData {
  /** {@link SCHEMA_VERSION}. */
  schemaVersion: number;
  /** Events sorted by date, then start time (events without a start last), then truck. */
  events: WebEvent[];
  /** When the published content last changed, UTC ISO-8601 (`2026-03-05T18:15:00.000Z`). */
  updated: string;
  /** When a run last confirmed the content, UTC ISO-8601 (refreshed at a bounded rate). */
  checked: string;
  /** The page shows "may be stale" when `checked` is older than this many hours; optional. */
  stale_after_hours?: number;
  /** The Pacific days covered, inclusive. */
  window: { from: string; to: string };
  /** Events with a named truck (`"TBD"` entries are not counted). */
  total_events: number;
  /** Always `"PT"`: every date and time is Pacific. */
  timezone: "PT";
  /** One user-facing message per venue that could not be read. */
  errors: string[];
  /** One entry per venue seen in the result (with events or an error), sorted by name. */
  venues: WebVenue[];
  /** Optional short poem shown on the page. */
  haiku?: string;
}

/** Whether a truck name means "not announced yet". */
export function isTbd(vendor: string): boolean {
  return vendor.trim().toUpperCase() === "TBD";
}

/** Formats an ISO-8601 instant as Pacific `"1:00 PM PT"`; null stays null. */
function webTime(iso: string | null): string | null {
  return iso === null ? null : `${formatTime12(iso)} PT`;
}

/** An ISO instant re-expressed with the Pacific offset; null stays null. */
function pacificInstant(iso: string | null): string | null {
  if (iso === null) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not an ISO-8601 instant: ${JSON.stringify(iso)}`);
  return toPacificIso(t);
}

/** A registry key as a safe token (`[a-z0-9-]`), for filters, URLs and file names. */
export function safeKey(key: string): string {
  const k = key.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return k || "venue";
}

/** Sort key of an optional ISO instant: unknown times sort after known ones. */
function instantKey(iso: string | null): number {
  if (iso === null) return Number.POSITIVE_INFINITY;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Options of {@link toWebData}. */
export interface WebDataExtra {
  /** The haiku, included when non-blank (trimmed); default: `result.haiku`. */
  haiku?: string;
  /** Written as `stale_after_hours`; default: omitted (the page then uses 24). */
  staleAfterHours?: number;
}

/** The events as the page shows them: by date, then start, then truck name. */
function webEvents(list: FoodTruckWorkflowResult["events"]): WebEvent[] {
  const sorted = [...list].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : instantKey(a.start) - instantKey(b.start) ||
      (a.truckName < b.truckName ? -1 : a.truckName > b.truckName ? 1 : 0)
  );
  return sorted.map((e) => ({
    date: e.date,
    vendor: e.truckName.trim() || "TBD",
    location: e.venueName,
    venue_key: safeKey(e.venueKey),
    start_time: webTime(e.start),
    end_time: webTime(e.end),
    starts_at: pacificInstant(e.start),
    ends_at: pacificInstant(e.end),
    description: e.description ?? null,
    ai_extracted: e.aiExtracted === true,
  }));
}

/** One entry per venue (by safe key, in first-seen order): its event count, or its failure. */
function webVenues(result: FoodTruckWorkflowResult, stamp: string): Map<string, WebVenue> {
  const venues = new Map<string, WebVenue>();
  for (const e of result.events) {
    const key = safeKey(e.venueKey);
    const v = venues.get(key) ??
      { key, name: e.venueName, ok: true, events: 0, checked: stamp, changed: stamp };
    v.events++;
    venues.set(key, v);
  }
  for (const err of result.errors) {
    const key = safeKey(err.venueKey);
    venues.set(key, {
      key,
      name: err.venueName,
      ok: false,
      events: venues.get(key)?.events ?? 0,
      checked: null,
      changed: null,
    });
  }
  return venues;
}

/**
 * Builds the `data.json` content from a workflow result.
 *
 * Events are sorted by date, then start instant (unknown start last), then truck name; times
 * become Pacific `"h:mm AM PT"` strings; an absent description becomes null; `errors` holds
 * each failed venue's `VenueError.message`, in the result's order. `updated` and `checked` are
 * both `now`, and so are every read venue's `checked` / `changed` (a failed venue has null):
 * `carryOver` in `./freshness.ts` keeps the older stamps when the content did not change.
 *
 * @param result The workflow result (events and per-venue errors).
 * @param now The production time; default: the current time.
 * @param extra Optional extras (see {@link WebDataExtra}); default: none.
 * @returns The web data, ready for {@link serializeWebData}.
 * @throws RangeError when an event carries an unparseable start or end.
 */
export function toWebData(
  result: FoodTruckWorkflowResult,
  now: Date = new Date(),
  extra: WebDataExtra = {},
): WebData {
  const events = webEvents(result.events);
  const stamp = now.toISOString();
  const venues = webVenues(result, stamp);
  const data: WebData = {
    schemaVersion: SCHEMA_VERSION,
    events,
    updated: stamp,
    checked: stamp,
    window: { from: result.from, to: result.to },
    total_events: events.filter((e) => !isTbd(e.vendor)).length,
    timezone: "PT",
    // Run warnings (a truncated result) show in the page's notice next to failed venues.
    errors: [
      ...result.errors.map((err) => err.message),
      ...(result.warnings ?? []).map((w) => w.message),
    ],
    venues: [...venues.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
  if (extra.staleAfterHours !== undefined) data.stale_after_hours = extra.staleAfterHours;
  const haiku = (extra.haiku ?? result.haiku)?.trim();
  if (haiku) data.haiku = haiku;
  return data;
}

/** The data without its time stamps (`updated`, `checked`, each venue's `checked`/`changed`). */
export function withoutStamps(d: WebData): Omit<WebData, "updated" | "checked"> {
  const { updated: _u, checked: _c, ...rest } = d;
  return {
    ...rest,
    venues: (d.venues ?? []).map(({ checked: _vc, changed: _vch, ...v }) => v as WebVenue),
  };
}

/**
 * Whether two data files publish the same thing, ignoring the time stamps (`updated`,
 * `checked`, each venue's `checked` and `changed`) and, on request, `haiku`.
 *
 * Key order does not matter; event order, every event field, `total_events`, `timezone`,
 * `errors`, the venues' outcomes and `haiku` do. This is the data contract's comparison (used to
 * decide whether to publish); the deploy's own file comparison, `defaultCompare` in
 * `./deploy_compare.ts`, works on any files and ignores only `data.json`'s top-level `updated`.
 * Both compare through the same {@link canonicalJson}.
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
    const { haiku, ...rest } = withoutStamps(d);
    return opts.ignoreHaiku ? rest : { ...rest, haiku };
  };
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
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
    schemaVersion: data.schemaVersion,
    events: data.events.map((e) => ({
      date: e.date,
      vendor: e.vendor,
      location: e.location,
      venue_key: e.venue_key,
      start_time: e.start_time,
      end_time: e.end_time,
      starts_at: e.starts_at,
      ends_at: e.ends_at,
      description: e.description,
      ai_extracted: e.ai_extracted,
    })),
    updated: data.updated,
    checked: data.checked,
    ...(data.stale_after_hours === undefined ? {} : { stale_after_hours: data.stale_after_hours }),
    window: { from: data.window.from, to: data.window.to },
    total_events: data.total_events,
    timezone: data.timezone,
    errors: data.errors,
    venues: data.venues.map((v) => ({
      key: v.key,
      name: v.name,
      ok: v.ok,
      events: v.events,
      checked: v.checked,
      changed: v.changed,
    })),
    ...(data.haiku === undefined ? {} : { haiku: data.haiku }),
  };
  return JSON.stringify(ordered, null, 2) + "\n";
}

/** `data.json` does not match the contract (`docs/data-contract.md`). */
export class WebDataError extends TypeError {
  override name = "WebDataError";
}

/**
 * Parses and checks a `data.json` text against the JSON Schema (`./schema.ts`), e.g. the file
 * already published, read back from the (untrusted) pages repository.
 *
 * @param text The file content.
 * @returns The data, typed.
 * @throws SyntaxError when the text is not JSON; {@link WebDataError} naming the first field that
 *   does not match the contract.
 */
export function parseWebData(text: string): WebData {
  const raw: unknown = JSON.parse(text);
  const problems = validateWebData(raw);
  if (problems.length) throw new WebDataError(`data.json: ${problems[0]}`);
  return raw as WebData;
}
