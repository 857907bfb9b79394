/**
 * Flag value parsers shared by the tasks.
 *
 * @example
 * ```ts
 * import { parseDateFlag } from "./flags.ts";
 * const date = parseDateFlag("2026-03-05"); // or today in Pacific time when undefined
 * ```
 * @module
 */
import { UsageError } from "./cli.ts";
import { assertYmd, pacificToday } from "./time.ts";

/** Validates `--date YYYY-MM-DD`; default: today in Pacific time. */
export function parseDateFlag(value: string | undefined): string {
  if (value === undefined) return pacificToday();
  try {
    assertYmd(value);
  } catch {
    throw new UsageError(`--date must be a real day as YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

/** Validates `--date YYYY-MM-DD` when given; undefined otherwise. */
export function parseDateFlagOptional(value: string | undefined): string | undefined {
  return value === undefined ? undefined : parseDateFlag(value);
}
