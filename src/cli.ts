/**
 * Shared plumbing for the thin task files in `tasks/`: flag parsing with one-line errors, and a
 * `main` wrapper that turns any error into a one-line message and an exit code, never a stack.
 *
 * @example
 * ```ts
 * import { main, parseFlags } from "../src/cli.ts";
 * await main("check-env", async () => {
 *   const flags = parseFlags(Deno.args, { offline: { type: "boolean" } }, USAGE);
 *   return flags.offline ? 0 : 1;
 * });
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { ConfigError } from "./config/mod.ts";

/** A usage error: bad flag or bad flag value. Exit code 1. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A fatal error whose message is already the one line to print; `code` is the exit code (default 1). */
export class FatalError extends Error {
  override name = "FatalError";
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `args` with `node:util` `parseArgs` (strict); prints `usage` for `--help`. */
export function parseFlags<T extends Options>(args: string[], options: T, usage: string) {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    Deno.exit(0);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/, "");
    throw new UsageError(`${msg.split("\n")[0]} (see --help)`);
  }
}

/** Runs a task body; prints errors as one line `<task>: <message>` and exits with the right code. */
export async function main(task: string, body: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await body()) ?? 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${task}: invalid configuration:`);
      for (const i of err.issues) console.error(`  ✗ ${i.variable}: ${i.message}`);
      code = 1;
    } else if (err instanceof FatalError) {
      console.error(`${task}: ${err.message}`);
      code = err.code;
    } else if (
      err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === "number"
    ) {
      console.error(`${task}: ${err.message.split("\n")[0]}`);
      code = (err as unknown as { exitCode: number }).exitCode;
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
