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
import { isAbsolute, resolve } from "node:path";
import { UsageError } from "./main.ts";
import { assertYmd, pacificToday } from "../core/time.ts";

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

/**
 * The folder the user ran the command from: `INIT_CWD`, which `deno task` sets before it
 * changes into the project root (an `INIT_CWD` already set is kept, as npm does), else the
 * current directory. Needs `--allow-env=INIT_CWD`; without it, the current directory.
 */
export function userCwd(): string {
  let init: string | undefined;
  try {
    init = Deno.env.get("INIT_CWD");
  } catch { /* no permission: run directly, not through deno task */ }
  return init && isAbsolute(init) ? init : Deno.cwd();
}

/**
 * Resolves a path given on the command line (`--venues`, `--preview`, `--env-file`, `--dir`)
 * against {@link userCwd}: `deno task serve --dir site` from `sub/` serves `sub/site`.
 * Undefined stays undefined; absolute paths are returned as they are.
 */
export function userPath(path: string): string;
export function userPath(path: string | undefined): string | undefined;
export function userPath(path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(userCwd(), path);
}
