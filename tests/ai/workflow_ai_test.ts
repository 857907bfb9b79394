/**
 * The AI touches inside the real workflow: a worker with ANTHROPIC_API_KEY (pointed at a local
 * stand-in of the Messages API) names a "TBD" truck from its image and adds the day's haiku;
 * without a key the stand-in gets no request at all. The key never shows in any output.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";
import { KEY, startStandIn } from "./_standin.ts";
import { stoupImageVenue } from "../temporal/_kit.ts";

const HAIKU = "Smoke curls from the grill\nBrisket waits for the long line\nBallard rain holds off";

Deno.test("AI touches in FoodTruckWorkflow: vision names a TBD truck, a haiku is added; no key, no request", async (t) => {
  await using server = await startDevServer();
  const standIn = startStandIn((_n, body) => {
    const text = JSON.stringify(body);
    return { text: text.includes('"image"') ? "Rolling Risotto" : HAIKU };
  });
  const tmp = await Deno.makeTempDir({ prefix: "ai-e2e-" });
  try {
    await using page = await stoupImageVenue(tmp, `${standIn.url}/images/logo.png`);
    const venues = page.venuesFile;
    const args = [
      "--venues",
      venues,
      "--date",
      "2026-03-05",
      "--json",
      "--preview",
      `${tmp}/public`,
    ];

    await t.step(
      "with a key: the TBD truck is named from its image and the haiku is published",
      async () => {
        const env = {
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_TASK_QUEUE: `ai-${crypto.randomUUID().slice(0, 8)}`,
          ANTHROPIC_API_KEY: KEY,
          ANTHROPIC_BASE_URL: standIn.url,
          ANTHROPIC_MODEL: "claude-test-model",
          VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the page and image servers are local
        };
        await using worker = await spawnTask("worker", [], { env });
        await worker.waitFor(/worker: RUNNING/);
        const r = await runTask("start", args, { env });
        assert.equal(r.code, 0, r.stderr + worker.output());
        const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
        const named = result.events.find((e) => e.date === "2026-03-05")!;
        assert.equal(named.truckName, "Rolling Risotto");
        assert.equal(named.aiExtracted, true);
        assert.equal(result.haiku, HAIKU);
        const data = JSON.parse(await Deno.readTextFile(`${tmp}/public/data.json`));
        assert.equal(data.haiku, HAIKU);
        assert.equal(data.events[0].ai_extracted, true);
        assert.equal(data.events[1].ai_extracted, false);
        assert.ok(standIn.messages.length >= 2);
        assert.ok(standIn.messages.every((m) => m.body?.model === "claude-test-model"));
        await worker.stop();
        const all = r.stdout + r.stderr + worker.output();
        assert.ok(!all.includes(KEY), "the API key leaked into output");
      },
    );

    await t.step("without a key: no request reaches the API and TBD stays", async () => {
      const before = standIn.all.length;
      const env = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: `ai-${crypto.randomUUID().slice(0, 8)}`,
        ANTHROPIC_BASE_URL: standIn.url,
        VENUE_ALLOW_PRIVATE_NETWORKS: "true",
      };
      await using worker = await spawnTask("worker", [], { env });
      await worker.waitFor(/worker: RUNNING/);
      const r = await runTask("start", args, { env });
      assert.equal(r.code, 0, r.stderr);
      const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
      assert.equal(result.events[0].truckName, "TBD");
      assert.equal(result.haiku, undefined);
      assert.equal(standIn.all.length, before);
      await worker.stop();
    });
  } finally {
    await standIn.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
