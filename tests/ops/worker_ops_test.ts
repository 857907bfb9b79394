/**
 * The worker in operation, on a real dev server through `deno task worker`: a prebuilt bundle
 * (`workflowBundle: { code }`) runs the workflow; `/healthz` and Prometheus `/metrics` answer;
 * SIGTERM while a slow activity is in flight (a venue whose answer takes ~3 s) lets it finish
 * (a second SIGTERM does not cut the drain short), the worker exits 0, and the workflow
 * completes with that venue's events and no retry.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { buildBundle } from "../../src/temporal/bundle.ts";
import { startDevServer } from "../harness/dev_server.ts";
import { freePort } from "../harness/ports.ts";
import { waitUntil } from "../harness/wait.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";

const SLOW_MS = 3000;

/** A proxy in front of the fixture server that answers each request after `delayMs`. */
function slowProxy(target: string, delayMs: number) {
  const received: string[] = [];
  const answered: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    received.push(url.pathname);
    await new Promise((r) => setTimeout(r, delayMs));
    const res = await fetch(`${target}${url.pathname}${url.search}`, { headers: req.headers });
    const body = await res.arrayBuffer();
    answered.push(url.pathname);
    return new Response(body, { status: res.status, headers: res.headers });
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    received,
    answered,
    close: () => server.shutdown(),
  };
}

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const r = await fetch(url);
    return { status: r.status, body: await r.text() };
  } catch {
    return undefined; // not listening (any more)
  }
}

Deno.test("worker with a prebuilt bundle: runs the workflow, serves /healthz and /metrics, drains on SIGTERM", async (t) => {
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  const slow = slowProxy(fixtures.origin, SLOW_MS);
  const tmp = await Deno.makeTempDir({ prefix: "atg-ops-" });
  const { bundlePath } = await buildBundle({ outDir: tmp });
  const stoup = fixtures.venueList(await loadVenueList()).filter((v) => v.key === "stoup-ballard");
  const stoupFile = join(tmp, "stoup.json");
  await Deno.writeTextFile(stoupFile, JSON.stringify({ venues: stoup }));
  const metricsPort = freePort();
  const healthPort = freePort();
  const env = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `ops-${crypto.randomUUID().slice(0, 8)}`,
    TEMPORAL_METRICS_BIND: `127.0.0.1:${metricsPort}`,
    TEMPORAL_HEALTH_BIND: `127.0.0.1:${healthPort}`,
    VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
  };
  const healthz = `http://127.0.0.1:${healthPort}/healthz`;
  const worker = await spawnTask("worker", ["--bundle", bundlePath, "--grace", "10000"], { env });
  const connection = await Connection.connect({ address: server.address });
  try {
    await worker.waitFor(/worker: RUNNING/, 60_000);

    await t.step("the RUNNING line names the prebuilt bundle, identity and build id", () => {
      const line = worker.output().split("\n").find((l) => l.startsWith("worker: RUNNING"))!;
      assert.match(line, / identity=\d+@\S+ /);
      assert.match(line, / workflows=prebuilt bundle=\S*workflow-bundle\.js sources=[0-9a-f]{12} /);
      assert.match(line, / buildId=@temporalio\/worker@[\d.]+\+[0-9a-f]{64} \(ready in \d+ ms\)$/);
      assert.match(worker.output(), new RegExp(`worker: health on ${healthz}`));
      assert.match(worker.output(), /worker: metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/);
    });

    await t.step("/healthz answers 200 with the state while RUNNING", async () => {
      const r = await get(healthz);
      assert.equal(r?.status, 200);
      const body = JSON.parse(r!.body);
      assert.equal(body.state, "RUNNING");
      assert.equal(body.taskQueue, env.TEMPORAL_TASK_QUEUE);
      assert.match(body.buildId, /^@temporalio\/worker@/);
    });

    await t.step("the starter runs the workflow on the prebuilt bundle (exit 0)", async () => {
      const r = await runTask("start", ["--venues", stoupFile, "--date", FIXTURE_DATE, "--json"], {
        env,
      });
      assert.equal(r.code, 0, r.stderr);
      const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
      assert.deepEqual(result.errors, []);
      assert.ok(result.events.length >= 5, `only ${result.events.length} events`);
    });

    await t.step("/metrics serves the SDK's temporal_ metrics", async () => {
      const r = await get(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(r?.status, 200);
      assert.match(r!.body, /^temporal_\w+(\{[^}]*\})? \d/m);
      assert.match(r!.body, /temporal_workflow_completed\{[^}]*workflow_type="FoodTruckWorkflow"/);
    });

    await t.step(
      "SIGTERM with a slow activity in flight: it finishes, exit 0, the workflow completes",
      async () => {
        const client = new Client({ connection });
        const slowStoup = stoup.map((v) => ({
          ...v,
          url: v.url.replace(fixtures.origin, slow.origin),
        }));
        const handle = await client.workflow.start("FoodTruckWorkflow", {
          taskQueue: env.TEMPORAL_TASK_QUEUE,
          workflowId: `drain-${crypto.randomUUID()}`,
          args: [{ venues: slowStoup, date: FIXTURE_DATE }],
        });
        await waitUntil("the slow venue request", () => slow.received.length === 1, {
          timeoutMs: 15_000,
        });
        const stopped = worker.stop("SIGTERM");
        // While draining, the endpoint says not ready (or is already closed); never 200.
        await waitUntil(
          "/healthz to leave 200",
          async () => (await get(healthz))?.status !== 200,
          { timeoutMs: 2000 },
        );
        assert.equal(
          slow.answered.length,
          0,
          "the activity finished before the drain was observed",
        );
        // systemd and deno task may both deliver a signal: a second one must not cut the drain.
        void worker.stop("SIGTERM");
        await worker.waitFor(
          /worker: SIGTERM again: still draining \(1 activity in flight\)/,
          2000,
        );
        const code = await stopped;
        assert.equal(code, 0, worker.output());
        assert.deepEqual(slow.answered, ["/ballard/"], "the in-flight request was not answered");
        assert.match(
          worker.output(),
          /worker: (STOPPING|DRAINING) \(shutdown requested; 1 activity in flight, grace 10000 ms\)/,
        );
        assert.match(worker.output(), /worker: SIGTERM received: draining \(1 activity in flight/);
        assert.match(worker.output(), /worker: stopped\n/);
        assert.equal(await get(healthz), undefined, "/healthz still listening after exit");

        // The activity's result is recorded; a new worker runs the workflow's next task.
        await using worker2 = await spawnTask("worker", ["--bundle", bundlePath], {
          env: {
            TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS,
            TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE,
            VENUE_ALLOW_PRIVATE_NETWORKS: "true",
          },
        });
        const result: FoodTruckWorkflowResult = await handle.result();
        assert.deepEqual(result.errors, []);
        assert.ok(result.events.length >= 5, `only ${result.events.length} events`);
        assert.equal(slow.received.length, 1, "the slow activity was retried");
        assert.equal(await worker2.stop("SIGTERM"), 0, worker2.output());
      },
    );
  } finally {
    await worker.stop("SIGTERM");
    await connection.close();
    await slow.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
