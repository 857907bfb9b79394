/**
 * The worker: connects through the config module, registers `FoodTruckWorkflow` and the
 * activities on the configured task queue, and drains on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * import { runWorker } from "./worker.ts";
 * await runWorker(cfg, { onReady: (info) => console.log("RUNNING", info.identity) });
 * ```
 * @module
 */
import { DefaultLogger, Runtime, Worker } from "@temporalio/worker";
import type { LogLevel } from "@temporalio/worker";
import type { TemporalConfig } from "../config/mod.ts";
import { connectWorker } from "../config/connect_worker.ts";
import { createActivities } from "./activities.ts";
import type { ActivityOptions } from "./activities.ts";

/** Path of the workflow source the worker bundles at start when no prebuilt bundle is given. */
export const WORKFLOWS_PATH: string = new URL("./workflows.ts", import.meta.url).pathname;

/** Facts about a worker that is polling. */
export interface WorkerInfo {
  identity: string;
  taskQueue: string;
  namespace: string;
  address: string;
  bundle: "prebuilt" | "bundled at start";
  startupMs: number;
}

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** How long in-flight activities may run after a shutdown signal. Default 10000 ms. */
  shutdownGraceMs?: number;
  /** Prebuilt workflow bundle code (from `bundleWorkflowCode`). Default: bundle at start. */
  workflowBundleCode?: string;
  /** SDK log level. Default `WARN`. */
  logLevel?: LogLevel;
  /** Activity dependencies. */
  activities?: ActivityOptions;
  /** Called once the worker polls its task queue. */
  onReady?: (info: WorkerInfo) => void;
  /** Where human log lines go. Default `console.error`. */
  log?: (line: string) => void;
  /** Abort to stop the worker (in addition to SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

let runtimeInstalled = false;

/** Installs the SDK runtime once per process (logger, signal handling). */
export function installRuntime(level: LogLevel = "WARN"): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger(level) });
  runtimeInstalled = true;
}

/** Runs a worker until SIGINT/SIGTERM (or `signal`), then drains and returns. */
export async function runWorker(
  cfg: TemporalConfig,
  options: RunWorkerOptions = {},
): Promise<void> {
  const started = performance.now();
  const log = options.log ?? ((l: string) => console.error(l));
  installRuntime(options.logLevel);
  const { connection, close } = await connectWorker(cfg, {
    onRotate: (n) => log(`worker: API key rotated from TEMPORAL_API_KEY_FILE (set, ${n} chars)`),
    onError: (m) => log(`worker: ${m}`),
  });
  try {
    const worker = await Worker.create({
      connection,
      namespace: cfg.namespace,
      taskQueue: cfg.taskQueue,
      ...(options.workflowBundleCode
        ? { workflowBundle: { code: options.workflowBundleCode } }
        : { workflowsPath: WORKFLOWS_PATH }),
      activities: createActivities({ gitToken: cfg.app.gitToken, ...options.activities }),
      shutdownGraceTime: options.shutdownGraceMs ?? 10_000,
    });
    options.signal?.addEventListener("abort", () => worker.shutdown(), { once: true });
    const info: WorkerInfo = {
      identity: worker.options.identity,
      taskQueue: cfg.taskQueue,
      namespace: cfg.namespace,
      address: cfg.address,
      bundle: options.workflowBundleCode ? "prebuilt" : "bundled at start",
      startupMs: Math.round(performance.now() - started),
    };
    const running = worker.run();
    await waitRunning(worker);
    if (worker.getState() === "RUNNING") options.onReady?.(info);
    await running;
  } finally {
    await close();
  }
}

/** Resolves once the worker is RUNNING, or has already left for a stopping state. */
async function waitRunning(worker: Worker): Promise<void> {
  while (worker.getState() === "INITIALIZED") await new Promise((r) => setTimeout(r, 5));
}
