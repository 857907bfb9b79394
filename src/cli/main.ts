/**
 * Shared plumbing for the thin task files in `tasks/`: flag parsing with one-line errors, and a
 * `main` wrapper that turns any error into a one-line message and an exit code, never a stack.
 *
 * @example
 * ```ts
 * import { main, parseFlags } from "./main.ts";
 * const USAGE = "Usage: deno task check-env [--offline]";
 * await main("check-env", async () => {
 *   const { values } = parseFlags(Deno.args, { offline: { type: "boolean" } }, USAGE);
 *   return values.offline ? 0 : 1;
 * });
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { ConfigError } from "../config/mod.ts";
import { FatalError, UsageError } from "../core/exit.ts";

export { FatalError, UsageError };

type Options = NonNullable<ParseArgsConfig["options"]>;

let argOffset = 0;

/**
 * The task's own arguments: `Deno.args`, without the leading command name when the task runs
 * inside the compiled binary's dispatcher (`around-the-grounds start --json`).
 */
export function taskArgs(): string[] {
  return Deno.args.slice(argOffset);
}

/** For `tasks/cli_main.ts`: the first argument names the task; {@link taskArgs} skips it. */
export function skipCommandArg(): void {
  argOffset = 1;
}

/** Options of {@link parseFlags}. */
export interface ParseFlagsOptions {
  /** Accept positional arguments (returned in `positionals`). Default false: one is an error. */
  positionals?: boolean;
}

/**
 * Parses `args` with `node:util` `parseArgs` (strict); prints `usage` for `--help`/`-h`.
 * An unknown flag, a missing value or (unless `opts.positionals`) a stray argument is a
 * {@link UsageError} of one line.
 */
export function parseFlags<T extends Options>(
  args: string[],
  options: T,
  usage: string,
  opts: ParseFlagsOptions = {},
) {
  const dashdash = args.indexOf("--");
  const flagPart = dashdash < 0 ? args : args.slice(0, dashdash);
  if (flagPart.includes("--help") || flagPart.includes("-h")) {
    console.log(usage);
    Deno.exit(0);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${msg.split("\n")[0]} (see --help)`);
  }
  if (!opts.positionals && parsed.positionals.length) {
    throw new UsageError(
      `unexpected argument "${parsed.positionals[0]}" (this task takes only flags; see --help)`,
    );
  }
  return parsed;
}

/**
 * {@link parseFlags} for scripts that do not run inside {@link main}: a usage error is printed
 * as `<task>: <message>` and the process exits 1.
 */
export function parseFlagsOrExit<T extends Options>(
  task: string,
  args: string[],
  options: T,
  usage: string,
) {
  try {
    return parseFlags(args, options, usage);
  } catch (err) {
    console.error(`${task}: ${(err as Error).message}`);
    Deno.exit(1);
  }
}

/**
 * Runs a task body; prints errors as one line `<task>: <message>` and exits with the right code:
 * the body's return value (default 0), a {@link FatalError}'s `exitCode`, 1 for a
 * {@link ConfigError} (one line per issue) or any other error.
 */
export async function main(task: string, body: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await body()) ?? 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${task}: invalid configuration:`);
      for (const i of err.issues) console.error(`  ✗ ${i.variable}: ${i.message}`);
      code = err.exitCode;
    } else if (err instanceof FatalError) {
      console.error(`${task}: ${err.message}`);
      code = err.exitCode;
    } else if (err instanceof Error) {
      console.error(`${task}: ${err.message.split("\n").join("\n  ")}`);
      code = 1;
    } else {
      console.error(`${task}: ${String(err)}`);
      code = 1;
    }
  }
  Deno.exit(code);
}
