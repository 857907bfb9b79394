/**
 * The worker: connects through the config module, registers `FoodTruckWorkflow` and the
 * activities on the configured task queue, and drains on SIGINT/SIGTERM.
 *
 * Operations, all optional and configured through the config module:
 * - Prometheus metrics from the SDK's native core on `TEMPORAL_METRICS_BIND` (`/metrics`);
 * - a readiness endpoint on `TEMPORAL_HEALTH_BIND` (`/healthz`: 200 only while RUNNING);
 * - one log line per state change after RUNNING (STOPPING, DRAINING, ...) with the number of
 *   activities still in flight, so a drain is visible in the journal;
 * - a repeated SIGINT/SIGTERM during the drain is logged and ignored instead of killing the
 *   process (the SDK Runtime only listens for the first one; the stop and signal helpers are in
 *   `worker_signals.ts`);
 * - one logger (`LOG_LEVEL`, `LOG_FORMAT`, see `ops/log.ts`) for the worker's lines, the SDK's and
 *   the native core's, with one line per failed activity attempt (`ops/activity_observer.ts`);
 * - the project's metrics beside the SDK's on `/metrics` (`ops/app_metrics.ts`): venue fetch
 *   outcomes from the activity interceptor, per-run facts from the `run_observer.ts` workflow
 *   interceptor through a sink, certificate expiry and API key reloads from the configuration.
 *
 * @example
 * ```ts
 * import { runWorker } from "./worker.ts";
 * declare const cfg: import("../config/mod.ts").TemporalConfig;
 * await runWorker(cfg, { onReady: (info) => console.log("RUNNING", info.identity, info.buildId) });
 * ```
 * @module
 */
import { Worker } from "@temporalio/worker";
import type { NativeConnection, WorkerOptions } from "@temporalio/worker";
import type { TemporalConfig } from "../config/mod.ts";
import { readGitToken } from "../config/git.ts";
import { connectWorker } from "../config/connect_worker.ts";
import { watchClientCert } from "../config/cert_watch.ts";
import { createActivities } from "./activities.ts";
import { removeStaleTempDirs } from "../publish/deploy_temp.ts";
import { aiSettingsFromApp } from "../ai/settings.ts";
import type { Activities, ActivityOptions } from "./activities.ts";
import { metricsUrl } from "../ops/metrics.ts";
import { startHealthServer } from "../ops/health.ts";
import { createLog } from "../ops/log.ts";
import type { Log } from "../ops/log.ts";
import { activityObserver } from "../ops/activity_observer.ts";
import type { HealthServer, HealthState } from "../ops/health.ts";
import type { AppMetrics } from "../ops/app_metrics.ts";
import { installRuntime, recordCertificateExpiry, runObserverSinks } from "./runtime.ts";
import { shutdownWhenRunning, waitRunning, WorkerRunState } from "./worker_signals.ts";

export { installRuntime, runObserverSinks, RuntimeSetupError } from "./runtime.ts";

/** Path of the workflow source the worker bundles at start when no prebuilt bundle is given. */
export const WORKFLOWS_PATH: string = new URL("./workflows.ts", import.meta.url).pathname;

/** The workflow interceptor module that reports finished runs to the worker (metrics). */
export const RUN_OBSERVER_PATH: string = new URL("./run_observer.ts", import.meta.url).pathname;

/** Facts about a worker that is polling. */
export interface WorkerInfo {
  identity: string;
  taskQueue: string;
  namespace: string;
  address: string;
  bundle: "prebuilt" | "bundled at start";
  /** The SDK's build id: `@temporalio/worker@<version>+<sha256 of the workflow bundle code>`. */
  buildId: string;
  startupMs: number;
  /** `http://host:port/metrics` when metrics are on. */
  metricsUrl?: string;
  /** `http://host:port/healthz` when the health endpoint is on. */
  healthUrl?: string;
}

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** How long in-flight activities may run after a shutdown signal. Default 10000 ms. */
  shutdownGraceMs?: number;
  /**
   * After the grace period activities are cancelled; if the worker has still not stopped this
   * long after the signal, `runWorker` rejects instead of hanging. Default grace + 5000 ms.
   */
  shutdownForceMs?: number;
  /** Prebuilt workflow bundle code (from `bundleWorkflowCode`). Default: bundle at start. */
  workflowBundleCode?: string;
  /** Activity dependencies, over those from `cfg.app`. Default: all from `cfg.app`. */
  activities?: ActivityOptions;
  /**
   * Replaces activity implementations by name (drills that prove a check can fail, e.g. a
   * deliberately non-idempotent deploy). Default: none.
   */
  activityOverrides?: Partial<Activities>;
  /** Called once the worker polls its task queue. Default: none. */
  onReady?: (info: WorkerInfo) => void;
  /**
   * The logger for the worker's lines and the SDK's. Default: a logger with `LOG_LEVEL` /
   * `LOG_FORMAT` from `cfg.app`, writing to `log` when given, else to stderr.
   */
  logger?: Log;
  /** Where finished log lines go when no `logger` is given. Default `console.error`. */
  log?: (line: string) => void;
  /**
   * Abort to stop the worker (in addition to SIGINT/SIGTERM), in any phase of its start.
   * Default: only the signals stop it.
   */
  signal?: AbortSignal;
  /**
   * Log and absorb SIGINT/SIGTERM while running (see `absorbRepeatedSignals`). Default true;
   * `deno task dev` handles the signals itself and passes false.
   */
  handleSignals?: boolean;
  /**
   * `host:port` for Prometheus metrics. Default `cfg.metricsBind` (`TEMPORAL_METRICS_BIND`), off
   * when unset. Only the first worker of a process can set it (the SDK Runtime is installed once).
   */
  metricsBind?: string;
  /** `host:port` for `/healthz`. Default `cfg.healthBind` (`TEMPORAL_HEALTH_BIND`), off when unset. */
  healthBind?: string;
}

/** What the worker generations of one {@link runWorker} call share. */
interface Run {
  options: RunWorkerOptions;
  logger: Log;
  log: (line: string) => void;
  metrics: AppMetrics;
  grace: number;
  started: number;
  metricsBind?: string;
  health?: HealthServer;
  state: WorkerRunState;
}

/**
 * Runs a worker until SIGINT/SIGTERM (or `signal`), then drains and returns. A changed client
 * certificate/key file recycles the worker: drain, reconnect, start again (the SDK cannot swap a
 * connection's TLS identity; see src/config/cert_watch.ts), each time as a new generation.
 */
export async function runWorker(
  cfg: TemporalConfig,
  options: RunWorkerOptions = {},
): Promise<void> {
  const started = performance.now();
  const logger = await workerLogger(cfg, options);
  const log = (line: string) => logger.info(line);
  const metricsBind = options.metricsBind ?? cfg.metricsBind;
  const grace = options.shutdownGraceMs ?? 10_000;
  const metrics = await startOps(cfg, options, logger, metricsBind);
  const state = new WorkerRunState();
  const health = await startHealth(options.healthBind ?? cfg.healthBind, cfg, state);
  state.listen(options, grace, log);
  const run: Run = { options, logger, log, metrics, grace, started, metricsBind, health, state };
  try {
    for (let first = true;; first = false) {
      if (!await runGeneration(run, cfg, first)) return;
      if (!state.rotated || state.stopped) break;
      [cfg, state.rotated] = [state.rotated, undefined];
    }
  } finally {
    state.close();
    await health?.close();
  }
}

/** `options.logger`, else one from `cfg.app`; either way with the configured secrets redacted. */
async function workerLogger(cfg: TemporalConfig, options: RunWorkerOptions): Promise<Log> {
  const logger = options.logger ?? createLog({
    level: cfg.app.logLevel,
    format: cfg.app.logFormat,
    component: "worker",
    ...(options.log ? { write: options.log } : {}),
  });
  for (const secret of [cfg.app.deploy?.token, cfg.app.anthropicApiKey, cfg.material.apiKey]) {
    logger.addSecret(secret);
  }
  // GIT_TOKEN_FILE is re-read for every deploy; its value at start is redacted too.
  if (cfg.app.deploy?.tokenFile) {
    logger.addSecret(await readGitToken(cfg.app.deploy).catch(() => ""));
  }
  return logger;
}

/**
 * Installs the SDK Runtime (metrics on `metricsBind` when set), records the certificate expiry
 * and removes stale deploy temp dirs. Returns the project's metrics.
 */
async function startOps(
  cfg: TemporalConfig,
  options: RunWorkerOptions,
  logger: Log,
  metricsBind: string | undefined,
): Promise<AppMetrics> {
  const metrics = installRuntime(logger, metricsBind);
  recordCertificateExpiry(cfg, metrics, logger);
  if (options.workflowBundleCode && !options.workflowBundleCode.includes("runObserver")) {
    logger.warn(
      "the prebuilt workflow bundle has no run observer: run metrics stay empty (run deno task build)",
    );
  }
  if (cfg.apiKeyFile) metrics.apiKeyFileWatched();
  // Clones and git HOMEs left by a deploy that died with its process (kill -9).
  for (const dir of await removeStaleTempDirs()) {
    logger.info(`removed stale deploy temp dir ${dir}`);
  }
  return metrics;
}

/** Starts `/healthz` on `bind` (none when unset), reporting the current worker of `state`. */
function startHealth(
  bind: string | undefined,
  cfg: TemporalConfig,
  state: WorkerRunState,
): Promise<HealthServer | undefined> {
  if (!bind) return Promise.resolve(undefined);
  return startHealthServer(
    bind,
    () => (state.worker?.getState() ?? "STARTING") as HealthState,
    () => ({
      taskQueue: cfg.taskQueue,
      ...(state.worker
        ? { identity: state.worker.options.identity, buildId: state.worker.options.buildId }
        : {}),
    }),
  );
}

/**
 * One worker generation: connects, watches the client certificate (a change sets
 * `state.rotated` and shuts this worker down), creates and runs the worker until it stops, then
 * closes the connection. Returns false when `options.signal` stopped it before it could run.
 */
async function runGeneration(run: Run, cfg: TemporalConfig, first: boolean): Promise<boolean> {
  const { logger, metrics, options, state } = run;
  const { connection, close } = await connectWorker(cfg, {
    onRotate: (n) => {
      metrics.apiKeyReloaded();
      run.log(`API key rotated from TEMPORAL_API_KEY_FILE (set, ${n} chars)`);
    },
    onError: (m) => logger.warn(m),
  });
  const stopCertWatch = watchClientCert(cfg, {
    onChange: (material, about) => {
      const worker = state.worker;
      if (state.stopped || state.rotated || worker?.getState() !== "RUNNING") return;
      state.rotated = { ...cfg, material: { ...cfg.material, ...material } };
      run.log(`client certificate changed (${about}): recycling the worker`);
      worker.shutdown();
    },
    onError: (m) => logger.warn(m),
  });
  let onAbort: (() => void) | undefined;
  try {
    const w = await Worker.create(workerOptions(run, cfg, connection));
    state.worker = w;
    // Stopped while connecting or creating: never run (the connection is closed below).
    if (options.signal?.aborted) return false;
    onAbort = () => {
      // A programmatic stop (deno task dev) is not an operational event: no state lines.
      state.unwatch();
      shutdownWhenRunning(w);
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    await runUntilStopped(run, cfg, w, first);
  } finally {
    // This worker is done: a later abort concerns the next one.
    if (onAbort) options.signal?.removeEventListener("abort", onAbort);
    stopCertWatch();
    await close();
  }
  return true;
}

/** The `Worker.create` options of one generation, on `connection`. */
function workerOptions(
  run: Run,
  cfg: TemporalConfig,
  connection: NativeConnection,
): WorkerOptions {
  const { options, logger, metrics, grace } = run;
  return {
    connection,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    ...(options.workflowBundleCode
      ? { workflowBundle: { code: options.workflowBundleCode } }
      : { workflowsPath: WORKFLOWS_PATH }),
    interceptors: {
      activity: [activityObserver(logger, metrics)],
      // A prebuilt bundle has the run observer inside (see bundle.ts).
      ...(options.workflowBundleCode ? {} : { workflowModules: [RUN_OBSERVER_PATH] }),
    },
    sinks: runObserverSinks(metrics),
    activities: {
      ...createActivities({
        deploy: cfg.app.deploy,
        ai: aiSettingsFromApp(cfg.app),
        venueFetch: cfg.app.venueFetch,
        pageCheckedRefreshHours: cfg.app.pageCheckedRefreshHours,
        ...options.activities,
      }),
      ...options.activityOverrides,
    },
    shutdownGraceTime: grace,
    shutdownForceTime: options.shutdownForceMs ?? grace + 5_000,
  };
}

/**
 * Runs a created worker until it stops. Once RUNNING: `onReady` for the first generation, a
 * "RUNNING again" line for a later one, then a line per state change.
 */
async function runUntilStopped(
  run: Run,
  cfg: TemporalConfig,
  w: Worker,
  first: boolean,
): Promise<void> {
  const info = workerInfo(run, cfg, w);
  const running = w.run();
  await waitRunning(w);
  if (w.getState() === "RUNNING") {
    if (first) {
      info.startupMs = Math.round(performance.now() - run.started);
      run.options.onReady?.(info);
    } else run.log("RUNNING again with the new client certificate");
    run.state.watch(w, run.grace, run.log);
  }
  await running;
}

/** The facts `onReady` reports about `w`. */
function workerInfo(run: Run, cfg: TemporalConfig, w: Worker): WorkerInfo {
  const { options, metricsBind, health } = run;
  return {
    identity: w.options.identity,
    taskQueue: cfg.taskQueue,
    namespace: cfg.namespace,
    address: cfg.address,
    bundle: options.workflowBundleCode ? "prebuilt" : "bundled at start",
    buildId: w.options.buildId ?? "",
    startupMs: Math.round(performance.now() - run.started),
    ...(metricsBind ? { metricsUrl: metricsUrl(metricsBind) } : {}),
    ...(health ? { healthUrl: health.url } : {}),
  };
}
