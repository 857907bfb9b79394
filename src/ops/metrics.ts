/**
 * Prometheus metrics of the worker, exported by the SDK's native core (`Runtime` telemetry
 * options) on `TEMPORAL_METRICS_BIND=host:port` under `/metrics`, with the `temporal_` prefix
 * (e.g. `temporal_activity_execution_latency`, `temporal_worker_task_slots_available`).
 *
 * @example
 * ```ts
 * import { Runtime } from "@temporalio/worker";
 * import { metricsTelemetry } from "./metrics.ts";
 * Runtime.install({ telemetryOptions: metricsTelemetry("127.0.0.1:9464") });
 * ```
 * @module
 */
import type { TelemetryOptions } from "@temporalio/worker";
import { splitHostPort } from "../config/mod.ts";

/** The metrics endpoint cannot be set up where asked. */
export class MetricsBindError extends Error {
  override name = "MetricsBindError";
}

/**
 * Telemetry options exporting Prometheus metrics on `bind` (`host:port`), prefix `temporal_`.
 * Returns `{}` (metrics off) when `bind` is undefined or empty.
 */
export function metricsTelemetry(bind: string | undefined): TelemetryOptions {
  if (!bind) return {};
  if (!splitHostPort(bind)) {
    throw new MetricsBindError(`TEMPORAL_METRICS_BIND: "${bind}" is not host:port`);
  }
  return {
    metrics: {
      prometheus: { bindAddress: bind },
      metricPrefix: "temporal_",
    },
  };
}

/** `http://host:port/metrics` for a bind address. */
export function metricsUrl(bind: string): string {
  return `http://${bind}/metrics`;
}
