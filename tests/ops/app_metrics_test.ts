/**
 * Units of the project's metrics: fetch outcome classification, the `venue` label bound, and
 * what a finished run records (success needs events and a deploy that did not fail), on a
 * recording meter. The real `/metrics` of a worker is checked in monitoring_test.ts.
 */
import assert from "node:assert/strict";
import { ApplicationFailure } from "@temporalio/common";
import type { MetricMeter, MetricTags } from "@temporalio/common";
import { classifyFetchError, createAppMetrics, venueLabel } from "../../src/ops/app_metrics.ts";
import { summarizeRun } from "../../src/temporal/run_observer.ts";
import { HttpNetworkError, HttpStatusError, ParseError } from "../../src/net/http.ts";

/** A meter that keeps the last value of every `name{tags}` (counters summed). */
function recordingMeter() {
  const values = new Map<string, number>();
  const key = (name: string, tags: MetricTags = {}) =>
    `${name}${JSON.stringify(Object.fromEntries(Object.entries(tags).sort()))}`;
  const meter = {
    createCounter: (name: string) => ({
      add: (v: number, tags?: MetricTags) =>
        values.set(key(name, tags), (values.get(key(name, tags)) ?? 0) + v),
    }),
    createGauge: (name: string) => ({
      set: (v: number, tags?: MetricTags) => values.set(key(name, tags), v),
    }),
  } as unknown as MetricMeter;
  return { meter, get: (name: string, tags?: MetricTags) => values.get(key(name, tags)) };
}

Deno.test("fetch outcomes come from the error class (or the ApplicationFailure type)", () => {
  const url = "http://venue.invalid/";
  assert.equal(classifyFetchError(new HttpStatusError(url, 503, "Unavailable")), "http_error");
  assert.equal(classifyFetchError(new ParseError("no day cells")), "parse_error");
  assert.equal(
    classifyFetchError(new HttpNetworkError(url, "no answer within 10000 ms")),
    "timeout",
  );
  assert.equal(classifyFetchError(new HttpNetworkError(url, "network error: refused")), "other");
  assert.equal(
    classifyFetchError(ApplicationFailure.retryable("HTTP 503", "HttpStatusError")),
    "http_error",
  );
  assert.equal(
    classifyFetchError(ApplicationFailure.nonRetryable("x", "ParseError")),
    "parse_error",
  );
  assert.equal(classifyFetchError(new DOMException("t", "TimeoutError")), "timeout");
  assert.equal(classifyFetchError(new Error("no parser")), "other");
  assert.equal(classifyFetchError("a string"), "other");
});

Deno.test("the venue label is a known venue key or 'other'", () => {
  assert.equal(venueLabel("stoup-ballard"), "stoup-ballard");
  assert.equal(venueLabel('evil"} 1\nfake_metric 2'), "other");
  assert.equal(venueLabel("a".repeat(1000)), "other");
});

Deno.test("a finished run: events per venue; success needs events and no failed deploy", () => {
  const { meter, get } = recordingMeter();
  const m = createAppMetrics(meter, new Date(1_000_000));
  assert.equal(get("atg_worker_start_time_seconds"), 1000);
  const input = { venues: [{ key: "stoup-ballard" }, { key: "urban-family" }, { key: "x-y" }] };
  const events = [{ venueKey: "stoup-ballard" }, { venueKey: "stoup-ballard" }];
  const errors = [{ venueKey: "urban-family" }, { venueKey: "x-y" }];

  m.runFinished(
    summarizeRun(input, { events, errors, deploy: { committed: true } }),
    new Date(5e6),
  );
  assert.equal(get("atg_venue_events", { venue: "stoup-ballard" }), 2);
  assert.equal(get("atg_venue_events", { venue: "urban-family" }), 0);
  assert.equal(get("atg_venue_events", { venue: "other" }), 0);
  assert.equal(get("atg_last_successful_run_timestamp_seconds"), 5000);
  assert.equal(get("atg_last_publish_timestamp_seconds"), 5000);
  assert.equal(get("atg_deploys_total", { outcome: "committed" }), 1);
  assert.equal(get("atg_deploys_total", { outcome: "failed" }), 0);

  const failedDeploy = { events, errors: [], deploy: { committed: false, failed: true } };
  m.runFinished(summarizeRun(input, failedDeploy), new Date(6e6));
  assert.equal(
    get("atg_last_successful_run_timestamp_seconds"),
    5000,
    "a failed deploy is no success",
  );
  assert.equal(get("atg_deploys_total", { outcome: "failed" }), 1);

  m.runFinished(summarizeRun(input, { events: [], errors }), new Date(7e6));
  assert.equal(get("atg_last_successful_run_timestamp_seconds"), 5000, "no events is no success");
  assert.equal(get("atg_venue_events", { venue: "stoup-ballard" }), 0);

  m.runFinished(
    summarizeRun(input, { events, errors, deploy: { committed: false } }),
    new Date(8e6),
  );
  assert.equal(get("atg_last_successful_run_timestamp_seconds"), 8000);
  assert.equal(get("atg_last_publish_timestamp_seconds"), 5000, "unchanged is no new publish");
  assert.equal(get("atg_deploys_total", { outcome: "unchanged" }), 1);
});

Deno.test("summarizeRun tolerates hostile or odd input and results", () => {
  assert.deepEqual(summarizeRun(undefined, undefined), { venues: [], events: 0 });
  assert.deepEqual(summarizeRun({ venues: "nope" }, { events: "x", errors: null }), {
    venues: [],
    events: 0,
  });
});
