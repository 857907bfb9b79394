/**
 * Pacific-time helpers: every date the project shows is a day in America/Los_Angeles,
 * whatever the machine's time zone, with daylight saving handled.
 *
 * @example
 * ```ts
 * import { pacificToday, pacificIso, formatTime12 } from "./time.ts";
 * const today = pacificToday();                  // "2026-11-25"
 * const start = pacificIso("2026-03-08", 13, 0); // "2026-03-08T13:00:00-07:00"
 * formatTime12(start);                           // "1:00 PM"
 * ```
 * @module
 */

/** The IANA zone every date in this project is expressed in. */
export const PACIFIC_TZ = "America/Los_Angeles";

// Made at first use: creating it loads the time-zone data (~5 MiB), which a worker that has not
// run anything yet does not need.
let partsFormatter: Intl.DateTimeFormat | undefined;
const formatter = () =>
  partsFormatter ??= new Intl.DateTimeFormat("en-US", {
    timeZone: PACIFIC_TZ,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });

/** Wall-clock parts of an instant in Pacific time. */
export interface PacificParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Pacific parts through Intl (slow: ~0.1 ms a call). */
function formattedParts(instant: number): PacificParts {
  const out: Record<string, number> = {};
  for (const p of formatter().formatToParts(new Date(instant))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour,
    minute: out.minute,
    second: out.second,
  };
}

const HOUR_MS = 3_600_000;
/** Pacific offset (ms, wall clock minus UTC) per UTC hour, or null when it changes in that hour. */
const offsetByHour = new Map<number, number | null>();

/**
 * The offset of UTC hour `h` when it holds over the whole hour. Every change of
 * America/Los_Angeles so far falls on a UTC hour; should one not, that hour goes through Intl.
 */
function hourOffset(h: number): number | null {
  let off = offsetByHour.get(h);
  if (off === undefined) {
    const at = (t: number) => {
      const p = formattedParts(t);
      return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
    };
    const first = at(h * HOUR_MS);
    off = at(h * HOUR_MS + HOUR_MS - 1000) === first ? first : null;
    if (offsetByHour.size >= 10_000) offsetByHour.clear();
    offsetByHour.set(h, off);
  }
  return off;
}

/**
 * Splits an instant (default: now) into Pacific wall-clock parts. The zone's offset is looked up
 * through Intl once per UTC hour and cached (the parsers convert every event's times).
 */
export function pacificParts(instant: Date | number = Date.now()): PacificParts {
  const t = typeof instant === "number" ? instant : instant.getTime();
  const off = Number.isFinite(t) ? hourOffset(Math.floor(t / HOUR_MS)) : null;
  if (off === null) return formattedParts(t);
  const w = new Date(t + off);
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    second: w.getUTCSeconds(),
  };
}

/** English month names, January first (index = month - 1). */
export const MONTH_NAMES: readonly string[] = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Formats a calendar day as `YYYY-MM-DD`. */
export function ymd(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Today's Pacific day as `YYYY-MM-DD` (or the Pacific day of `instant`). */
export function pacificToday(instant: Date | number = Date.now()): string {
  const p = pacificParts(instant);
  return ymd(p.year, p.month, p.day);
}

/** Throws a `RangeError` unless `date` is a real `YYYY-MM-DD` calendar day. */
export function assertYmd(date: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a date of the form YYYY-MM-DD`);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
    throw new RangeError(`"${date}" is not a real calendar day`);
  }
}

/** Adds `n` calendar days to a `YYYY-MM-DD` day (pure calendar arithmetic, no zone). */
export function addDays(date: string, n: number): string {
  assertYmd(date);
  const [y, m, d] = date.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Offset of Pacific time from UTC in minutes at `instant` (-480 in winter, -420 in summer). */
export function pacificOffsetMinutes(instant: Date | number): number {
  const p = pacificParts(instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const ms = new Date(instant).getTime();
  return Math.round((asUtc - (ms - (ms % 1000))) / 60000);
}

function offsetSuffix(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * The instant of a Pacific wall-clock time, as epoch milliseconds.
 * A time skipped by spring-forward (2:30 AM on that Sunday) resolves to the later offset's
 * reading (3:30 AM PDT); a repeated fall-back time resolves to its first (PDT) occurrence.
 */
export function pacificInstant(date: string, hour: number, minute = 0): number {
  assertYmd(date);
  const [y, m, d] = date.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d, hour, minute);
  // Try the summer offset first (earlier instant) so fall-back picks the first occurrence.
  for (const off of [-420, -480]) {
    const t = guess - off * 60000;
    const p = pacificParts(t);
    if (p.year === y && p.month === m && p.day === d && p.hour === hour && p.minute === minute) {
      return t;
    }
  }
  return guess + 480 * 60000; // skipped hour: the PST reading, which is the PDT hour after
}

/** ISO-8601 string of an instant in Pacific time with its offset: `2026-11-25T13:00:00-08:00`. */
export function toPacificIso(instant: Date | number): string {
  const p = pacificParts(instant);
  const off = pacificOffsetMinutes(instant);
  return `${ymd(p.year, p.month, p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${
    offsetSuffix(off)
  }`;
}

/** ISO-8601 string of a Pacific wall-clock time on `date` (see {@link pacificInstant}). */
export function pacificIso(date: string, hour: number, minute = 0): string {
  return toPacificIso(pacificInstant(date, hour, minute));
}

/** Pacific day (`YYYY-MM-DD`) of an ISO-8601 string or instant. */
export function pacificDateOf(value: string | number | Date): string {
  const t = typeof value === "string" ? Date.parse(value) : new Date(value).getTime();
  if (Number.isNaN(t)) throw new RangeError(`"${value}" is not a valid date-time`);
  return pacificToday(t);
}

/** Formats the Pacific wall-clock time of an ISO string as `1:00 PM`. */
export function formatTime12(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`"${iso}" is not a valid date-time`);
  const p = pacificParts(t);
  const h = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${h}:${pad(p.minute)} ${p.hour < 12 ? "AM" : "PM"}`;
}

/** The inclusive window `[from, from + days]` of Pacific days. */
export function pacificWindow(from: string, days = 7): { from: string; to: string } {
  return { from, to: addDays(from, days) };
}

/**
 * The `YYYY-MM-DD` day of a month/day published without a year, as seen on `today`
 * (`YYYY-MM-DD` Pacific): the year of `today`, or the next year when `month` is earlier
 * than today's month (a schedule published in late December lists January days).
 * Throws `RangeError` when the day does not exist (e.g. 02.30).
 */
export function dateFromMonthDay(month: number, day: number, today: string): string {
  assertYmd(today);
  const [year, todayMonth] = today.split("-").map(Number);
  const date = ymd(month < todayMonth ? year + 1 : year, month, day);
  assertYmd(date);
  return date;
}

const ISO_LIKE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * An ISO-8601 date-time as a Pacific ISO string. With an offset (`Z`, `-05:00`, `-0500`, `-05`)
 * it is an instant; without one (`2026-03-05T17:00:00`, a "floating" time) it is Pacific wall
 * time (see {@link pacificInstant}). Null for an empty, date-only or unreadable value (including
 * an hour past 23 or a minute past 59, and a day that does not exist).
 */
export function localOrOffsetIsoToPacific(value?: string): string | null {
  const m = ISO_LIKE.exec((value ?? "").trim());
  if (!m || m[2] === undefined) return null;
  const [, date, hh, mm, offset] = m;
  // Date.parse and pacificIso would roll 2026-02-30 or 25:00 over into another day.
  if (Number(hh) > 23 || Number(mm) > 59 || !isRealDay(date)) return null;
  if (offset) {
    const norm = /^[+-]\d{2}$/.test(offset)
      ? `${offset}:00`
      : offset.length === 5
      ? `${offset.slice(0, 3)}:${offset.slice(3)}`
      : offset;
    const t = Date.parse(`${date}T${hh}:${mm}:00${norm.toUpperCase()}`);
    return Number.isNaN(t) ? null : toPacificIso(t);
  }
  return pacificIso(date, Number(hh), Number(mm));
}

function isRealDay(date: string): boolean {
  try {
    assertYmd(date);
    return true;
  } catch {
    return false;
  }
}
