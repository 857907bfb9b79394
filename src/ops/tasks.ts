/**
 * Reads the permission flags of the project's Deno tasks from `deno.json`, so that the compiled
 * binary, the benchmarks and the tests use exactly the scoped sets the tasks use (one source of
 * truth: change a task's permissions in `deno.json` and `deno task compile` follows).
 *
 * @example
 * ```ts
 * import { readTaskCommand, permissionFlags, unionPermissions } from "./tasks.ts";
 * const worker = permissionFlags(await readTaskCommand("worker"));
 * // ["--allow-env=PATH,...", "--allow-read", "--allow-ffi", ...]
 * const all = unionPermissions([worker, permissionFlags(await readTaskCommand("start"))]);
 * // Run a task's script directly (no `deno task` layer), with the task's own flags:
 * const args = await taskRunArgs("worker"); // ["run", "--allow-env=...", ..., "/…/tasks/worker.ts"]
 * ```
 * @module
 */
import { isAbsolute, join } from "node:path";

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

/** Options of {@link taskRunArgs}. */
export interface TaskRunArgsOptions {
  /** Replaces the task's `--allow-write=dist` with `--allow-write=<writeScope>`. Default: kept. */
  writeScope?: string;
  /** The deno.json to read. Default {@link DENO_JSON}. */
  configPath?: string;
}

/**
 * The `deno` arguments that run task `name`'s script directly, with the task's own flags (so
 * permissions stay as in `deno.json`): `["run", ...flags, <absolute script path>, ...args]`.
 * The script path is resolved against the folder of the config file.
 */
export async function taskRunArgs(
  name: string,
  options: TaskRunArgsOptions = {},
): Promise<string[]> {
  const configPath = options.configPath ?? DENO_JSON;
  const { flags, script, args } = parseRunCommand(await readTaskCommand(name, configPath));
  const scoped = flags.map((f) =>
    f === "--allow-write=dist" && options.writeScope ? `--allow-write=${options.writeScope}` : f
  );
  const path = isAbsolute(script) ? script : join(configPath, "..", script);
  return ["run", ...scoped, path, ...args];
}

/** The `deno` arguments of `deno task -q --config <deno.json> <name> ...args`. */
export function denoTaskArgs(name: string, args: string[] = [], configPath = DENO_JSON): string[] {
  return ["task", "-q", "--config", configPath, name, ...args];
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
