/**
 * The worker's process-wide SDK runtime: installed once ({@link installRuntime}: the SDK's and
 * the native core's logs through the project's logger, optional Prometheus metrics with the
 * project's metrics beside the SDK's), the certificate-expiry gauge, and the run observer's sink.
 *
 * @example
 * ```ts
 * import { installRuntime } from "./runtime.ts";
 * import { createLog } from "../ops/log.ts";
 * const metrics = installRuntime(createLog({ level: "error" })); // no metrics endpoint
 * ```
 * @module
 */
import { X509Certificate } from "node:crypto";
import { Runtime } from "@temporalio/worker";
import type { InjectedSinks } from "@temporalio/worker";
import type { TemporalConfig } from "../config/mod.ts";
import { createAppMetrics } from "../ops/app_metrics.ts";
import type { AppMetrics } from "../ops/app_metrics.ts";
import { metricsTelemetry } from "../ops/metrics.ts";
import { createLog, sdkLogger } from "../ops/log.ts";
import type { Log } from "../ops/log.ts";
import type { RunObserverSinks } from "./run_observer.ts";

/** The SDK Runtime could not be installed as asked (e.g. the metrics port is taken). */
export class RuntimeSetupError extends Error {
  override name = "RuntimeSetupError";
}

let runtimeInstalled: { metricsBind?: string; metrics: AppMetrics } | undefined;

/**
 * Installs the SDK runtime once per process (the SDK's logger routed through `log`, signal
 * handling, optional Prometheus metrics on `metricsBind`, with this project's metrics beside the
 * SDK's). Later calls are no-ops; a later, different `metricsBind` is an error. Returns the
 * project's metrics (no-ops without `metricsBind`).
 */
export function installRuntime(log: Log = createLog(), metricsBind?: string): AppMetrics {
  if (runtimeInstalled) {
    if (metricsBind && metricsBind !== runtimeInstalled.metricsBind) {
      throw new RuntimeSetupError(
        `metrics on ${metricsBind} requested, but the SDK runtime of this process is already installed ${
          runtimeInstalled.metricsBind
            ? `with metrics on ${runtimeInstalled.metricsBind}`
            : "without metrics"
        }`,
      );
    }
    return runtimeInstalled.metrics;
  }
  const telemetryOptions = {
    ...metricsTelemetry(metricsBind),
    // The native core's own log lines go through the same logger (else they would be printed
    // to stderr in the core's format, breaking LOG_FORMAT=json).
    logging: {
      filter: { core: log.enabled("debug") ? "INFO" : "WARN", other: "WARN" },
      forward: {},
    } as const,
  };
  try {
    Runtime.install({ logger: sdkLogger(log.child("sdk")), telemetryOptions });
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new RuntimeSetupError(
      metricsBind ? `TEMPORAL_METRICS_BIND ${metricsBind}: cannot start metrics: ${msg}` : msg,
    );
  }
  const metrics = createAppMetrics(metricsBind ? Runtime.instance().metricMeter : undefined);
  runtimeInstalled = { metricsBind, metrics };
  return metrics;
}

/** Sets the certificate-expiry gauge from the configured client certificate, when there is one. */
export function recordCertificateExpiry(cfg: TemporalConfig, metrics: AppMetrics, log: Log): void {
  const pem = cfg.material.clientCert;
  if (!pem) return;
  try {
    metrics.certificateExpiry(new Date(new X509Certificate(pem).validTo));
  } catch (err) {
    log.warn("client certificate expiry not readable", { error: (err as Error).name });
  }
}

/** The worker end of the run observer's sink: finished runs update the metrics; not during replay. */
export function runObserverSinks(metrics: AppMetrics) {
  return {
    runObserver: {
      finished: {
        fn: (_info, summary) => metrics.runFinished(summary),
        callDuringReplay: false,
      },
    },
  } satisfies InjectedSinks<RunObserverSinks>;
}
