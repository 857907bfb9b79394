/**
 * Calendar feeds (iCalendar, RFC 5545) built from the published data: `calendar.ics` with every
 * truck, and `calendar-<venue key>.ics` per venue, published beside `data.json`.
 *
 * Times are written in UTC (`DTSTART:20260308T200000Z`), so every calendar app shows the right
 * Pacific wall clock on both sides of a daylight-saving change without a VTIMEZONE. An event
 * without a posted start is an all-day entry on its Pacific day; one without an end has no
 * DTEND (a point in time). UIDs name the slot, not the truck (`<day>-<HHMM>-<venue>-<n>`), so a
 * "TBD" slot that later gets a name updates the same calendar entry instead of adding one.
 * DTSTAMP is the data's `updated` stamp: the same content always gives the same bytes.
 *
 * @example
 * ```ts
 * import { calendarFiles } from "./ics.ts";
 * declare const data: import("./data.ts").WebData;
 * for (const [name, text] of Object.entries(calendarFiles(data))) {
 *   await Deno.writeTextFile(`public/${name}`, text);
 * }
 * ```
 * @module
 */
import { isTbd, type WebData, type WebEvent } from "./data.ts";

/** Name of the feed holding every venue. */
export const ALL_CALENDAR = "calendar.ics";

/** File name of one venue's feed (the key is already `[a-z0-9-]`, see `safeKey`). */
export function venueCalendarName(venueKey: string): string {
  return `calendar-${venueKey}.ics`;
}

/** Escapes a TEXT value (RFC 5545 §3.3.11) and drops control characters. */
function text(value: string): string {
  return value
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const enc = new TextEncoder();
  const out: string[] = [];
  let current = "";
  let size = 0;
  for (const ch of line) {
    const n = enc.encode(ch).length;
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (size + n > limit) {
      out.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += n;
  }
  out.push(current);
  return out.join("\r\n ");
}

/** `20260308T200000Z` for an instant. */
function utcStamp(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** `20260308` for `2026-03-08`, and the next day's. */
function dateValue(ymd: string, plusDays = 0): string {
  const [y, m, d] = ymd.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + plusDays)).toISOString().slice(0, 10).replace(/-/g, "");
}

/** The Pacific `HHMM` of an ISO with offset (`2026-03-08T13:00:00-07:00` → `1300`). */
function slotTime(iso: string | null): string {
  const m = iso ? /T(\d{2}):(\d{2})/.exec(iso) : null;
  return m ? `${m[1]}${m[2]}` : "day";
}

/** The stable UID of each event: slot (day, start, venue) plus its rank within the slot. */
export function eventUids(events: readonly WebEvent[]): string[] {
  const seen = new Map<string, number>();
  return events.map((e) => {
    const slot = `${e.date}-${slotTime(e.starts_at)}-${e.venue_key}`;
    const n = (seen.get(slot) ?? 0) + 1;
    seen.set(slot, n);
    return `${slot}-${n}@around-the-grounds`;
  });
}

function vevent(e: WebEvent, uid: string, stamp: string): string[] {
  const name = isTbd(e.vendor) ? "Food truck to be announced" : e.vendor;
  const lines = ["BEGIN:VEVENT", `UID:${uid}`, `DTSTAMP:${stamp}`];
  if (e.starts_at) {
    lines.push(`DTSTART:${utcStamp(e.starts_at)}`);
    if (e.ends_at) lines.push(`DTEND:${utcStamp(e.ends_at)}`);
  } else {
    lines.push(
      `DTSTART;VALUE=DATE:${dateValue(e.date)}`,
      `DTEND;VALUE=DATE:${dateValue(e.date, 1)}`,
    );
  }
  lines.push(`SUMMARY:${text(`${name} @ ${e.location}`)}`, `LOCATION:${text(e.location)}`);
  const notes = [
    e.starts_at ? (e.ends_at ? "" : "End time not posted.") : "Hours not posted.",
    e.ai_extracted ? "Truck name read from the venue's image by AI: it may be wrong." : "",
    e.description ?? "",
  ].filter(Boolean);
  if (notes.length) lines.push(`DESCRIPTION:${text(notes.join("\n"))}`);
  lines.push("TRANSP:TRANSPARENT", "END:VEVENT");
  return lines;
}

/**
 * One iCalendar document.
 *
 * @param data The published data (its `updated` becomes every DTSTAMP).
 * @param title The calendar's name (`X-WR-CALNAME`).
 * @param filter Which events to include; default all.
 * @returns The feed, CRLF line endings, lines folded at 75 octets.
 */
export function buildCalendar(
  data: WebData,
  title: string,
  filter: (e: WebEvent) => boolean = () => true,
): string {
  const uids = eventUids(data.events);
  const stamp = utcStamp(data.updated);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Around the Grounds//Ballard food trucks//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${text(title)}`,
    "X-WR-TIMEZONE:America/Los_Angeles",
    "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
  ];
  data.events.forEach((e, i) => {
    if (filter(e)) lines.push(...vevent(e, uids[i], stamp));
  });
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}

/**
 * Every feed of the data: {@link ALL_CALENDAR} and one {@link venueCalendarName} per venue in
 * `data.venues` (a venue with no events gets an empty feed, so subscriptions keep working).
 *
 * @param data The published data.
 * @returns File name → content.
 */
export function calendarFiles(data: WebData): Record<string, string> {
  const files: Record<string, string> = {
    [ALL_CALENDAR]: buildCalendar(data, "Ballard food trucks"),
  };
  for (const v of data.venues) {
    files[venueCalendarName(v.key)] = buildCalendar(
      data,
      `Food trucks at ${v.name}`,
      (e) => e.venue_key === v.key,
    );
  }
  return files;
}
