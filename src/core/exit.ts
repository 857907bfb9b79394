/**
 * The one exit-code convention of the tasks: an error that ends a task is a named class extending
 * {@link FatalError}, and carries its exit code in `exitCode` (1 bad input or failure, 2 cannot
 * connect / missing tool, 3 cancelled). `main` in `src/cli/main.ts` prints its message as one line
 * `<task>: <message>` and exits with that code. Imports nothing, so every room can use it.
 *
 * @example
 * ```ts
 * import { FatalError, UsageError } from "./exit.ts";
 * class NothingListeningError extends FatalError {
 *   override name = "NothingListeningError";
 *   constructor(address: string) {
 *     super(`nothing is listening at ${address}`, 2);
 *   }
 * }
 * new NothingListeningError("localhost:7233").exitCode; // 2
 * new UsageError("--port must be an integer").exitCode; // 1
 * ```
 * @module
 */

/**
 * An error that ends a task: its message is the one line to print, `exitCode` the process exit
 * code (default 1).
 */
export class FatalError extends Error {
  override name = "FatalError";
  /**
   * @param message the one line to print (no stack, no secret)
   * @param exitCode the task's exit code. Default: 1.
   */
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** A usage error: bad flag or bad flag value. Exit code 1. */
export class UsageError extends FatalError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, 1);
  }
}
