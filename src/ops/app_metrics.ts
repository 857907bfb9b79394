/**
 * This project's own Prometheus metrics, recorded through the SDK's `MetricMeter` so that they
 * are served beside the SDK's `temporal_*` metrics on the worker's `/metrics`
 * (`TEMPORAL_METRICS_BIND`). Activities run in the worker process and update them directly.
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `atg_venue_fetches_total` | counter | `venue`, `outcome` (ok, http_error, parse_error, timeout, other) |
 * | `atg_venue_events` | gauge | `venue` |
 * | `atg_last_successful_run_timestamp_seconds` | gauge | |
 * | `atg_last_publish_timestamp_seconds` | gauge | |
 * | `atg_deploys_total` | counter | `outcome` (committed, unchanged, failed) |
 * | `atg_client_certificate_expiry_timestamp_seconds` | gauge | |
 * | `atg_api_key_reloads_total` | counter | |
 * | `atg_worker_start_time_seconds` | gauge | |
 *
 * `venue` is one of the known venue keys or `other`: no label takes an unbounded value.
 *
 * @example
 * ```ts
 * import { Runtime } from "@temporalio/worker";
 * import { createAppMetrics } from "./app_metrics.ts";
 * const metrics = createAppMetrics(Runtime.instance().metricMeter);
 * metrics.venueFetch("stoup-ballard", "ok");
 * ```
 * @module
 */
import type { MetricMeter } from "@temporalio/common";
import { noopMetricMeter } from "@temporalio/common";
import { VENUE_KEYS } from "../venues/keys.ts";
import type { RunSummary } from "../temporal/run_observer.ts";

/** Outcomes of one venue fetch attempt. */
export const FETCH_OUTCOMES = ["ok", "http_error", "parse_error", "timeout", "other"] as const;
/** An outcome of one venue fetch attempt. */
export type FetchOutcome = typeof FETCH_OUTCOMES[number];
/** Outcomes of a run's deploy step. */
export const DEPLOY_OUTCOMES = ["committed", "unchanged", "failed"] as const;
/** An outcome of a run's deploy step. */
export type DeployOutcomeLabel = typeof DEPLOY_OUTCOMES[number];

/**
 * The outcome of a failed fetch from its error class (the name of the error or, for an
 * `ApplicationFailure`, its `type`): `HttpStatusError` → http_error, `ParseError` → parse_error,
 * a timeout (`*Timeout*` class or "no answer within") → timeout, anything else → other.
 */
export function classifyFetchError(err: unknown): FetchOutcome {
  if (!(err instanceof Error)) return "other";
  const type = (err as { type?: unknown }).type;
  const name = typeof type === "string" && type ? type : err.name;
  if (/timeout/i.test(name) || /no answer within|timed out/i.test(err.message)) return "timeout";
  if (name === "HttpStatusError") return "http_error";
  if (name === "ParseError") return "parse_error";
  return "other";
}

/** The `venue` label for a venue key: the key when it is a known venue, else `other`. */
export function venueLabel(key: string): string {
  return VENUE_KEYS.includes(key) ? key : "other";
}

/** The project's metrics. */
export interface AppMetrics {
  /** Counts one fetch attempt of `venue` with its outcome. */
  venueFetch(venue: string, outcome: FetchOutcome): void;
  /** Records a finished run: events per venue, last successful run, deploy outcome. */
  runFinished(summary: RunSummary, at?: Date): void;
  /** Records the client certificate's expiry (`notAfter`). */
  certificateExpiry(notAfter: Date): void;
  /** Counts one reload of the API key from `TEMPORAL_API_KEY_FILE`. */
  apiKeyReloaded(): void;
  /** Initialises the reload counter at 0 (when the key comes from a file). */
  apiKeyFileWatched(): void;
}

const seconds = (d: Date) => d.getTime() / 1000;

/** The instruments behind {@link AppMetrics}, created on `meter` (names and help texts). */
function createInstruments(meter: MetricMeter) {
  const counter = (name: string, help: string) => meter.createCounter(name, "", help);
  const gauge = (name: string, type: "int" | "float", help: string) =>
    meter.createGauge(name, type, "", help);
  return {
    fetches: counter(
      "atg_venue_fetches_total",
      "Venue fetch attempts by venue and outcome (ok, http_error, parse_error, timeout, other).",
    ),
    events: gauge(
      "atg_venue_events",
      "int",
      "Events read from each venue in the last finished run (0 when the venue failed).",
    ),
    lastSuccess: gauge(
      "atg_last_successful_run_timestamp_seconds",
      "float",
      "Unix time of the last run that found events and whose deploy (when asked) did not fail.",
    ),
    lastPublish: gauge(
      "atg_last_publish_timestamp_seconds",
      "float",
      "Unix time of the last run whose deploy committed a new version of the page.",
    ),
    deploys: counter(
      "atg_deploys_total",
      "Runs with a deploy step, by outcome (committed, unchanged, failed).",
    ),
    certExpiry: gauge(
      "atg_client_certificate_expiry_timestamp_seconds",
      "float",
      "Unix time at which the configured Temporal client certificate expires (notAfter).",
    ),
    reloads: counter(
      "atg_api_key_reloads_total",
      "API keys applied from TEMPORAL_API_KEY_FILE after it changed.",
    ),
    startTime: gauge(
      "atg_worker_start_time_seconds",
      "float",
      "Unix time at which this worker process started.",
    ),
  };
}

/**
 * Creates the metrics on `meter` (default: the no-op meter, for processes without `/metrics`)
 * and sets `atg_worker_start_time_seconds` to `startedAt` (default now).
 */
export function createAppMetrics(
  meter: MetricMeter = noopMetricMeter,
  startedAt: Date = new Date(),
): AppMetrics {
  const { fetches, events, lastSuccess, lastPublish, deploys, certExpiry, reloads, startTime } =
    createInstruments(meter);
  startTime.set(seconds(startedAt));
  const seenVenues = new Set<string>();
  const seeVenue = (venue: string) => {
    if (seenVenues.has(venue)) return;
    seenVenues.add(venue);
    // Every outcome series exists from the first attempt on, so increase() sees the first failure.
    for (const outcome of FETCH_OUTCOMES) fetches.add(0, { venue, outcome });
  };
  let deploysSeen = false;
  return {
    venueFetch(venue, outcome) {
      const label = venueLabel(venue);
      seeVenue(label);
      fetches.add(1, { venue: label, outcome });
    },
    runFinished(summary, at = new Date()) {
      const perLabel = new Map<string, number>();
      for (const v of summary.venues) {
        const label = venueLabel(v.key);
        perLabel.set(label, (perLabel.get(label) ?? 0) + v.events);
      }
      for (const [venue, n] of perLabel) events.set(n, { venue });
      if (summary.deploy) {
        if (!deploysSeen) {
          deploysSeen = true;
          for (const outcome of DEPLOY_OUTCOMES) deploys.add(0, { outcome });
        }
        deploys.add(1, { outcome: summary.deploy });
        if (summary.deploy === "committed") lastPublish.set(seconds(at));
      }
      if (summary.events > 0 && summary.deploy !== "failed") lastSuccess.set(seconds(at));
    },
    certificateExpiry(notAfter) {
      certExpiry.set(seconds(notAfter));
    },
    apiKeyReloaded() {
      reloads.add(1);
    },
    apiKeyFileWatched() {
      reloads.add(0);
    },
  };
}
