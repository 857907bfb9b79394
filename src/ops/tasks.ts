/**
 * The project's Deno tasks as `deno.json` defines them: how to run a task's script directly with
 * the task's own flags, and the named permission sets (`"permissions"`, used by the tasks as
 * `deno run -q -P=<set>`; `-q` hides Deno's "experimental" notice about sets) rendered as
 * `--allow-*` flags for `deno compile`. One source of truth: change a set in `deno.json` and the
 * tasks, the compiled binary, the benchmarks and the tests follow.
 *
 * @example
 * ```ts
 * import { permissionSetFlags, readPermissionSet, taskRunArgs } from "./tasks.ts";
 * const flags = permissionSetFlags(await readPermissionSet("worker"));
 * // ["--allow-env=INIT_CWD,PATH,…", "--allow-read", "--allow-write", "--allow-net", …]
 * // Run a task's script directly (no `deno task` layer), with the task's own flags:
 * const args = await taskRunArgs("worker"); // ["run", "-q", "-P=worker", "--config", …]
 * await new Deno.Command(Deno.execPath(), { args: [...args, "--help"] }).output();
 * console.log(flags.length);
 * ```
 * @module
 */
import { isAbsolute, join } from "node:path";

/** `<project>/deno.json`. */
export const DENO_JSON: string = join(
  new URL("../../", import.meta.url).pathname,
  "deno.json",
);

/** A task or permission set is missing from `deno.json`, or has a shape this module refuses. */
export class TaskConfigError extends Error {
  override name = "TaskConfigError";
}

async function readConfig(configPath: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(configPath));
}

/**
 * The command line of task `name` in `deno.json` (string or `{ command }` form); `configPath`
 * defaults to {@link DENO_JSON}.
 */
export async function readTaskCommand(name: string, configPath = DENO_JSON): Promise<string> {
  const tasks = (await readConfig(configPath)).tasks as Record<string, unknown> | undefined;
  const task = tasks?.[name] as string | { command?: unknown } | undefined;
  const command = typeof task === "string" ? task : task?.command;
  if (typeof command !== "string") {
    throw new TaskConfigError(`${configPath}: no task "${name}"`);
  }
  return command;
}

/**
 * One named permission set: per kind, `true` (unscoped) or the allowed values. Paths are
 * relative to the folder of `deno.json`.
 */
export type PermissionSet = Partial<Record<PermissionKind, true | string[]>>;

/** The permission kinds a set may grant, in the order {@link permissionSetFlags} renders them. */
export const PERMISSION_KINDS = ["env", "read", "write", "net", "sys", "ffi", "run"] as const;

/** One of {@link PERMISSION_KINDS}. */
export type PermissionKind = typeof PERMISSION_KINDS[number];

/**
 * The named permission set `name` from `deno.json`'s `"permissions"`. Refuses `-A`-like sets
 * (`"all": true`), `allow`/`deny` objects and unknown kinds, so that every set stays a plain
 * list of scoped grants. `configPath` defaults to {@link DENO_JSON}.
 */
export async function readPermissionSet(
  name: string,
  configPath = DENO_JSON,
): Promise<PermissionSet> {
  const sets = (await readConfig(configPath)).permissions as Record<string, unknown> | undefined;
  const set = sets?.[name];
  if (!set || typeof set !== "object") {
    throw new TaskConfigError(`${configPath}: no permission set "${name}"`);
  }
  for (const [kind, value] of Object.entries(set)) {
    const ok = (PERMISSION_KINDS as readonly string[]).includes(kind) &&
      (value === true || (Array.isArray(value) && value.every((v) => typeof v === "string")));
    if (!ok) {
      throw new TaskConfigError(
        `${configPath}: permission set "${name}": "${kind}" must be one of ${
          PERMISSION_KINDS.join(", ")
        } with true or a list of strings`,
      );
    }
  }
  return set as PermissionSet;
}

/** The `--allow-*` flags granting exactly `set` (for `deno compile`, which takes flags). */
export function permissionSetFlags(set: PermissionSet): string[] {
  return PERMISSION_KINDS.flatMap((kind) => {
    const value = set[kind];
    if (value === undefined) return [];
    return [value === true ? `--allow-${kind}` : `--allow-${kind}=${value.join(",")}`];
  });
}

/** Options of {@link taskRunArgs}. */
export interface TaskRunArgsOptions {
  /**
   * Adds `--allow-write=<writeScope>`, which replaces the write grant of the task's set (a
   * flag given beside `-P` replaces that kind of the set). Default: the set's own.
   */
  writeScope?: string;
  /** The deno.json to read. @default {DENO_JSON} */
  configPath?: string;
}

/**
 * The `deno` arguments that run task `name`'s script directly, with the task's own flags (so
 * permissions stay as in `deno.json`): `["run", ...flags, "--config", <deno.json>, <absolute
 * script path>, ...args]`. `--config` lets a caller swap the script for one outside the project
 * and keep the named permission set.
 */
export async function taskRunArgs(
  name: string,
  options: TaskRunArgsOptions = {},
): Promise<string[]> {
  const configPath = options.configPath ?? DENO_JSON;
  const command = await readTaskCommand(name, configPath);
  const words = command.trim().split(/\s+/);
  const i = words.findIndex((w, j) => j > 1 && !w.startsWith("-"));
  if (words[0] !== "deno" || words[1] !== "run" || i < 0) {
    throw new TaskConfigError(`task "${name}" is not "deno run [flags] <script>": ${command}`);
  }
  const script = isAbsolute(words[i]) ? words[i] : join(configPath, "..", words[i]);
  const write = options.writeScope ? [`--allow-write=${options.writeScope}`] : [];
  return [
    "run",
    ...words.slice(2, i),
    ...write,
    "--config",
    configPath,
    script,
    ...words.slice(i + 1),
  ];
}

/**
 * The `deno` arguments of `deno task -q --config <deno.json> <name> ...args`; `args` default to
 * none, `configPath` to {@link DENO_JSON}.
 */
export function denoTaskArgs(name: string, args: string[] = [], configPath = DENO_JSON): string[] {
  return ["task", "-q", "--config", configPath, name, ...args];
}
