/**
 * Temporal semantics on a real dev server with a real worker process (`deno task worker`):
 * cancellation propagates (run ends CANCELLED, `start` exits 3, no deploy after the cancel, a
 * running deploy is cancelled through its heartbeats), the venue-phase deadline returns what
 * it has, the payload budget keeps a hostile week recordable and publishable, and `start`'s
 * derived workflow id attaches a second `start` to the running one.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { WORKFLOW_TYPE } from "../../src/temporal/starter.ts";
import {
  RESULT_BUDGET_BYTES,
  TEMPORAL_PAYLOAD_LIMIT_BYTES,
  utf8Length,
} from "../../src/core/payload.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";
import {
  bareRepo,
  clientFor,
  commitCount,
  configFor,
  eventTypes,
  fixtureVenues,
  git,
  historyEvents,
  historyJson,
  hugeSalehsSite,
  scheduledActivities,
  slowSite,
} from "./_kit.ts";
import { waitUntil } from "../harness/wait.ts";

Deno.test({
  name: "Temporal semantics: cancel, deadline, payload budget, workflow ids",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await using server = await startDevServer();
    await using fixtures = await startFixtureServer();
    const tmp = await Deno.makeTempDir({ prefix: "semantics-" });
    const queue = `sem-${crypto.randomUUID().slice(0, 8)}`;
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: queue,
      VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
    };
    const cfg = await configFor(server.address, queue);
    await using c = await clientFor(cfg);
    const client = c.client;
    await using worker = await spawnTask("worker", [], { env });
    await worker.waitFor(/worker: RUNNING/, 90_000);
    const stoup = await fixtureVenues(fixtures, ["stoup-ballard"]);
    // The deploy target is the worker's own configuration: a deploy step runs its own worker.
    const deployEnv = (bare: string) => ({
      ...env,
      TEMPORAL_TASK_QUEUE: `sem-deploy-${crypto.randomUUID().slice(0, 8)}`,
      GIT_REPOSITORY_URL: bare,
    });
    const deployWorker = async (denv: Record<string, string>) => {
      const w = await spawnTask("worker", [], { env: denv });
      await w.waitFor(/worker: RUNNING/, 90_000);
      return w;
    };
    const writeVenues = async (name: string, venues: unknown) => {
      const file = `${tmp}/${name}.json`;
      await Deno.writeTextFile(file, JSON.stringify({ venues }));
      return file;
    };

    await t.step(
      "a cancel during the venue phase ends the run CANCELLED; start exits 3; no deploy",
      async () => {
        await using site = slowSite(fixtures, Infinity);
        const bare = await bareRepo(tmp);
        const denv = deployEnv(bare);
        await using dworker = await deployWorker(denv);
        const venues = await writeVenues("slow", site.venues(stoup));
        const id = `cancel-venues-${crypto.randomUUID().slice(0, 6)}`;
        const start = runTask(
          "start",
          ["--venues", venues, "--date", FIXTURE_DATE, "--deploy", "--workflow-id", id],
          { env: denv },
        );
        await waitUntil("the venue request", () => site.arrived >= 1, { timeoutMs: 60_000 });
        await client.workflow.getHandle(id).cancel();
        const r = await start;
        assert.equal(r.code, 3, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`start: workflow ${id} was cancelled`));
        const handle = client.workflow.getHandle(id);
        assert.equal((await handle.describe()).status.name, "CANCELLED");
        const events = await historyEvents(handle);
        assert.deepEqual(scheduledActivities(events), ["fetchVenue"]);
        assert.ok(eventTypes(events).includes("ACTIVITY_TASK_CANCEL_REQUESTED"));
        assert.ok(eventTypes(events).includes("WORKFLOW_EXECUTION_CANCELED"));
        assert.equal(await commitCount(bare), 0);
        // The venue request in flight (its site never answers) ends by the cancel, which the
        // attempt hears through its heartbeat, not by its own 10 s HTTP timeout.
        const failed = /venue fetch failed venue=stoup-ballard error=(\S+)/;
        await waitUntil("the venue attempt to end", () => failed.test(dworker.output()), {
          timeoutMs: 60_000,
        });
        assert.equal(dworker.output().match(failed)?.[1], "CancelledFailure", dworker.output());
      },
    );

    await t.step(
      "a cancel during the deploy reaches the activity (heartbeat), kills git, no commit",
      async () => {
        const mark = `${tmp}/push-arrived`;
        // The push hangs in the remote's pre-receive hook (and would be refused in the end).
        const bare = await bareRepo(tmp, { "pre-receive": `touch '${mark}'\nsleep 30\nexit 1` });
        const denv = deployEnv(bare);
        await using dworker = await deployWorker(denv);
        const venues = await writeVenues("stoup", stoup);
        const id = `cancel-deploy-${crypto.randomUUID().slice(0, 6)}`;
        const start = runTask(
          "start",
          ["--venues", venues, "--date", FIXTURE_DATE, "--deploy", "--workflow-id", id],
          { env: denv },
        );
        await waitUntil(
          "the push to reach the remote",
          () => Deno.stat(mark).then(() => true, () => false),
          { timeoutMs: 60_000 },
        );
        await client.workflow.getHandle(id).cancel();
        const r = await start;
        assert.equal(r.code, 3, r.stdout + r.stderr + dworker.output());
        const events = await historyEvents(client.workflow.getHandle(id));
        const types = eventTypes(events);
        assert.ok(types.includes("ACTIVITY_TASK_CANCEL_REQUESTED"), types.join(" "));
        // The activity acknowledged the cancel (it heard it through a heartbeat and stopped git)
        // before the run closed: nothing is pushed behind a cancelled run's back.
        const canceled = types.indexOf("ACTIVITY_TASK_CANCELED");
        assert.ok(canceled > 0, types.join(" "));
        assert.ok(canceled < types.indexOf("WORKFLOW_EXECUTION_CANCELED"));
        assert.equal(await commitCount(bare), 0);
      },
    );

    await t.step(
      "venues still pending at the deadline are reported timed out; the others arrive",
      async () => {
        await using site = slowSite(fixtures, Infinity);
        const salehs = site.venues(await fixtureVenues(fixtures, ["salehs-corner"]));
        const handle = await client.workflow.start(WORKFLOW_TYPE, {
          taskQueue: queue,
          workflowId: `deadline-${crypto.randomUUID().slice(0, 6)}`,
          args: [{ venues: [...stoup, ...salehs], date: FIXTURE_DATE, venueDeadlineMs: 3000 }],
        });
        const result = await handle.result() as FoodTruckWorkflowResult;
        assert.equal((await handle.describe()).status.name, "COMPLETED");
        assert.deepEqual(result.errors.map((e) => e.venueKey), ["salehs-corner"]);
        assert.match(result.errors[0].detail, /^timed out: still pending at the venue deadline/);
        assert.ok(result.events.some((e) => e.venueKey === "stoup-ballard"));
        assert.match(
          (result.warnings ?? []).map((w) => w.message).join("\n"),
          /timed out: 1 venue/,
        );
        // A worker without an API key: no AI activity is scheduled at all.
        assert.deepEqual(scheduledActivities(await historyEvents(handle)), [
          "fetchVenue",
          "fetchVenue",
        ]);
        // The build id the worker printed is recorded on every workflow task of the history.
        const buildId = /buildId=(\S+)/.exec(worker.output())?.[1];
        assert.match(buildId ?? "", /^@temporalio\/worker@1\.24\.0\+[0-9a-f]{64}$/);
        const tasks = (await historyEvents(handle)).filter((e) =>
          e.workflowTaskCompletedEventAttributes
        );
        assert.ok(tasks.length > 0);
        for (const e of tasks) {
          assert.equal(e.workflowTaskCompletedEventAttributes.workerVersion?.buildId, buildId);
        }
      },
    );

    await t.step(
      "a week too big to record is truncated with a warning, exits 2, and still publishes",
      async () => {
        const huge = Array.from({ length: 5 }, () => hugeSalehsSite(400));
        try {
          const list = huge.map((h, i) => ({
            key: "salehs-corner",
            name: `Huge Venue ${i + 1}`,
            url: h.url,
          }));
          // Through start: one huge venue is cut to its budget, published, exit 2.
          const venues = await writeVenues("huge", list.slice(0, 1));
          const bare = await bareRepo(tmp);
          const denv = deployEnv(bare);
          await using _worker = await deployWorker(denv);
          const id = `payload-${crypto.randomUUID().slice(0, 6)}`;
          const r = await runTask(
            "start",
            ["--venues", venues, "--date", FIXTURE_DATE, "--deploy", "--json", "--workflow-id", id],
            { env: denv },
          );
          assert.equal(r.code, 2, r.stderr);
          const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
          assert.equal(result.truncated, true);
          assert.match(
            (result.warnings ?? []).map((w) => w.message).join("\n"),
            /truncated: \d+ event\(s\) of Huge Venue 1/,
          );
          assert.equal(result.deploy?.committed, true, JSON.stringify(result.deploy));
          const data = JSON.parse(await git("--git-dir", bare, "show", "main:public/data.json"));
          assert.ok(data.errors.some((m: string) => m.startsWith("truncated:")), data.errors);
          const human = await runTask(
            "start",
            ["--venues", venues, "--date", FIXTURE_DATE, "--workflow-id", `${id}-text`],
            { env },
          );
          assert.equal(human.code, 2);
          assert.match(human.stdout, /^ {2}! truncated: /m);

          // Five such venues in one run: the week is cut to the result budget too, and nothing
          // recorded comes near Temporal's 2 MB limit.
          const handle = await client.workflow.start(WORKFLOW_TYPE, {
            taskQueue: queue,
            workflowId: `${id}-five`,
            args: [{ venues: list, date: FIXTURE_DATE }],
          });
          const five = await handle.result() as FoodTruckWorkflowResult;
          assert.equal(five.truncated, true);
          assert.match(
            (five.warnings ?? []).map((w) => w.message).join("\n"),
            /truncated: \d+ event\(s\) of the week/,
          );
          assert.ok(utf8Length(JSON.stringify(five)) <= RESULT_BUDGET_BYTES);
          const history = await historyJson(handle);
          assert.ok(utf8Length(history) < 4 * 1024 * 1024, "the history fits one gRPC message");
          const events = JSON.parse(history).events;
          const largest = Math.max(...events.map((e: unknown) => utf8Length(JSON.stringify(e))));
          assert.ok(largest < TEMPORAL_PAYLOAD_LIMIT_BYTES / 3, `largest event ${largest} bytes`);
        } finally {
          for (const h of huge) await h[Symbol.asyncDispose]();
        }
      },
    );

    await t.step(
      "a second start with the same day and input attaches to the running one",
      async () => {
        await using site = slowSite(fixtures, 3000);
        const venues = await writeVenues("attach", site.venues(stoup));
        const args = ["--venues", venues, "--date", FIXTURE_DATE, "--json"];
        const first = runTask("start", args, { env });
        await waitUntil("the first run's venue request", () => site.arrived >= 1, {
          timeoutMs: 60_000,
        });
        const second = await runTask("start", args, { env });
        const one = await first;
        assert.equal(one.code, 0, one.stderr);
        assert.equal(second.code, 0, second.stderr);
        const m =
          /start: attached to the running workflow (food-trucks-2026-03-05-print-[0-9a-f]{8})/
            .exec(second.stderr);
        assert.ok(m, second.stderr);
        assert.deepEqual(JSON.parse(second.stdout), JSON.parse(one.stdout));
        assert.equal(site.arrived, 1, "the venue was read once: one run, not two");
        const runs = [];
        for await (const w of client.workflow.list({ query: `WorkflowId = '${m[1]}'` })) {
          runs.push(w);
        }
        assert.equal(runs.length, 1);
        const bad = await runTask("start", ["--workflow-id", "has space"], { env });
        assert.equal(bad.code, 1);
        assert.equal(
          bad.stderr.trim(),
          "start: --workflow-id must be 1-200 visible ASCII characters without spaces",
        );
        const help = await runTask("start", ["--help"]);
        assert.match(help.stdout, /attaches to it/);
        assert.match(help.stdout, /--workflow-id ID/);
        assert.match(help.stdout, /3 the run was cancelled/);
      },
    );
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  },
});
