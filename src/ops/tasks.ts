/**
 * The project's Deno tasks as `deno.json` defines them, to run them the way users do
 * (`deno task -q <name>`) or to run a task's script directly with the task's own flags (its
 * named permission set, see `permission_sets.ts`), so that the benchmarks and the tests use
 * exactly the permissions the tasks use.
 *
 * @example
 * ```ts
 * import { denoTaskArgs, taskRunArgs } from "./tasks.ts";
 * // Run a task's script directly (no `deno task` layer), with the task's own flags:
 * const args = await taskRunArgs("worker"); // ["run", "-q", "-P=worker", "--config", …]
 * await new Deno.Command(Deno.execPath(), { args: [...args, "--help"] }).output();
 * await new Deno.Command(Deno.execPath(), { args: denoTaskArgs("check-env", ["--offline"]) })
 *   .output();
 * ```
 * @module
 */
import { isAbsolute, join } from "node:path";

/** `<project>/deno.json`. */
export const DENO_JSON: string = join(
  new URL("../../", import.meta.url).pathname,
  "deno.json",
);

/** A task is missing from `deno.json`, or has a shape this module refuses. */
export class TaskConfigError extends Error {
  override name = "TaskConfigError";
}

/** The parsed `deno.json` at `configPath`. */
export async function readConfig(configPath: string): Promise<Record<string, unknown>> {
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
