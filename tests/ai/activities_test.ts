import assert from "node:assert/strict";
import { createAiActivities } from "../../src/ai/activities.ts";
import type { AiSettings } from "../../src/ai/client.ts";
import { aiSettingsFromApp } from "../../src/ai/client.ts";
import type { VisionEvent } from "../../src/ai/vision.ts";
import { readAppSettings } from "../../src/config/app.ts";
import { KEY, obecEvent, sentKey, standInSettings, withStandIn } from "./_standin.ts";

const MODEL = "claude-test-model-3";
const TODAY = "2026-11-25";
const HAIKU = "Smoke curls from the grill\nbrisket waits by the taproom\nrain on Ballard docks";

const settings = (baseURL: string, more: Partial<AiSettings> = {}): AiSettings =>
  standInSettings(baseURL, MODEL, more);

const ev = (truckName: string, imageUrl?: string): VisionEvent =>
  obecEvent(TODAY, truckName, imageUrl);

Deno.test("activities: success names the TBD truck, then writes the haiku about it", async () => {
  await withStandIn(
    (_n, body) => ({ text: JSON.stringify(body).includes('"image"') ? "Woodshop BBQ" : HAIKU }),
    async ({ api, logs }) => {
      const ai = createAiActivities(settings(api.url));
      const events = await ai.extractTruckNames([ev("TBD", `${api.url}/images/logo.png`)]);
      assert.equal(events[0].truckName, "Woodshop BBQ");
      assert.equal(events[0].aiExtracted, true);
      assert.equal(await ai.generateHaiku(events, TODAY), HAIKU);
      assert.equal(api.messages.length, 2);
      assert.match(JSON.stringify(api.messages[1].body), /Woodshop BBQ/);
      for (const r of api.messages) {
        assert.equal(r.body!.model, MODEL);
        assert.equal(sentKey(r.headers), KEY);
      }
      // The activity's cache lives across calls: the same image is not asked about again.
      await ai.extractTruckNames([ev("TBD", `${api.url}/images/logo.png`)]);
      assert.equal(api.messages.length, 2);
      assert.deepEqual(logs, []);
    },
  );
});

Deno.test("activities: UNKNOWN keeps TBD", async () => {
  await withStandIn(() => ({ text: "UNKNOWN" }), async ({ api }) => {
    const ai = createAiActivities(settings(api.url));
    const out = await ai.extractTruckNames([ev("TBD", `${api.url}/images/logo.png`)]);
    assert.equal(out[0].truckName, "TBD");
    assert.equal(out[0].aiExtracted, undefined);
  });
});

Deno.test("activities: a timeout falls back within bounded time", async () => {
  // The stand-in would answer only after 60 s (cut short when it closes): an answer before
  // that can only be the 300 ms timeout's fallback. The bound is far from the expected ~1 s so
  // that busy cores cannot fail it.
  await withStandIn(() => ({ delayMs: 60_000, text: HAIKU }), async ({ api, logs }) => {
    const ai = createAiActivities(settings(api.url, { timeoutMs: 300, maxRetries: 1 }));
    const events = [ev("Woodshop BBQ"), ev("TBD", `${api.url}/images/logo.png`)];

    let t0 = performance.now();
    assert.equal(await ai.generateHaiku(events, TODAY), null);
    let elapsed = performance.now() - t0;
    // 2 attempts × 300 ms + one SDK backoff (≤ 0.5 s), far below the stand-in's 60 s.
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
    assert.equal(api.messages.length, 2, "1 attempt + maxRetries 1");

    t0 = performance.now();
    assert.deepEqual(await ai.extractTruckNames(events), events);
    elapsed = performance.now() - t0;
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
    assert.equal(api.messages.length, 4);

    assert.deepEqual(logs, [
      "haiku: skipped: no answer within 300 ms",
      `vision: skipped ${api.url}/images/logo.png: no answer within 300 ms (remaining images skipped)`,
    ]);
  });
});

Deno.test("activities: HTTP 500 is retried maxRetries times, then falls back", async () => {
  await withStandIn(() => ({ status: 500 }), async ({ api, logs }) => {
    const ai = createAiActivities(settings(api.url, { maxRetries: 2 }));
    assert.equal(await ai.generateHaiku([ev("Woodshop BBQ")], TODAY), null);
    assert.equal(api.messages.length, 3, "1 attempt + 2 retries");
    assert.deepEqual(api.messages.map((r) => r.headers["x-stainless-retry-count"]), [
      "0",
      "1",
      "2",
    ]);
    assert.deepEqual(logs, ["haiku: skipped: the model answered HTTP 500"]);

    const events = [ev("TBD", `${api.url}/images/a.png`), ev("TBD", `${api.url}/images/b.png`)];
    assert.deepEqual(await ai.extractTruckNames(events), events);
    assert.equal(api.messages.length, 6, "3 more for a.png; b.png skipped");
  });
});

Deno.test("activities: malformed answers fall back", async () => {
  await withStandIn(
    () => ({ text: "Well,\nit could be\nWoodshop BBQ\nor not" }),
    async ({ api }) => {
      const ai = createAiActivities(settings(api.url));
      const events = [ev("TBD", `${api.url}/images/logo.png`), ev("Woodshop BBQ")];
      assert.deepEqual(await ai.extractTruckNames(events), events);
      assert.equal(await ai.generateHaiku(events, TODAY), null);
      assert.equal(api.messages.length, 2);
    },
  );
});

Deno.test("activities: with no key configured, no request at all", async () => {
  await withStandIn(() => ({ text: HAIKU }), async ({ api, logs }) => {
    // The way the worker builds them: from the app settings, here with no ANTHROPIC_API_KEY.
    const app = readAppSettings({});
    const ai = createAiActivities(
      aiSettingsFromApp(app, { baseURL: api.url, allowPrivateNetworks: true }),
    );
    const events = [ev("TBD", `${api.url}/images/logo.png`), ev("Woodshop BBQ")];
    assert.strictEqual(await ai.extractTruckNames(events), events);
    assert.equal(await ai.generateHaiku(events, TODAY), null);
    assert.equal(api.all.length, 0);
    assert.deepEqual(logs, []);
  });
});

Deno.test("activities: settings from the app config carry key, model and vision switch", () => {
  const app = readAppSettings({ ANTHROPIC_API_KEY: KEY, VISION_ANALYSIS_ENABLED: "false" });
  const s = aiSettingsFromApp(app, { timeoutMs: 5000 });
  assert.equal(s.apiKey, KEY);
  assert.equal(s.model, app.anthropicModel);
  assert.equal(s.visionEnabled, false);
  assert.equal(s.timeoutMs, 5000);
});

Deno.test("activities: the leak check itself catches a key in console output", async () => {
  await assert.rejects(
    withStandIn(() => ({}), async () => {
      console.error(`oops ${KEY}`);
      await Promise.resolve();
    }),
    /the key leaked into console output/,
  );
});

Deno.test({
  name: "activities: without env permission for the SDK, the run goes on (fallback, one line)",
  permissions: { net: ["127.0.0.1"], env: false },
  fn: async () => {
    await withStandIn(() => ({ text: HAIKU }), async ({ api, logs }) => {
      const ai = createAiActivities(settings(api.url));
      const events = [ev("TBD", `${api.url}/images/logo.png`), ev("Woodshop BBQ")];
      assert.equal(await ai.generateHaiku(events, TODAY), null);
      assert.deepEqual(await ai.extractTruckNames(events), events);
      assert.equal(api.messages.length, 0);
      assert.equal(logs.length, 2, logs.join("\n"));
      assert.match(logs[0], /^haiku: skipped: NotCapable: Requires env access to "ANTHROPIC_/);
      assert.match(logs[1], /^vision: skipped .*logo\.png: NotCapable: Requires env access/);
    });
  },
});
