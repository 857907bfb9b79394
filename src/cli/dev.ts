/**
 * `deno task dev`: the newcomer's one command. Starts a Temporal dev server when nothing
 * answers at the configured local address, starts a worker in this process, runs
 * `FoodTruckWorkflow` once, prints the result, and stops what it started.
 *
 * @example
 * ```ts
 * import { runDev } from "./dev.ts";
 * const code = await runDev({ offline: true, log: console.error });
 * ```
 * @module
 */
import { loadConfig, requireValid, splitHostPort } from "../config/mod.ts";
import type { TemporalConfig } from "../config/mod.ts";
import { connectClient } from "../config/connect.ts";
import { preflight } from "../config/preflight.ts";
import { checkConnection } from "./check_env.ts";
import {
  DevServerInterruptedError,
  INSTALL_HINT,
  isListening,
  startDevServer,
  startDownloadedDevServer,
  TemporalCliMissingError,
} from "../temporal/dev_server.ts";
import type { LocalServer } from "../temporal/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../venues/fixture_server.ts";
import type { FixtureServer } from "../venues/fixture_server.ts";
import { loadVenueList } from "../venues/list.ts";
import type { VenueEntry } from "../core/model.ts";
import { runWorker } from "../temporal/worker.ts";
import { createLog } from "../ops/log.ts";
import { runFoodTruckWorkflow } from "../temporal/starter.ts";
import { printResult } from "./format.ts";
import { pacificToday } from "../core/time.ts";
import { onStopSignals } from "../core/signals.ts";
import { FatalError } from "./main.ts";

/** Options of {@link runDev}. */
export interface DevOptions {
  envFile?: string;
  /** TOML profile name (`--profile`); default `TEMPORAL_PROFILE`, else `default`. */
  profile?: string;
  venuesPath?: string;
  /** Serve our fixtures locally and point every venue at them. Default false. */
  offline?: boolean;
  /** Window start; default today (offline: the fixtures' day, {@link FIXTURE_DATE}). */
  date?: string;
  json?: boolean;
  verbose?: boolean;
  /** Progress lines. Default `console.error`. */
  log?: (line: string) => void;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1"]);

async function waitForNamespace(
  cfg: TemporalConfig,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await checkConnection(cfg, { timeoutMs: 2000 });
    if (r.ok) return;
    if (signal.aborted) throw new DevInterrupted();
    if (Date.now() > deadline) {
      throw new FatalError(`the dev server did not become ready: ${r.message}`, 2);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** Thrown inside {@link runDev} once a signal asked it to stop. */
class DevInterrupted extends Error {
  override name = "DevInterrupted";
}

/**
 * A signal this soon after the first is the same Ctrl-C delivered twice (`deno task` forwards it to
 * dev, and a terminal signals the whole process group), not a second request: 1000 ms.
 */
export const DUPLICATE_SIGNAL_MS = 1000;

/**
 * The signals dev handles: the first stops everything it started; a second one, later than
 * {@link DUPLICATE_SIGNAL_MS} after the first, forces.
 */
interface SignalTrap {
  signal: AbortSignal;
  /** The first signal received, if any. */
  received(): Deno.Signal | undefined;
  remove(): void;
}

function trapSignals(force: (sig: Deno.Signal) => void): SignalTrap {
  const ac = new AbortController();
  let first: Deno.Signal | undefined;
  let firstAt = 0;
  const remove = onStopSignals((sig) => {
    if (first === undefined) {
      first = sig;
      firstAt = performance.now();
      ac.abort();
    } else if (performance.now() - firstAt > DUPLICATE_SIGNAL_MS) force(sig);
  });
  return { signal: ac.signal, received: () => first, remove };
}

/** `a`, `a and b`, `a, b and c`. */
function listing(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Resolves like `p`, or rejects with {@link DevInterrupted} as soon as `signal` aborts. */
function unlessInterrupted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DevInterrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DevInterrupted());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Runs the whole loop once; returns the exit code (0, 2 some venues failed, 1 nothing found,
 * 130 stopped by SIGINT/SIGTERM). A signal in any phase — dev server start, worker start, the
 * workflow wait — stops the wait, the worker and the server dev started, and prints one line; a
 * second signal (not a duplicate delivery of the first, see {@link DUPLICATE_SIGNAL_MS}) kills the
 * server at once and exits.
 */
export async function runDev(options: DevOptions = {}): Promise<number> {
  const log = options.log ?? ((l: string) => console.error(l));
  let killServer: (() => void) | undefined;
  const trap = trapSignals((sig) => {
    killServer?.();
    log(`dev: ${sig} again: forced exit`);
    Deno.exit(130);
  });
  const stopped: string[] = [];
  try {
    const onServerSpawn = (kill: () => void) => (killServer = kill);
    return await runDevPhases(options, { log, interrupt: trap.signal, onServerSpawn, stopped });
  } catch (err) {
    const sig = trap.received();
    if (sig === undefined) throw err;
    log(`dev: ${sig}: stopped${stopped.length ? ` ${listing(stopped)}` : ""}`);
    return 130;
  } finally {
    trap.remove();
  }
}

/** One dev run's plumbing, shared by its phases. */
interface DevRun {
  /** Where dev's own lines go. */
  log: (line: string) => void;
  /** Aborted by the first SIGINT/SIGTERM. */
  interrupt: AbortSignal;
  /** Hands the started server's kill to the second-signal handler. */
  onServerSpawn: (kill: () => void) => void;
  /** What an interrupt stopped, for the one line `runDev` prints. */
  stopped: string[];
}

/**
 * Phase 1: a Temporal server at `cfg.address`. Something listening there is checked and used;
 * nothing on localhost starts `temporal server start-dev` (or the SDK's downloaded one); nothing
 * elsewhere is a {@link FatalError} (exit 2). Returns the server dev started, if any (its
 * namespace may not be ready yet).
 */
async function ensureServer(cfg: TemporalConfig, run: DevRun): Promise<LocalServer | undefined> {
  const { log, interrupt, onServerSpawn, stopped } = run;
  const hp = splitHostPort(cfg.address)!;
  if (await isListening(hp.host, hp.port)) {
    // Something listens: name at once what it is if it is not a Temporal server for us.
    await preflight(cfg);
    log(`dev: using the Temporal server at ${cfg.address}`);
    return undefined;
  }
  if (!LOCAL_HOSTS.has(hp.host)) {
    throw new FatalError(
      `nothing is listening at ${cfg.address}, and dev only starts a server on localhost (check TEMPORAL_ADDRESS, or run check-env)`,
      2,
    );
  }
  const uiPort = hp.port + 1000 <= 65535 ? hp.port + 1000 : undefined;
  const ui = uiPort ? ` (Web UI on http://localhost:${uiPort})` : "";
  log(`dev: nothing at ${cfg.address}; starting \`temporal server start-dev\`${ui}`);
  const where = { ip: hp.host === "localhost" ? "127.0.0.1" : hp.host, port: hp.port, uiPort };
  let server: LocalServer;
  try {
    server = await startDevServer({ ...where, signal: interrupt, onSpawn: onServerSpawn });
  } catch (err) {
    if (err instanceof DevServerInterruptedError) {
      stopped.push("the dev server it started");
      throw new DevInterrupted();
    }
    if (!(err instanceof TemporalCliMissingError)) throw err;
    server = await downloadedServer(where, log);
  }
  onServerSpawn(server.kill);
  return server;
}

/** The SDK's downloaded dev server, when the `temporal` CLI is missing; else exit 2 naming why. */
async function downloadedServer(
  where: Parameters<typeof startDownloadedDevServer>[0],
  log: (line: string) => void,
): Promise<LocalServer> {
  log(
    "dev: `temporal` is not on PATH; downloading the dev server with @temporalio/testing (cached for next time)",
  );
  try {
    return await startDownloadedDevServer(where);
  } catch (dl) {
    // The SDK's message repeats the URL; its last clause is the cause ("dns error: …").
    const why = (dl as Error).message.split("\n")[0].split(": ").slice(-2).join(": ");
    throw new FatalError(
      `the Temporal CLI is not installed and the dev server could not be downloaded (${why}); ${INSTALL_HINT}`,
      2,
    );
  }
}

/**
 * Phase 2: the worker, in this process. Offline, its venue fetches may reach exactly the
 * fixture server. Resolves `ready` once it polls.
 */
function startWorkerPhase(
  cfg: TemporalConfig,
  options: DevOptions,
  fixtures: FixtureServer | undefined,
  signal: AbortSignal,
  say: (line: string) => void,
) {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const worker = runWorker(cfg, {
    signal,
    handleSignals: false,
    // The worker's and the SDK's log lines (failed attempts, core retries) only on --verbose.
    logger: createLog({
      level: options.verbose ? cfg.app.logLevel : "error",
      format: cfg.app.logFormat,
      component: "worker",
    }),
    shutdownGraceMs: 2000,
    shutdownForceMs: 5000,
    // Offline, the venues are our fixture server on loopback: allow exactly its origin.
    ...(fixtures
      ? {
        activities: {
          venueFetch: { ...cfg.app.venueFetch, allowPrivateNetworks: fixtures.allowList },
        },
      }
      : {}),
    onReady: (i) => {
      say(`dev: worker RUNNING on task queue ${i.taskQueue} (ready in ${i.startupMs} ms)`);
      ready();
    },
  });
  return { worker, isReady };
}

/**
 * Phase 3: run the workflow once and print the week; returns the exit code. Stopped while
 * waiting on a server dev did not start (`ownServer` false), the run is cancelled, not left behind.
 */
async function workflowPhase(
  cfg: TemporalConfig,
  input: { venues: VenueEntry[]; date: string },
  options: DevOptions,
  interrupt: AbortSignal,
  ownServer: boolean,
  onStarted: (workflowId: string) => void,
): Promise<number> {
  const connected = await unlessInterrupted(connectClient(cfg), interrupt);
  const client = connected.client;
  let workflowId: string | undefined;
  try {
    const result = await unlessInterrupted(
      runFoodTruckWorkflow(client, cfg, input, {
        onStarted: (id) => {
          workflowId = id;
          onStarted(id);
        },
      }),
      interrupt,
    );
    return printResult(result, { ...options, offlineHint: "`deno task dev --offline`" });
  } catch (err) {
    if (interrupt.aborted && workflowId && !ownServer) {
      await client.workflow.getHandle(workflowId).cancel().catch(() => {});
    }
    throw err;
  } finally {
    // Interrupted: the result's long poll is still pending, and closing its channel under it
    // makes grpc-js throw from a timer ("Channel has been shut down"). The exit closes it.
    if (!interrupt.aborted) await connected.close().catch(() => {});
  }
}

async function runDevPhases(options: DevOptions, run: DevRun): Promise<number> {
  const { log, interrupt, stopped } = run;
  const cfg = requireValid(
    await loadConfig({ envFile: options.envFile, profile: options.profile }),
  );
  let server: LocalServer | undefined;
  let fixtures: FixtureServer | undefined;
  const stopWorker = new AbortController();
  let worker: Promise<void> | undefined;
  let workflowId: string | undefined;
  // On a signal, stop quietly: the one line is printed by runDev.
  const say = (line: string) => {
    if (!interrupt.aborted) log(line);
  };
  try {
    server = await ensureServer(cfg, run);
    if (server) await waitForNamespace(cfg, 30_000, interrupt);
    let venues = await loadVenueList(options.venuesPath);
    let date = options.date ?? pacificToday();
    if (options.offline) {
      fixtures = await startFixtureServer();
      venues = fixtures.venueList(venues);
      date = options.date ?? FIXTURE_DATE;
      log(`dev: offline: venues served from our fixtures at ${fixtures.origin}, as of ${date}`);
    }
    log(`dev: starting a worker on task queue ${cfg.taskQueue}`);
    const started = startWorkerPhase(
      cfg,
      options,
      fixtures,
      AbortSignal.any([stopWorker.signal, interrupt]),
      say,
    );
    worker = started.worker;
    await unlessInterrupted(Promise.race([started.isReady, worker]), interrupt);
    return await workflowPhase(cfg, { venues, date }, options, interrupt, !!server, (id) => {
      workflowId = id;
      say(`dev: workflow ${id} started`);
    });
  } finally {
    stopWorker.abort();
    if (worker) {
      await worker.catch(() => {});
      if (interrupt.aborted) {
        stopped.push(...(workflowId ? ["the workflow wait"] : []), "the worker");
      }
    }
    await fixtures?.close();
    if (server) {
      say("dev: stopping the dev server it started");
      await server.stop();
      if (interrupt.aborted) stopped.push("the dev server it started");
    }
  }
}
