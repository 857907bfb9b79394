/**
 * Reads the permission flags of the project's Deno tasks from `deno.json`, so that the compiled
 * binary and the startup benchmark use exactly the scoped sets the tasks use (one source of
 * truth: change a task's permissions in `deno.json` and `deno task compile` follows).
 *
 * @example
 * ```ts
 * import { readTaskCommand, permissionFlags, unionPermissions } from "./tasks.ts";
 * const worker = permissionFlags(await readTaskCommand("worker"));
 * // ["--allow-env=PATH,...", "--allow-read", "--allow-ffi", ...]
 * const all = unionPermissions([worker, permissionFlags(await readTaskCommand("start"))]);
 * ```
 * @module
 */
import { join } from "node:path";

/** `<project>/deno.json`. */
export const DENO_JSON: string = join(
  new URL("../../", import.meta.url).pathname,
  "deno.json",
);

/** A task is missing from `deno.json`, or is not a `deno run ... <script>` command. */
export class TaskConfigError extends Error {
  override name = "TaskConfigError";
}

/** The command line of task `name` in `deno.json` (string or `{ command }` form). */
export async function readTaskCommand(name: string, configPath = DENO_JSON): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(configPath));
  const task = config.tasks?.[name];
  const command = typeof task === "string" ? task : task?.command;
  if (typeof command !== "string") {
    throw new TaskConfigError(`${configPath}: no task "${name}"`);
  }
  return command;
}

/** The parts of a `deno run [flags] <script> [args]` task command. */
export interface RunCommand {
  flags: string[];
  script: string;
  args: string[];
}

/** Splits `deno run <flags> <script> <args>` (flags never contain spaces in this project). */
export function parseRunCommand(command: string): RunCommand {
  const words = command.trim().split(/\s+/);
  if (words[0] !== "deno" || words[1] !== "run") {
    throw new TaskConfigError(`not a "deno run" command: ${command}`);
  }
  const rest = words.slice(2);
  const i = rest.findIndex((w) => !w.startsWith("-"));
  if (i < 0) throw new TaskConfigError(`no script in: ${command}`);
  return { flags: rest.slice(0, i), script: rest[i], args: rest.slice(i + 1) };
}

const PERMISSION = /^--(allow|deny)-[a-z]+(=.*)?$/;

/** The permission flags (`--allow-*`, `--deny-*`) of a `deno run` task command. Rejects `-A`. */
export function permissionFlags(command: string): string[] {
  const { flags } = parseRunCommand(command);
  if (flags.some((f) => f === "-A" || f === "--allow-all")) {
    throw new TaskConfigError(`refusing a task with -A/--allow-all: ${command}`);
  }
  return flags.filter((f) => PERMISSION.test(f));
}

/**
 * The union of several permission sets: a flag granted without a list in any set stays
 * unscoped; otherwise the lists are merged (order of first appearance kept). `--deny-*` flags are
 * kept only when every set has the same one.
 */
export function unionPermissions(sets: readonly string[][]): string[] {
  const allow = new Map<string, Set<string> | "all">();
  for (const set of sets) {
    for (const flag of set) {
      const m = /^--allow-([a-z]+)(?:=(.*))?$/.exec(flag);
      if (!m) continue;
      const [, kind, list] = m;
      const prev = allow.get(kind);
      if (prev === "all" || list === undefined) {
        allow.set(kind, "all");
        continue;
      }
      const merged = prev ?? new Set<string>();
      for (const v of list.split(",")) if (v) merged.add(v);
      allow.set(kind, merged);
    }
  }
  const denies = sets.length
    ? sets[0].filter((f) => f.startsWith("--deny-") && sets.every((s) => s.includes(f)))
    : [];
  const out = [...allow].map(([kind, v]) =>
    v === "all" ? `--allow-${kind}` : `--allow-${kind}=${[...v].join(",")}`
  );
  return [...out, ...denies];
}
