/**
 * The timing of a schedule: `--every` / `--cron` / `--timezone` / `--overlap` flag values, the
 * Temporal spec built from them, and the spec read back as text (`every 30m`, `cron 0 7 * * *`).
 *
 * @example
 * ```ts
 * import { buildSpec, describeSpec, timingFromFlags } from "./schedule_timing.ts";
 *
 * const timing = timingFromFlags({ every: "1h30m" });
 * console.log(describeSpec({ intervals: [{ every: 5_400_000, offset: 0 }] }).text); // "every 1h30m"
 * console.log(buildSpec(timing)); // { intervals: [{ every: 5400000 }] }
 * ```
 *
 * @module
 */
import type {
  ScheduleOverlapPolicy,
  ScheduleSpec,
  ScheduleSpecDescription,
} from "@temporalio/client";
import { UsageError } from "../cli/main.ts";
import { PACIFIC_TZ } from "../core/time.ts";

/** Time zone a `--cron` expression is read in unless it says `CRON_TZ=…`: America/Los_Angeles. */
export const DEFAULT_CRON_TIMEZONE = PACIFIC_TZ;

/** Overlap policies by their flag name (`--overlap skip`, …). */
export const OVERLAP_POLICIES = {
  "skip": "SKIP",
  "buffer-one": "BUFFER_ONE",
  "buffer-all": "BUFFER_ALL",
  "cancel-other": "CANCEL_OTHER",
  "terminate-other": "TERMINATE_OTHER",
  "allow-all": "ALLOW_ALL",
} as const satisfies Record<string, ScheduleOverlapPolicy>;

/** A `--overlap` value. */
export type OverlapName = keyof typeof OVERLAP_POLICIES;

/** When a schedule fires: a fixed interval, or a cron expression in a time zone. */
export type ScheduleTiming =
  | { every: string }
  | {
    cron: string;
    /** IANA zone; default {@link DEFAULT_CRON_TIMEZONE} (ignored when the expression has `CRON_TZ=`). */
    timezone?: string;
  };

const EVERY_FORMS = "a duration like 30m, 1h, 90s or 1h30m (hours, minutes, seconds; at least 1s)";

/**
 * Parses an interval: `30m`, `1h`, `90s`, `1h30m`, `1h30m15s` (units in that order, each at most
 * once). Returns milliseconds; at least one second (the server's minimum).
 * @throws {UsageError} naming `flag` (default `--every`) and the accepted forms.
 */
export function parseEvery(value: string, flag = "--every"): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim().toLowerCase());
  const ms = m && value.trim() !== ""
    ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000
    : NaN;
  if (!(ms >= 1000) || !Number.isSafeInteger(ms)) {
    throw new UsageError(`${flag} must be ${EVERY_FORMS}, got "${value}"`);
  }
  return ms;
}

/** Formats milliseconds as `1h30m`, `90s` → `1m30s`, `2s`; sub-second remainders as `ms`. */
export function formatEvery(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  const out = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}${rest ? `${rest}ms` : ""}`;
  return out || "0s";
}

/** Parses `--overlap`; default `skip`. @throws {UsageError} listing the accepted values. */
export function parseOverlap(value: string | undefined): OverlapName {
  if (value === undefined) return "skip";
  const v = value.trim().toLowerCase() as OverlapName;
  if (!(v in OVERLAP_POLICIES)) {
    throw new UsageError(
      `--overlap must be one of ${Object.keys(OVERLAP_POLICIES).join(", ")}, got "${value}"`,
    );
  }
  return v;
}

/**
 * The timing from `--every` / `--cron` / `--timezone`: exactly one of `--every` and `--cron`.
 * The interval is checked here; the cron expression is checked by the server on create/update.
 * @throws {UsageError}
 */
export function timingFromFlags(
  flags: { every?: string; cron?: string; timezone?: string },
): ScheduleTiming {
  if (flags.every !== undefined && flags.cron !== undefined) {
    throw new UsageError("give either --every or --cron, not both");
  }
  if (flags.every !== undefined) {
    if (flags.timezone !== undefined) throw new UsageError("--timezone applies only to --cron");
    parseEvery(flags.every);
    return { every: flags.every };
  }
  if (flags.cron !== undefined) {
    if (flags.cron.trim() === "") throw new UsageError(`--cron needs an expression, got ""`);
    return { cron: flags.cron, ...(flags.timezone ? { timezone: flags.timezone } : {}) };
  }
  throw new UsageError(
    `say when to run: --every ${"<"}duration${">"} (e.g. 30m) or --cron "<expr>" (see --help)`,
  );
}

/** The Temporal spec for a timing. A cron expression's text is kept in the calendar comment. */
export function buildSpec(timing: ScheduleTiming): ScheduleSpec {
  if ("every" in timing) return { intervals: [{ every: parseEvery(timing.every) }] };
  const expr = timing.cron.trim();
  const ownZone = /^CRON_TZ=/i.test(expr) || /^TZ=/i.test(expr);
  return {
    // A trailing `# text` becomes the calendar's comment: describe can then show the expression.
    cronExpressions: [expr.includes("#") ? expr : `${expr} # cron ${expr}`],
    ...(ownZone ? {} : { timezone: timing.timezone ?? DEFAULT_CRON_TIMEZONE }),
  };
}

/** One-line text of a timing: `every 30m`, `cron "0 7 * * *" in America/Los_Angeles`. */
export function describeTiming(timing: ScheduleTiming): string {
  if ("every" in timing) return `every ${formatEvery(parseEvery(timing.every))}`;
  const zone = buildSpec(timing).timezone;
  return `cron "${timing.cron.trim()}"${zone ? ` in ${zone}` : ""}`;
}

const MONTH_NAMES = [
  "JANUARY",
  "FEBRUARY",
  "MARCH",
  "APRIL",
  "MAY",
  "JUNE",
  "JULY",
  "AUGUST",
  "SEPTEMBER",
  "OCTOBER",
  "NOVEMBER",
  "DECEMBER",
];
const DAY_NAMES = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

type Ranges = { start: unknown; end: unknown; step: number }[];

function cronField(ranges: Ranges, min: number, max: number, names?: string[]): string {
  const n = (v: unknown) => typeof v === "number" ? v : names ? names.indexOf(String(v)) + min : 0;
  if (!ranges.length) return "*";
  return ranges.map((r) => {
    const s = n(r.start);
    const e = Math.max(n(r.end), s);
    const step = r.step > 1 ? `/${r.step}` : "";
    if (s === min && e === max) return `*${step}`;
    return s === e && !step ? `${s}` : `${s}-${e}${step}`;
  }).join(",");
}

/** Human text of a spec: `every 30m`, or a cron expression with its zone. */
export function describeSpec(spec: ScheduleSpecDescription | undefined): {
  text: string;
  everyMs?: number;
  cron?: string;
  timezone?: string;
} {
  if (!spec) return { text: "(unknown)" };
  const parts: string[] = [];
  let everyMs: number | undefined;
  let cron: string | undefined;
  for (const i of spec.intervals ?? []) {
    everyMs ??= i.every;
    parts.push(
      `every ${formatEvery(i.every)}${i.offset ? ` (offset ${formatEvery(i.offset)})` : ""}`,
    );
  }
  for (const c of spec.calendars ?? []) {
    const fromComment = /^cron (.+)$/.exec(c.comment ?? "")?.[1];
    const expr = fromComment ?? [
      ...(c.second.length === 1 && c.second[0].start === 0 && c.second[0].end === 0
        ? []
        : [cronField(c.second, 0, 59)]),
      cronField(c.minute, 0, 59),
      cronField(c.hour, 0, 23),
      cronField(c.dayOfMonth, 1, 31),
      cronField(c.month, 1, 12, MONTH_NAMES),
      cronField(c.dayOfWeek, 0, 6, DAY_NAMES),
    ].join(" ");
    cron ??= expr;
    parts.push(`cron ${expr}`);
  }
  const timezone = spec.timezone || undefined;
  const text = (parts.join(" + ") || "(no times)") +
    (spec.calendars?.length ? ` (${timezone ?? "UTC"})` : "");
  return {
    text,
    ...(everyMs !== undefined ? { everyMs } : {}),
    ...(cron !== undefined ? { cron } : {}),
    ...(timezone ? { timezone } : {}),
  };
}

/** The `--overlap` name of an SDK overlap policy. */
export function overlapName(p: ScheduleOverlapPolicy): string {
  const hit = Object.entries(OVERLAP_POLICIES).find(([, v]) => v === p);
  return hit ? hit[0] : String(p ?? "skip").toLowerCase();
}
