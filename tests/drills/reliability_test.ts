/**
 * Reliability drills on a real Temporal dev server with real worker processes:
 * (a) the worker is SIGKILLed while a venue activity is in flight: a new worker finishes the SAME
 *     workflow (the activity is retried once its 15 s startToClose timeout expires); with a deploy
 *     target, exactly one commit lands;
 * (b) SIGTERM with an activity in flight: the activity finishes within the grace period, the
 *     worker exits 0, and the workflow completes without a second attempt;
 * (c) the dev server restarts (same port, same SQLite file) under a running worker: the worker
 *     reconnects and the next workflow completes.
 *
 * Workers are spawned as `deno run <the worker task's flags> tasks/worker.ts` (not `deno task`)
 * so that signals hit the worker process itself.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { withTimeout } from "../../src/core/timeout.ts";
import { freePort, untilPortFree } from "../harness/ports.ts";
import { waitUntil } from "../harness/wait.ts";
import { drill } from "./_drill.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import type { FixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { loadConfig, requireValid } from "../../src/config/mod.ts";
import type { TemporalConfig } from "../../src/config/mod.ts";
import { connectClient } from "../../src/config/connect.ts";
import { newWorkflowId, WORKFLOW_TYPE } from "../../src/temporal/starter.ts";
import type { FoodTruckWorkflowResult, VenueEntry } from "../../src/core/model.ts";
import { childEnv, spawnWatched } from "../harness/child.ts";
import type { WatchedChild } from "../harness/child.ts";
import { taskRunArgs } from "../../src/ops/tasks.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Spawns the worker process directly (the worker task's flags), with a clean environment. */
async function spawnWorker(
  env: Record<string, string>,
  args: string[] = [],
): Promise<WatchedChild> {
  return spawnWatched([...await taskRunArgs("worker"), "--no-bundle", ...args], {
    cwd: ROOT,
    env: await childEnv(env),
    name: "worker",
  });
}

/**
 * A venue site that answers slowly: forwards to the fixture server after `delayMs`, counting
 * requests that arrived and responses that were sent.
 */
function slowSite(fixtures: FixtureServer, delayMs: number) {
  let arrived = 0;
  let answered = 0;
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      arrived++;
      await new Promise((r) => setTimeout(r, delayMs));
      const u = new URL(req.url);
      const res = await fetch(`${fixtures.origin}${u.pathname}${u.search}`);
      const body = await res.arrayBuffer();
      answered++;
      return new Response(body, { status: res.status, headers: res.headers });
    },
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    get arrived() {
      return arrived;
    },
    get answered() {
      return answered;
    },
    venues(list: VenueEntry[]): VenueEntry[] {
      return list.map((v) => ({ ...v, url: v.url.replace(fixtures.origin, origin) }));
    },
    async waitArrived(n: number, timeoutMs: number) {
      await waitUntil(() => `${n} request(s); only ${arrived} arrived`, () => arrived >= n, {
        timeoutMs,
        intervalMs: 20,
      });
    },
    async [Symbol.asyncDispose]() {
      ac.abort();
      await server.finished;
    },
  };
}

async function stoupVenues(fixtures: FixtureServer): Promise<VenueEntry[]> {
  return fixtures.venueList(await loadVenueList()).filter((v) => v.key === "stoup-ballard");
}

async function configFor(address: string, taskQueue: string): Promise<TemporalConfig> {
  return requireValid(
    await loadConfig({
      env: {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
      },
      noEnvFile: true,
    }),
  );
}

/** `p`, or a failure naming `what` when it has not settled after `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(p, ms, () => new Error(`${what} did not finish in ${ms} ms`));
}

function assertStoupResult(result: FoodTruckWorkflowResult) {
  assert.deepEqual(result.errors, []);
  assert.ok(result.events.length >= 5, `only ${result.events.length} events`);
  assert.ok(result.events.every((e) => e.venueKey === "stoup-ballard"));
}

drill(
  "drill: SIGKILL during a venue activity; a new worker completes the same workflow",
  async ({ server, fixtures }) => {
    await using site = slowSite(fixtures, 4000);
    const queue = `drill-kill-${crypto.randomUUID().slice(0, 8)}`;
    const cfg = await configFor(server.address, queue);
    const bare = await Deno.makeTempDir({ prefix: "drill-site-" });
    const init = await new Deno.Command("git", { args: ["init", "--bare", "-q", bare] }).output();
    assert.equal(init.code, 0);
    // The deploy target is the worker's configuration; the input only asks for a deploy.
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: queue,
      GIT_REPOSITORY_URL: bare,
      VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
    };
    const { client, close } = await connectClient(cfg);
    try {
      await using first = await spawnWorker(env);
      await first.waitFor(/worker: RUNNING/);
      const handle = await client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: queue,
        workflowId: newWorkflowId(FIXTURE_DATE),
        args: [{
          venues: site.venues(await stoupVenues(fixtures)),
          date: FIXTURE_DATE,
          deploy: true,
        }],
        workflowExecutionTimeout: 3 * 60_000,
      });
      await site.waitArrived(1, 30_000);
      const killedAt = Date.now();
      first.kill("SIGKILL");
      const status = await first.status;
      assert.equal(status.signal, "SIGKILL");
      assert.equal(site.answered, 0, "the killed attempt must not have answered yet");

      await using second = await spawnWorker(env);
      await second.waitFor(/worker: RUNNING/);
      // The retry comes after the first attempt's startToClose timeout (15 s) + 1 s backoff.
      const result = await within(
        handle.result() as Promise<FoodTruckWorkflowResult>,
        120_000,
        "the workflow after the kill",
      );
      const recoveredS = (Date.now() - killedAt) / 1000;
      assertStoupResult(result);
      assert.ok(site.arrived >= 2, `the activity was not retried (${site.arrived} request)`);
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const fetchScheduled = new Set(
        events.filter((e) =>
          e.activityTaskScheduledEventAttributes?.activityType?.name === "fetchVenue"
        ).map((e) => String(e.eventId)),
      );
      const started = events.filter((e) =>
        e.activityTaskStartedEventAttributes &&
        fetchScheduled.has(String(e.activityTaskStartedEventAttributes.scheduledEventId))
      );
      assert.equal(started.length, 1, "one ActivityTaskStarted (the one that completed)");
      assert.equal(started[0].activityTaskStartedEventAttributes?.attempt, 2, "it was attempt 2");
      assert.equal(result.deploy?.committed, true, JSON.stringify(result.deploy));
      const count = await new Deno.Command("git", {
        args: ["--git-dir", bare, "rev-list", "--count", "main"],
      }).output();
      assert.equal(new TextDecoder().decode(count.stdout).trim(), "1", "exactly one commit lands");
      console.log(
        `  recovered ${recoveredS.toFixed(1)} s after SIGKILL (same workflow ${handle.workflowId})`,
      );
    } finally {
      await close();
    }
  },
);

drill(
  "drill: SIGTERM with an activity in flight drains it, exits 0, the workflow completes",
  async ({ server, fixtures }) => {
    await using site = slowSite(fixtures, 4000);
    const queue = `drill-term-${crypto.randomUUID().slice(0, 8)}`;
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: queue,
      VENUE_ALLOW_PRIVATE_NETWORKS: "true",
    };
    const cfg = await configFor(server.address, queue);
    const { client, close } = await connectClient(cfg);
    try {
      await using first = await spawnWorker(env, ["--grace", "20000"]);
      await first.waitFor(/worker: RUNNING/);
      const handle = await client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: queue,
        workflowId: newWorkflowId(FIXTURE_DATE),
        args: [{ venues: site.venues(await stoupVenues(fixtures)), date: FIXTURE_DATE }],
        workflowExecutionTimeout: 3 * 60_000,
      });
      await site.waitArrived(1, 30_000);
      first.kill("SIGTERM");
      // A second worker takes the workflow task that follows the activity.
      await using second = await spawnWorker(env);
      const status = await within(first.status, 40_000, "the draining worker");
      assert.equal(status.code, 0, first.output());
      assert.match(
        first.output(),
        /worker: (STOPPING|DRAINING) \(shutdown requested; 1 activity in flight/,
      );
      assert.match(first.output(), /worker: stopped/);
      assert.equal(site.answered, 1, "the in-flight request was not answered before the exit");
      await second.waitFor(/worker: RUNNING/);
      const result = await within(
        handle.result() as Promise<FoodTruckWorkflowResult>,
        60_000,
        "the workflow after SIGTERM",
      );
      assertStoupResult(result);
      assert.equal(site.arrived, 1, "the drained activity was attempted again");
    } finally {
      await close();
    }
  },
);

Deno.test({
  name: "drill: dev server restart under a running worker; the next workflow completes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "drill-db-" });
    const port = freePort();
    const dbFilename = `${tmp}/temporal.db`;
    let server = await startDevServer({ port, dbFilename });
    try {
      await using fixtures = await startFixtureServer();
      const venues = await stoupVenues(fixtures);
      const queue = `drill-restart-${crypto.randomUUID().slice(0, 8)}`;
      const env = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: queue,
        VENUE_ALLOW_PRIVATE_NETWORKS: "true",
      };
      const cfg = await configFor(server.address, queue);
      await using worker = await spawnWorker(env);
      await worker.waitFor(/worker: RUNNING/);
      const run = async (what: string) => {
        const { client, close } = await connectClient(cfg);
        try {
          const handle = await client.workflow.start(WORKFLOW_TYPE, {
            taskQueue: queue,
            workflowId: newWorkflowId(FIXTURE_DATE),
            args: [{ venues, date: FIXTURE_DATE }],
            workflowExecutionTimeout: 2 * 60_000,
          });
          return await within(
            handle.result() as Promise<FoodTruckWorkflowResult>,
            90_000,
            what,
          );
        } finally {
          await close();
        }
      };
      assertStoupResult(await run("the workflow before the restart"));
      await server.stop();
      await untilPortFree(port);
      server = await startDevServer({ port, dbFilename });
      const t0 = Date.now();
      assertStoupResult(await run("the workflow after the restart"));
      console.log(
        `  first workflow after the restart took ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      assert.match(worker.output(), /worker: RUNNING/);
      assert.doesNotMatch(worker.output(), /worker: stopped/, "the worker gave up");
    } finally {
      await server.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
