/**
 * Units of the operations endpoints: `/healthz` status by worker state, bind errors, the
 * Prometheus telemetry options, and the two bind variables in the config module.
 */
import assert from "node:assert/strict";
import { HealthBindError, startHealthServer } from "../../src/ops/health.ts";
import type { HealthState } from "../../src/ops/health.ts";
import { MetricsBindError, metricsTelemetry } from "../../src/ops/metrics.ts";
import { describeConfig, loadConfig } from "../../src/config/mod.ts";
import { ENV_NAMES } from "../../src/config/sources.ts";

Deno.test("/healthz is 200 only while RUNNING; 503 otherwise; 404 elsewhere", async () => {
  let state: HealthState = "STARTING";
  await using health = await startHealthServer("127.0.0.1:0", () => state, () => ({
    taskQueue: "q",
  }));
  assert.match(health.url, /^http:\/\/127\.0\.0\.1:\d+\/healthz$/);
  const expected: [HealthState, number][] = [
    ["STARTING", 503],
    ["INITIALIZED", 503],
    ["RUNNING", 200],
    ["STOPPING", 503],
    ["DRAINING", 503],
    ["STOPPED", 503],
    ["FAILED", 503],
  ];
  for (const [s, status] of expected) {
    state = s;
    const r = await fetch(health.url);
    assert.equal(r.status, status, s);
    assert.deepEqual(await r.json(), { state: s, taskQueue: "q" });
  }
  const head = await fetch(health.url, { method: "HEAD" });
  assert.equal(head.status, 503);
  await head.body?.cancel();
  const other = await fetch(health.url.replace("/healthz", "/"));
  assert.equal(other.status, 404);
  await other.body?.cancel();
});

Deno.test("health and metrics binds: bad address and port in use are one-line errors", async () => {
  await assert.rejects(
    startHealthServer("nonsense", () => "RUNNING"),
    (e: Error) =>
      e instanceof HealthBindError &&
      e.message === 'TEMPORAL_HEALTH_BIND: "nonsense" is not host:port',
  );
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      startHealthServer(`127.0.0.1:${busy.addr.port}`, () => "RUNNING"),
      (e: Error) =>
        e instanceof HealthBindError && /cannot listen: address already in use$/.test(e.message),
    );
  } finally {
    busy.close();
  }
  assert.deepEqual(metricsTelemetry(undefined), {});
  assert.deepEqual(metricsTelemetry("127.0.0.1:9464"), {
    metrics: { prometheus: { bindAddress: "127.0.0.1:9464" }, metricPrefix: "temporal_" },
  });
  assert.throws(() => metricsTelemetry("9464"), MetricsBindError);
});

Deno.test("config: TEMPORAL_METRICS_BIND / TEMPORAL_HEALTH_BIND are read, validated, described", async () => {
  assert.ok(ENV_NAMES.includes("TEMPORAL_METRICS_BIND"));
  assert.ok(ENV_NAMES.includes("TEMPORAL_HEALTH_BIND"));
  const off = await loadConfig({ env: {}, noEnvFile: true });
  assert.equal(off.metricsBind, undefined);
  assert.equal(off.healthBind, undefined);
  const on = await loadConfig({
    env: { TEMPORAL_METRICS_BIND: "127.0.0.1:9464", TEMPORAL_HEALTH_BIND: "[::1]:9465" },
    noEnvFile: true,
  });
  assert.deepEqual(on.errors, []);
  assert.equal(on.metricsBind, "127.0.0.1:9464");
  assert.equal(on.healthBind, "[::1]:9465");
  const text = describeConfig(on).join("\n");
  assert.match(text, /metrics\s+http:\/\/127\.0\.0\.1:9464\/metrics/);
  assert.match(text, /health\s+http:\/\/\[::1\]:9465\/healthz/);
  const bad = await loadConfig({
    env: { TEMPORAL_METRICS_BIND: "9464", TEMPORAL_HEALTH_BIND: "localhost:99999" },
    noEnvFile: true,
  });
  assert.deepEqual(bad.errors.map((e) => e.variable), [
    "TEMPORAL_METRICS_BIND",
    "TEMPORAL_HEALTH_BIND",
  ]);
  assert.match(bad.errors[0].message, /"9464" is not host:port/);
});
