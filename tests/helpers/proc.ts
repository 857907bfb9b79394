/**
 * Runs the project's Deno tasks as subprocesses, the way users run them (`deno task <name>`),
 * with a clean environment: only PATH, a throw-away HOME, and the variables a test passes
 * (see `tests/harness/child.ts`).
 * @module
 */
import { childEnv, spawnWatched } from "../harness/child.ts";
import type { WatchedChild } from "../harness/child.ts";
import { denoTaskArgs } from "../../src/ops/tasks.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Output of a finished task. */
export interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** How both helpers run `deno task <task> ...args`: arguments, folder and clean environment. */
async function taskCommand(
  task: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string },
) {
  return {
    args: denoTaskArgs(task, args),
    cwd: options.cwd ?? ROOT,
    env: await childEnv(options.env),
  };
}

/** Runs `deno task <task> ...args` to completion. */
export async function runTask(
  task: string,
  args: string[] = [],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<TaskOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    ...await taskCommand(task, args, options),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * A long-running task (a worker): `output()`, `waitFor(re, timeoutMs = 60000)` (rejects if the
 * task exits first), `stop(signal = "SIGTERM")` → exit code, `status`, `pid`.
 */
export type RunningTask = WatchedChild;

/**
 * Spawns `deno task <task> ...args` and collects its output. `deno task` runs the script as its
 * child: signals go to the task process, which forwards them.
 */
export async function spawnTask(
  task: string,
  args: string[] = [],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunningTask> {
  const { args: argv, cwd, env } = await taskCommand(task, args, options);
  return spawnWatched(argv, { cwd, env, name: `task ${task}` });
}
