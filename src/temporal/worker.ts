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
 *   process (the SDK Runtime only listens for the first one);
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
import type { State } from "@temporalio/worker";
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
import { installRuntime, recordCertificateExpiry, runObserverSinks } from "./runtime.ts";

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

/** Runs a worker until SIGINT/SIGTERM (or `signal`), then drains and returns. */
export async function runWorker(
  cfg: TemporalConfig,
  options: RunWorkerOptions = {},
): Promise<void> {
  const started = performance.now();
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
  const log = (line: string) => logger.info(line);
  const metricsBind = options.metricsBind ?? cfg.metricsBind;
  const healthBind = options.healthBind ?? cfg.healthBind;
  const grace = options.shutdownGraceMs ?? 10_000;
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
    log(`removed stale deploy temp dir ${dir}`);
  }
  let worker: Worker | undefined;
  let health: HealthServer | undefined;
  if (healthBind) {
    health = await startHealthServer(
      healthBind,
      () => (worker?.getState() ?? "STARTING") as HealthState,
      () => ({
        taskQueue: cfg.taskQueue,
        ...(worker ? { identity: worker.options.identity, buildId: worker.options.buildId } : {}),
      }),
    );
  }
  let watch: ReturnType<typeof setInterval> | undefined;
  const stopSignals = options.handleSignals === false
    ? () => {}
    : absorbRepeatedSignals(() => worker, grace, log);
  // A changed client certificate/key file recycles the worker: drain, reconnect, start again
  // (the SDK cannot swap a connection's TLS identity; see src/config/cert_watch.ts).
  let rotated: TemporalConfig | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  options.signal?.addEventListener("abort", stop, { once: true });
  const stopOn: Deno.Signal[] = options.handleSignals === false
    ? []
    : Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM"];
  for (const sig of stopOn) Deno.addSignalListener(sig, stop);
  try {
    for (let first = true;; first = false) {
      if (rotated) [cfg, rotated] = [rotated, undefined];
      const current = cfg;
      let onAbort: (() => void) | undefined;
      const { connection, close } = await connectWorker(cfg, {
        onRotate: (n) => {
          metrics.apiKeyReloaded();
          log(`API key rotated from TEMPORAL_API_KEY_FILE (set, ${n} chars)`);
        },
        onError: (m) => logger.warn(m),
      });
      const stopCertWatch = watchClientCert(cfg, {
        onChange: (material, about) => {
          if (stopped || rotated || worker?.getState() !== "RUNNING") return;
          rotated = { ...current, material: { ...current.material, ...material } };
          log(`client certificate changed (${about}): recycling the worker`);
          worker.shutdown();
        },
        onError: (m) => logger.warn(m),
      });
      try {
        worker = await Worker.create({
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
        });
        const w = worker;
        // Stopped while connecting or creating: never run (the connection is closed below).
        if (options.signal?.aborted) return;
        onAbort = () => {
          // A programmatic stop (deno task dev) is not an operational event: no state lines.
          if (watch !== undefined) clearInterval(watch);
          shutdownWhenRunning(w);
        };
        options.signal?.addEventListener("abort", onAbort, { once: true });
        const info: WorkerInfo = {
          identity: w.options.identity,
          taskQueue: cfg.taskQueue,
          namespace: cfg.namespace,
          address: cfg.address,
          bundle: options.workflowBundleCode ? "prebuilt" : "bundled at start",
          buildId: w.options.buildId ?? "",
          startupMs: Math.round(performance.now() - started),
          ...(metricsBind ? { metricsUrl: metricsUrl(metricsBind) } : {}),
          ...(health ? { healthUrl: health.url } : {}),
        };
        const running = w.run();
        await waitRunning(w);
        if (w.getState() === "RUNNING") {
          if (first) {
            info.startupMs = Math.round(performance.now() - started);
            options.onReady?.(info);
          } else log("RUNNING again with the new client certificate");
          if (watch !== undefined) clearInterval(watch);
          watch = watchState(w, grace, log);
        }
        await running;
      } finally {
        // This worker is done: a later abort concerns the next one.
        if (onAbort) options.signal?.removeEventListener("abort", onAbort);
        stopCertWatch();
        await close();
      }
      if (!rotated || stopped) break;
    }
  } finally {
    for (const sig of stopOn) Deno.removeSignalListener(sig, stop);
    if (watch !== undefined) clearInterval(watch);
    stopSignals();
    await health?.close();
  }
}

const inFlight = (n: number) => `${n} activit${n === 1 ? "y" : "ies"} in flight`;

/**
 * The SDK Runtime handles the first SIGINT/SIGTERM (starts the drain) and then stops listening,
 * so a second signal (systemd and `deno task` may both deliver one) would kill the process and
 * abandon the activities in flight. While a worker runs, this keeps a listener: the first signal
 * is logged, later ones are logged and ignored (SIGKILL still stops at once). Returns the remover.
 */
function absorbRepeatedSignals(
  worker: () => Worker | undefined,
  graceMs: number,
  log: (line: string) => void,
): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  let count = 0;
  const handlers = signals.map((sig) => {
    const handler = () => {
      count++;
      const n = worker()?.getStatus().numInFlightActivities ?? 0;
      log(
        count === 1
          ? `${sig} received: draining (${inFlight(n)}, grace ${graceMs} ms)`
          : `${sig} again: still draining (${inFlight(n)}); SIGKILL stops at once`,
      );
    };
    Deno.addSignalListener(sig, handler);
    return [sig, handler] as const;
  });
  return () => {
    for (const [sig, handler] of handlers) Deno.removeSignalListener(sig, handler);
  };
}

/**
 * `worker.shutdown()` throws unless the worker is RUNNING: a stop asked for before `run()` got
 * going waits for it; one asked for while already stopping is a no-op.
 */
function shutdownWhenRunning(worker: Worker): void {
  const state = worker.getState();
  if (state === "INITIALIZED") setTimeout(() => shutdownWhenRunning(worker), 10);
  else if (state === "RUNNING") worker.shutdown();
}

/** Resolves once the worker is RUNNING, or has already left for a stopping state. */
async function waitRunning(worker: Worker): Promise<void> {
  while (worker.getState() === "INITIALIZED") await new Promise((r) => setTimeout(r, 5));
}

/** Logs each state change after RUNNING, with the activities still in flight. */
function watchState(
  worker: Worker,
  graceMs: number,
  log: (line: string) => void,
): ReturnType<typeof setInterval> {
  let last: State = worker.getState();
  return setInterval(() => {
    const now = worker.getState();
    if (now === last) return;
    last = now;
    const n = worker.getStatus().numInFlightActivities;
    const detail = now === "STOPPING" || now === "DRAINING"
      ? ` (shutdown requested; ${inFlight(n)}, grace ${graceMs} ms)`
      : n
      ? ` (${inFlight(n)})`
      : "";
    log(`${now}${detail}`);
  }, 50);
}
