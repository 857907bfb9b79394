/**
 * A server child process as the dev-server starter needs it ({@link ServerProcess}): the
 * default plain spawn ({@link spawnServer}) that keeps the tail of its output
 * ({@link OutputTail}), stops it with a grace period, and reports a command missing from PATH
 * ({@link CommandNotFoundError}).
 *
 * @example
 * ```ts
 * import { spawnServer } from "./server_process.ts";
 * const server = await spawnServer("temporal", ["server", "start-dev", "--headless"]);
 * await server.stop(5000); // SIGTERM, SIGKILL after 5 s
 * console.log(server.output());
 * ```
 * @module
 */
import { settlesWithin } from "../core/delay.ts";

/** Thrown by a {@link SpawnServer} when the command is not on PATH. */
export class CommandNotFoundError extends Error {
  override name = "CommandNotFoundError";
  /** Creates the error for `command`. */
  constructor(readonly command: string, options?: ErrorOptions) {
    super(`${command}: not found on PATH`, options);
  }
}

/** A started server process, as {@link startDevServer} needs it. */
export interface ServerProcess {
  /** Pid of the server itself. */
  readonly pid: number;
  /** Whether it has exited. */
  readonly exited: boolean;
  /** Resolves when it has exited. */
  readonly status: Promise<Deno.CommandStatus>;
  /** The last ≈64 KiB it wrote to stdout and stderr. */
  output(): string;
  /** Sends SIGKILL at once, without waiting (for a forced exit). */
  kill(): void;
  /** SIGTERM, then SIGKILL after `graceMs` (`0`: SIGKILL at once); resolves once it has exited. */
  stop(graceMs: number): Promise<void>;
}

/** Starts `command args…`; throws {@link CommandNotFoundError} when it is not on PATH. */
export type SpawnServer = (command: string, args: string[]) => Promise<ServerProcess>;

/**
 * The default {@link SpawnServer}: a plain child process whose stdout and stderr are kept
 * (the last ≈64 KiB). Needs `--allow-run` for `command`.
 *
 * @throws {CommandNotFoundError} when `command` is not on PATH.
 */
export function spawnServer(command: string, args: string[]): Promise<ServerProcess> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new CommandNotFoundError(command);
    throw error;
  }
  const tail = new OutputTail(64 * 1024);
  const drained = Promise.all([tail.drain(child.stdout), tail.drain(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const send = (signal: Deno.Signal) => {
    if (exited) return;
    try {
      child.kill(signal);
    } catch { /* gone */ }
  };
  let stopping: Promise<void> | undefined;
  const stop = (graceMs: number) =>
    stopping ??= (async () => {
      send(graceMs > 0 ? "SIGTERM" : "SIGKILL");
      if (graceMs > 0 && !(await settlesWithin(status, graceMs))) send("SIGKILL");
      await status;
      await settlesWithin(drained, 2000);
    })();
  return Promise.resolve({
    pid: child.pid,
    get exited() {
      return exited;
    },
    status,
    output: () => tail.text(),
    kill: () => send("SIGKILL"),
    stop,
  });
}

/** Keeps the last `limit` characters written to the streams given to `drain`. */
export class OutputTail {
  #text = "";
  /** Creates a tail that keeps `limit` characters. */
  constructor(readonly limit: number) {}

  /**
   * Reads `stream` to its end; whole lines go through `filter` (default: kept as they are), so
   * that a marker line is never split.
   */
  async drain(
    stream: ReadableStream<Uint8Array>,
    filter: (text: string) => string = (t) => t,
  ): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    try {
      for await (const chunk of stream) {
        pending += decoder.decode(chunk, { stream: true });
        const cut = pending.lastIndexOf("\n") + 1;
        if (cut === 0) continue;
        this.#append(filter(pending.slice(0, cut)));
        pending = pending.slice(cut);
      }
    } catch { /* stream closed */ }
    if (pending) this.#append(filter(pending));
  }

  #append(text: string): void {
    this.#text += text;
    if (this.#text.length > this.limit * 2) this.#text = this.#text.slice(-this.limit);
  }

  /** The last `limit` characters. */
  text(): string {
    return this.#text.slice(-this.limit);
  }
}
