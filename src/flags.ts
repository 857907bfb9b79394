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

/**
 * The flags of the tasks that print a week (`scrape`, `start`, `dev`): `--venues FILE`,
 * `--date YYYY-MM-DD`, `--json`, `--verbose`.
 */
export const RESULT_FLAGS = {
  venues: { type: "string" },
  date: { type: "string" },
  json: { type: "boolean" },
  verbose: { type: "boolean" },
} as const;

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

/**
 * Lets a string flag take an optional value: `--preview` alone (last, or followed by another
 * flag) becomes `--preview <fallback>`, so `node:util` `parseArgs` can parse it as a string.
 */
export function optionalValue(args: string[], flag: string, fallback: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    out.push(args[i]);
    if (args[i] === flag && (i + 1 >= args.length || args[i + 1].startsWith("-"))) {
      out.push(fallback);
    }
  }
  return out;
}
