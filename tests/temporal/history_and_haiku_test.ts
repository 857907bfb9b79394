/**
 * On a real dev server with a worker holding GIT_TOKEN and ANTHROPIC_API_KEY (the AI pointed at
 * the local Messages-API stand-in):
 * - the full histories of a `start --deploy` run and of a scheduled deploy run contain neither
 *   the token nor the API key (nor does the schedule's description);
 * - the AI touches are regular activities, and the haiku is computed once per Pacific day:
 *   an unchanged day makes no new commit, even when another worker writes a different haiku.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";
import { KEY, startStandIn } from "../ai/_standin.ts";
import {
  bareRepo,
  clientFor,
  commitCount,
  configFor,
  git,
  historyJson,
  historyText,
  scheduledActivities,
  stoupImageVenue,
} from "./_kit.ts";
import { waitUntil } from "../harness/wait.ts";

const TOKEN = "ghp_TEST_token_never_in_history_5d1e";

Deno.test({
  name: "histories hold no secret; one haiku per day, no new commit on an unchanged day",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await using server = await startDevServer();
    let haikus = 0;
    const standIn = startStandIn((_n, body) => {
      if (JSON.stringify(body).includes('"image"')) return { text: "Rolling Risotto" };
      haikus++;
      return {
        text: `Haiku number ${haikus}\nBrisket waits for the long line\nBallard rain holds off`,
      };
    });
    const tmp = await Deno.makeTempDir({ prefix: "history-secrets-" });
    try {
      await using venuePage = await stoupImageVenue(tmp, `${standIn.url}/images/logo.png`);
      const venues = venuePage.venuesFile;
      const bare = await bareRepo(tmp);
      const queue = `secrets-${crypto.randomUUID().slice(0, 8)}`;
      const env = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: queue,
        VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
        GIT_REPOSITORY_URL: bare,
        GIT_TOKEN: TOKEN,
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: standIn.url,
        ANTHROPIC_MODEL: "claude-test-model",
      };
      await using c = await clientFor(await configFor(server.address, queue));
      const args = ["--venues", venues, "--date", "2026-03-05", "--deploy", "--json"];
      let firstHaiku = "";

      await using worker = await spawnTask("worker", [], { env });
      await worker.waitFor(/worker: RUNNING/, 90_000);

      await t.step(
        "a start --deploy run: AI as activities, no token or key in its history",
        async () => {
          const r = await runTask("start", [...args, "--workflow-id", `secrets-${queue}`], { env });
          assert.equal(r.code, 0, r.stderr);
          const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
          assert.equal(result.deploy?.committed, true);
          assert.match(result.haiku ?? "", /^Haiku number 1\n/);
          firstHaiku = result.haiku!;
          const handle = c.client.workflow.getHandle(`secrets-${queue}`);
          const history = await historyText(handle);
          assert.deepEqual(scheduledActivities(JSON.parse(await historyJson(handle)).events), [
            "fetchVenue",
            "extractTruckNames",
            "generateHaiku",
            "generateWebData",
            "deployWebData",
          ]);
          assert.ok(history.includes("Rolling Risotto"), "the grep sees payload contents");
          assert.ok(!history.includes(TOKEN), "GIT_TOKEN in the history");
          assert.ok(!history.includes(KEY), "ANTHROPIC_API_KEY in the history");
        },
      );

      await t.step(
        "the same day again: the haiku is reused, no request, no new commit",
        async () => {
          const before = haikus;
          const r = await runTask("start", args, { env });
          assert.equal(r.code, 0, r.stderr);
          const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
          assert.equal(result.haiku, firstHaiku);
          assert.equal(haikus, before, "no new haiku request");
          assert.equal(result.deploy?.committed, false, JSON.stringify(result.deploy));
          assert.equal(await commitCount(bare), 1);
        },
      );

      await t.step(
        "another worker writes another haiku: still no new commit that day",
        async () => {
          await worker.stop();
          await using other = await spawnTask("worker", [], { env });
          await other.waitFor(/worker: RUNNING/, 90_000);
          const r = await runTask("start", args, { env });
          assert.equal(r.code, 0, r.stderr);
          const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
          assert.notEqual(result.haiku, firstHaiku, "a fresh worker made a new haiku");
          assert.equal(result.deploy?.committed, false, JSON.stringify(result.deploy));
          assert.equal(await commitCount(bare), 1);
          const page = JSON.parse(await git("--git-dir", bare, "show", "main:public/data.json"));
          assert.equal(page.haiku, firstHaiku, "the page keeps the day's first haiku");

          const id = `secrets-${crypto.randomUUID().slice(0, 6)}`;
          const created = await runTask("schedule", [
            "create",
            id,
            "--every",
            "1h",
            "--deploy",
            "--venues",
            venues,
            "--date",
            "2026-03-05",
            "--paused",
          ], { env });
          assert.equal(created.code, 0, created.stdout + created.stderr);
          const trig = await runTask("schedule", ["trigger", id], { env });
          assert.equal(trig.code, 0, trig.stdout + trig.stderr);
          const schedule = c.client.schedule.getHandle(id);
          const workflowId = await waitUntil("the scheduled run", async () => {
            const d = await schedule.describe();
            return d.info.recentActions[0]?.action.workflow.workflowId;
          }, { timeoutMs: 60_000 });
          const handle = c.client.workflow.getHandle(workflowId);
          await handle.result();
          const history = await historyText(handle);
          assert.ok(history.includes("deployWebData"), "a deploy run");
          assert.ok(!history.includes(TOKEN), "GIT_TOKEN in the scheduled run's history");
          assert.ok(!history.includes(KEY), "ANTHROPIC_API_KEY in the scheduled run's history");
          const described = await runTask("schedule", ["describe", id], { env });
          assert.ok(!(described.stdout + described.stderr).includes(TOKEN));
          await runTask("schedule", ["delete", id], { env });
        },
      );
    } finally {
      await standIn.close();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
