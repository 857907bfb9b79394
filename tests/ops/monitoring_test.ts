/**
 * Monitoring of a real worker (`deno task worker` with a prebuilt bundle, dev server) after a run
 * with healthy and failing venues and a deploy to a bare git repository:
 * - `/metrics` carries the project's series beside the SDK's, with the right values;
 * - `LOG_FORMAT=json` output is one JSON object per line, one `venue fetch failed` line per failed
 *   attempt (venue, error class, attempt, workflowId, runId), and no secret, `taskToken` or stack.
 * Behind the nginx TLS gateway (tests/harness): the client certificate's expiry, the API key file
 * reload count, and the SDK's workflow task failure counter that the alert rules use.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import type { WorkflowHandle } from "@temporalio/client";
import { Worker } from "@temporalio/worker";
import { RUN_OBSERVER_PATH, runObserverSinks, WORKFLOWS_PATH } from "../../src/temporal/worker.ts";
import { createAppMetrics } from "../../src/ops/app_metrics.ts";
import type { AppMetrics } from "../../src/ops/app_metrics.ts";
import type { RunSummary } from "../../src/temporal/run_observer.ts";
import { buildBundle } from "../../src/temporal/bundle.ts";
import { startDevServer } from "../harness/dev_server.ts";
import { freePort } from "../harness/ports.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import type { FoodTruckWorkflowResult, VenueEntry } from "../../src/core/model.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";
import { makeTestCerts } from "../harness/certs.ts";
import { startGateway } from "../harness/gateway.ts";
import { waitUntil } from "../harness/wait.ts";

const GIT_TOKEN = "ghp_FAKEtokenNEVERprinted_0123456789";
const KEY = "tk_SECRET_monitor_key_0123456789abcdef";
const KEY2 = "tk_SECRET_monitor_rot_fedcba9876543210";

/** A venue server: `/down` answers 503, `/empty` an empty page (a layout the parser rejects). */
function brokenVenues() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/down") return new Response("unavailable", { status: 503 });
    return new Response("<html><body></body></html>", {
      headers: { "content-type": "text/html" },
    });
  });
  return { origin: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** Parses Prometheus text into `name{labels}` → value (labels sorted as the exporter writes them). */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

Deno.test("a real worker after healthy and failing venues: /metrics series and JSON logs without secrets", async (t) => {
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  const broken = brokenVenues();
  const tmp = await Deno.makeTempDir({ prefix: "atg-monitoring-" });
  const { bundlePath } = await buildBundle({ outDir: tmp });
  const stoup = fixtures.venueList(await loadVenueList()).find((v) => v.key === "stoup-ballard")!;
  const venues: VenueEntry[] = [
    stoup,
    { key: "urban-family", name: "Urban Family Brewing", url: `${broken.origin}/down` },
    { key: "yonder-balebreaker", name: "Yonder", url: `${broken.origin}/empty` },
  ];
  const venuesFile = join(tmp, "venues.json");
  await Deno.writeTextFile(venuesFile, JSON.stringify({ venues }));
  const bare = join(tmp, "site.git");
  assert.equal(
    (await new Deno.Command("git", { args: ["init", "--bare", "-q", bare] }).output()).code,
    0,
  );
  const metricsPort = freePort();
  const env = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `mon-${crypto.randomUUID().slice(0, 8)}`,
    TEMPORAL_METRICS_BIND: `127.0.0.1:${metricsPort}`,
    GIT_REPOSITORY_URL: bare,
    GIT_TOKEN,
    LOG_FORMAT: "json",
    VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
  };
  const worker = await spawnTask("worker", ["--bundle", bundlePath], { env });
  try {
    await worker.waitFor(/"msg":"RUNNING on /, 60_000);
    const before = Date.now() / 1000;
    const r = await runTask(
      "start",
      ["--venues", venuesFile, "--date", FIXTURE_DATE, "--deploy", "--json"],
      { env },
    );
    assert.equal(r.code, 2, r.stderr);
    // Workflow input is not checked by a starter we wrote: an unknown key straight to Temporal.
    let oddHistory: Awaited<ReturnType<WorkflowHandle["fetchHistory"]>> | undefined;
    const connection = await Connection.connect({ address: server.address });
    try {
      const oddHandle = await new Client({ connection }).workflow.start("FoodTruckWorkflow", {
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        workflowId: `odd-${crypto.randomUUID()}`,
        args: [{
          venues: [{ key: "no-such-venue", name: "Mystery", url: `${broken.origin}/empty` }],
          date: FIXTURE_DATE,
        }],
      });
      const odd: FoodTruckWorkflowResult = await oddHandle.result();
      assert.equal(odd.errors.length, 1);
      oddHistory = await oddHandle.fetchHistory();
    } finally {
      await connection.close();
    }
    const after = Date.now() / 1000;
    const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
    assert.equal(result.deploy?.committed, true, JSON.stringify(result.deploy));
    const stoupEvents = result.events.filter((e) => e.venueKey === "stoup-ballard").length;
    assert.ok(stoupEvents >= 5, `only ${stoupEvents} events`);
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    const text = await res.text();
    const m = parseMetrics(text);

    await t.step("fetch outcomes per venue and outcome; unknown venues count as other", () => {
      const fetches = (venue: string, outcome: string) =>
        m.get(`atg_venue_fetches_total{outcome="${outcome}",venue="${venue}"}`);
      assert.equal(fetches("stoup-ballard", "ok"), 1);
      assert.equal(fetches("stoup-ballard", "http_error"), 0);
      assert.equal(fetches("urban-family", "http_error"), 3, "503 is retried: 3 attempts");
      assert.equal(fetches("urban-family", "ok"), 0);
      assert.equal(fetches("yonder-balebreaker", "parse_error"), 1);
      assert.equal(fetches("other", "other"), 1);
      assert.ok(!text.includes("no-such-venue"), "an unknown venue key became a label value");
      assert.match(text, /^# TYPE atg_venue_fetches_total counter$/m);
    });

    await t.step("events per venue of the last run (0 for the failed ones)", () => {
      assert.equal(m.get(`atg_venue_events{venue="stoup-ballard"}`), stoupEvents);
      assert.equal(m.get(`atg_venue_events{venue="urban-family"}`), 0);
      assert.equal(m.get(`atg_venue_events{venue="yonder-balebreaker"}`), 0);
      assert.equal(m.get(`atg_venue_events{venue="other"}`), 0);
    });

    await t.step("last successful run, last publish, deploy outcomes, worker start", () => {
      for (
        const name of [
          "atg_last_successful_run_timestamp_seconds",
          "atg_last_publish_timestamp_seconds",
        ]
      ) {
        const v = m.get(name)!;
        assert.ok(v >= before - 1 && v <= after + 1, `${name} ${v} not within the run`);
      }
      assert.equal(m.get(`atg_deploys_total{outcome="committed"}`), 1);
      assert.equal(m.get(`atg_deploys_total{outcome="failed"}`), 0);
      assert.ok(m.get("atg_worker_start_time_seconds")! <= before);
      // No client certificate and no key file configured: those series are absent.
      assert.ok(!m.has("atg_client_certificate_expiry_timestamp_seconds"));
      assert.ok(!m.has("atg_api_key_reloads_total"));
      // The SDK's own metrics are still there.
      assert.match(text, /temporal_workflow_completed\{[^}]*workflow_type="FoodTruckWorkflow"/);
    });

    await t.step("replaying a finished run's history reports nothing to the metrics", async () => {
      const reported: RunSummary[] = [];
      const recording: AppMetrics = { ...createAppMetrics(), runFinished: (s) => reported.push(s) };
      await Worker.runReplayHistory({
        workflowsPath: WORKFLOWS_PATH,
        interceptors: { workflowModules: [RUN_OBSERVER_PATH] },
        sinks: runObserverSinks(recording),
      }, oddHistory!);
      assert.deepEqual(reported, []);
    });

    assert.equal(await worker.stop("SIGTERM"), 0, worker.output());
    const lines = worker.output().split("\n").filter((l) => l.trim() !== "");

    await t.step("LOG_FORMAT=json: every line is one JSON object with time, level, msg", () => {
      for (const line of lines) {
        const o = JSON.parse(line);
        assert.match(o.time, /^\d{4}-\d\d-\d\dT/, line);
        assert.ok(["error", "warn", "info", "debug"].includes(o.level), line);
        assert.equal(typeof o.msg, "string", line);
      }
      assert.ok(lines.some((l) => JSON.parse(l).msg === "stopped"));
    });

    await t.step("one line per failed venue attempt: venue, error class, attempt, ids", () => {
      const failed = lines.map((l) => JSON.parse(l)).filter((o) => o.msg === "venue fetch failed");
      const urban = failed.filter((o) => o.venue === "urban-family");
      assert.deepEqual(urban.map((o) => o.attempt), [1, 2, 3]);
      for (const o of urban) {
        assert.equal(o.level, "warn");
        assert.equal(o.error, "HttpStatusError");
        assert.equal(o.activityType, "fetchVenue");
        assert.match(o.workflowId, /\S/);
        assert.match(o.runId, /^[0-9a-f-]{36}$/);
      }
      assert.deepEqual(failed.filter((o) => o.venue === "yonder-balebreaker").map((o) => o.error), [
        "ParseError",
      ]);
      assert.deepEqual(failed.filter((o) => o.venue === "no-such-venue").map((o) => o.error), [
        "Error",
      ]);
      assert.equal(failed.length, 5, JSON.stringify(failed));
      assert.ok(!lines.some((l) => JSON.parse(l).msg === "Activity failed"), "SDK line at info");
    });

    await t.step("no secret, taskToken or stack trace anywhere in the worker's output", () => {
      const all = worker.output() + r.stdout + r.stderr;
      assert.ok(!all.includes(GIT_TOKEN), "GIT_TOKEN leaked");
      assert.ok(!/taskToken/i.test(all), "a taskToken leaked");
      assert.ok(!/^\s+at |\\n\s+at /m.test(all), "a stack trace at info");
    });
  } finally {
    await worker.stop("SIGTERM");
    await broken.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a real worker behind a TLS gateway: certificate expiry, API key reloads, workflow task failures", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "atg-monitoring-tls-" });
  await Deno.mkdir(`${tmp}/certs`);
  const certs = await makeTestCerts(`${tmp}/certs`);
  await using server = await startDevServer();
  const ca = { TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert };
  const scrape = async (port: number) =>
    parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  try {
    await t.step("mTLS: the client certificate's notAfter, in seconds", async () => {
      await using gw = await startGateway({ mode: "mtls", upstream: server.address, certs });
      const port = freePort();
      await using worker = await spawnTask("worker", ["--no-bundle"], {
        env: {
          TEMPORAL_ADDRESS: gw.address,
          TEMPORAL_TASK_QUEUE: `mon-${crypto.randomUUID().slice(0, 8)}`,
          TEMPORAL_TLS_CERT: certs.clientCert,
          TEMPORAL_TLS_KEY: certs.clientKey,
          TEMPORAL_METRICS_BIND: `127.0.0.1:${port}`,
          ...ca,
        },
      });
      await worker.waitFor(/worker: RUNNING/, 60_000);
      const notAfter = new X509Certificate(await Deno.readFile(certs.clientCert)).validTo;
      const m = await scrape(port);
      assert.equal(
        m.get("atg_client_certificate_expiry_timestamp_seconds"),
        new Date(notAfter).getTime() / 1000,
      );
      assert.equal(await worker.stop(), 0, worker.output());
    });

    await t.step("API key file: each applied rotation counts; no key in the JSON log", async () => {
      await using gw = await startGateway({
        mode: "api-key",
        upstream: server.address,
        certs,
        apiKey: KEY,
      });
      const keyFile = `${tmp}/api-key`;
      await Deno.writeTextFile(keyFile, `${KEY}\n`);
      const port = freePort();
      const env = {
        TEMPORAL_ADDRESS: gw.address,
        TEMPORAL_TASK_QUEUE: `mon-${crypto.randomUUID().slice(0, 8)}`,
        TEMPORAL_API_KEY_FILE: keyFile,
        TEMPORAL_METRICS_BIND: `127.0.0.1:${port}`,
        LOG_FORMAT: "json",
        LOG_LEVEL: "debug",
        ...ca,
      };
      await using worker = await spawnTask("worker", ["--no-bundle"], { env });
      await worker.waitFor(/"msg":"RUNNING on /, 60_000);
      assert.equal((await scrape(port)).get("atg_api_key_reloads_total"), 0);
      await Deno.writeTextFile(keyFile, `${KEY2}\n`);
      await gw.setApiKey(KEY2);
      await worker.waitFor(/API key rotated from TEMPORAL_API_KEY_FILE/, 15_000);
      assert.equal((await scrape(port)).get("atg_api_key_reloads_total"), 1);
      assert.equal(await worker.stop(), 0, worker.output());
      const out = worker.output();
      for (const line of out.split("\n").filter((l) => l.trim())) {
        try {
          JSON.parse(line);
        } catch {
          assert.fail(`not a JSON line: ${line}`);
        }
      }
      assert.ok(!out.includes(KEY) && !out.includes(KEY2), "an API key leaked (LOG_LEVEL=debug)");
      assert.ok(!/taskToken/i.test(out), "a taskToken leaked (LOG_LEVEL=debug)");
    });

    await t.step(
      "an unknown workflow type fails its workflow task: the SDK series the alert uses",
      async () => {
        const port = freePort();
        const taskQueue = `mon-${crypto.randomUUID().slice(0, 8)}`;
        await using worker = await spawnTask("worker", ["--no-bundle"], {
          env: {
            TEMPORAL_ADDRESS: server.address,
            TEMPORAL_TASK_QUEUE: taskQueue,
            TEMPORAL_METRICS_BIND: `127.0.0.1:${port}`,
          },
        });
        await worker.waitFor(/worker: RUNNING/, 60_000);
        const connection = await Connection.connect({ address: server.address });
        try {
          const handle = await new Client({ connection }).workflow.start("NoSuchWorkflow", {
            taskQueue,
            workflowId: `wtf-${crypto.randomUUID()}`,
            args: [],
          });
          let m = new Map<string, number>();
          const series = await waitUntil(
            "a temporal_workflow_task_execution_failed series",
            async () => {
              m = await scrape(port);
              return [...m.keys()].find((k) =>
                k.startsWith("temporal_workflow_task_execution_failed{")
              );
            },
            { timeoutMs: 30_000, intervalMs: 200 },
          );
          assert.match(series, /workflow_type="NoSuchWorkflow"/);
          assert.ok(m.get(series)! >= 1);
          await handle.terminate("test done");
        } finally {
          await connection.close();
        }
        assert.equal(await worker.stop(), 0, worker.output());
      },
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
