import assert from "node:assert/strict";
import type { AiSettings } from "../../src/ai/client.ts";
import {
  applyVision,
  extractTruckName,
  MAX_TRUCK_NAME_LENGTH,
  parseTruckNameAnswer,
  sniffImageType,
  TruckNameCache,
  VISION_PROMPT,
  type VisionEvent,
} from "../../src/ai/vision.ts";
import {
  assertNoKeyIn,
  KEY,
  PNG_BYTES,
  sentKey,
  standInSettings,
  withStandIn,
} from "./_standin.ts";
import { AiBaseUrlError, checkAiBaseUrl, createAiClient } from "../../src/ai/client.ts";
import { readAppSettings } from "../../src/config/app.ts";

const MODEL = "claude-test-model-1";

const settings = (baseURL: string, more: Partial<AiSettings> = {}): AiSettings =>
  standInSettings(baseURL, MODEL, more);

function ev(truckName: string, imageUrl?: string, date = "2026-11-25"): VisionEvent {
  return {
    venueKey: "stoup-ballard",
    venueName: "Stoup Brewing - Ballard",
    truckName,
    date,
    start: `${date}T13:00:00-08:00`,
    end: `${date}T20:00:00-08:00`,
    ...(imageUrl ? { imageUrl } : {}),
  };
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

Deno.test("vision: names a TBD event from its image, sent as base64 with the prompt", async () => {
  await withStandIn(() => ({ text: ' "Woodshop BBQ"\n' }), async ({ api }) => {
    const img = `${api.url}/images/truck.png`;
    const events = [ev("TBD", img), ev("Marination"), ev("TBD")];
    const out = await applyVision(events, settings(api.url));

    assert.equal(out[0].truckName, "Woodshop BBQ");
    assert.equal(out[0].aiExtracted, true);
    assert.strictEqual(out[1], events[1]);
    assert.strictEqual(out[2], events[2]);
    assert.equal(events[0].truckName, "TBD", "input not modified");

    assert.equal(api.images.length, 1);
    assert.equal(api.messages.length, 1);
    const req = api.messages[0];
    assert.equal(sentKey(req.headers), KEY);
    assert.equal(req.body!.model, MODEL);
    const [msg] = req.body!.messages as { role: string; content: Record<string, unknown>[] }[];
    assert.equal(msg.role, "user");
    assert.deepEqual(msg.content[0], {
      type: "image",
      source: { type: "base64", media_type: "image/png", data: b64(PNG_BYTES) },
    });
    assert.deepEqual(msg.content[1], { type: "text", text: VISION_PROMPT });
    assert.match(VISION_PROMPT, /exactly UNKNOWN/);
  });
});

Deno.test("vision: imageMode url sends the image URL for the API to fetch", async () => {
  await withStandIn(() => ({ text: "Off the Rez" }), async ({ api }) => {
    const img = `${api.url}/images/flyer.png`;
    const name = await extractTruckName(img, settings(api.url, { imageMode: "url" }));
    assert.equal(name, "Off the Rez");
    assert.equal(api.images.length, 0, "the image is not fetched here");
    const [msg] = api.messages[0].body!.messages as { content: Record<string, unknown>[] }[];
    assert.deepEqual(msg.content[0], { type: "image", source: { type: "url", url: img } });
    assert.equal(sentKey(api.messages[0].headers), KEY);
  });
});

Deno.test("vision: UNKNOWN gives null and the event keeps TBD", async () => {
  await withStandIn(() => ({ text: "UNKNOWN" }), async ({ api }) => {
    const events = [ev("TBD", `${api.url}/images/blurry.png`)];
    const out = await applyVision(events, settings(api.url));
    assert.strictEqual(out[0], events[0]);
    assert.equal(out[0].truckName, "TBD");
    assert.equal(out[0].aiExtracted, undefined);
    assert.equal(api.messages.length, 1);
  });
});

Deno.test("vision: malformed answers give null, are logged and not cached", async () => {
  const answers = ["Woodshop BBQ\nThe logo shows a smoker.", "x".repeat(MAX_TRUCK_NAME_LENGTH + 1)];
  await withStandIn((n) => ({ text: answers[n % 2] }), async ({ api, logs }) => {
    const img = `${api.url}/images/truck.png`;
    const cache = new TruckNameCache();
    assert.equal(await extractTruckName(img, settings(api.url), cache), null);
    assert.equal(await extractTruckName(img, settings(api.url), cache), null);
    assert.equal(api.messages.length, 2, "a malformed answer is not cached");
    assert.equal(cache.has(img), false);
    assert.ok(
      logs.some((l) => /^vision: malformed answer: several lines/.test(l)),
      logs.join("\n"),
    );
    assert.ok(logs.some((l) => /^vision: malformed answer: an answer of 61 characters/.test(l)));

    const out = await applyVision([ev("TBD", img)], settings(api.url), cache);
    assert.equal(out[0].truckName, "TBD");
  });
});

Deno.test("vision: answer cut at max_tokens is malformed", async () => {
  await withStandIn(() => ({ text: "Woodshop", stopReason: "max_tokens" }), async ({ api }) => {
    assert.equal(await extractTruckName(`${api.url}/images/a.png`, settings(api.url)), null);
  });
});

Deno.test("vision: a cached image makes no second request (memory and file)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ai_vision_cache_" });
  try {
    await withStandIn(() => ({ text: "Woodshop BBQ" }), async ({ api }) => {
      const img = `${api.url}/images/truck.png`;
      const s = settings(api.url, { visionCachePath: `${dir}/names.json` });
      const cache = new TruckNameCache();
      const out = await applyVision([ev("TBD", img), ev("TBD", img, "2026-11-26")], s, cache);
      assert.deepEqual(out.map((e) => e.truckName), ["Woodshop BBQ", "Woodshop BBQ"]);
      assert.equal(api.messages.length, 1, "same image twice: one request");
      assert.equal(await extractTruckName(img, s, cache), "Woodshop BBQ");
      assert.equal(api.messages.length, 1);
      assert.equal(api.images.length, 1);

      // The file cache: a first run writes it, a fresh run (new process) reads it.
      await applyVision([ev("TBD", img)], s);
      assert.equal(api.messages.length, 2);
      const file = JSON.parse(await Deno.readTextFile(`${dir}/names.json`));
      assert.deepEqual(file, { version: 1, names: { [img]: "Woodshop BBQ" } });
      const again = await applyVision([ev("TBD", img)], s);
      assert.equal(again[0].truckName, "Woodshop BBQ");
      assert.equal(again[0].aiExtracted, true);
      assert.equal(api.messages.length, 2, "answered from the file");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vision: a corrupt cache file is ignored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ai_vision_cache_" });
  try {
    await Deno.writeTextFile(`${dir}/names.json`, "{ not json");
    const cache = await TruckNameCache.load(`${dir}/names.json`);
    assert.equal(cache.has("http://x/a.png"), false);
    cache.set("http://x/a.png", null);
    await cache.save();
    assert.equal((await TruckNameCache.load(`${dir}/names.json`)).get("http://x/a.png"), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vision: without a key, or with vision off, no request at all", async () => {
  await withStandIn(() => ({ text: "Woodshop BBQ" }), async ({ api }) => {
    const img = `${api.url}/images/truck.png`;
    const events = [ev("TBD", img)];
    for (const apiKey of [undefined, "", "   "]) {
      const s = { ...settings(api.url), apiKey };
      assert.strictEqual(await applyVision(events, s), events);
      assert.equal(await extractTruckName(img, s), null);
    }
    const off = await applyVision(events, settings(api.url, { visionEnabled: false }));
    assert.strictEqual(off, events);
    assert.equal(api.all.length, 0);
  });
});

Deno.test("vision: HTTP 500 is retried maxRetries times, then the rest is skipped", async () => {
  await withStandIn(() => ({ status: 500 }), async ({ api, logs }) => {
    const s = settings(api.url, { maxRetries: 2 });
    const events = [ev("TBD", `${api.url}/images/a.png`), ev("TBD", `${api.url}/images/b.png`)];
    const out = await applyVision(events, s);
    assert.deepEqual(out, events);
    assert.equal(api.messages.length, 3, "1 attempt + 2 retries, then b.png skipped");
    assert.equal(logs.length, 1, logs.join("\n"));
    assert.match(logs[0], /^vision: skipped .*a\.png: the model answered HTTP 500/);

    let thrown: unknown;
    try {
      await extractTruckName(`${api.url}/images/a.png`, s);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown, "extractTruckName itself throws; applyVision catches");
    assertNoKeyIn(thrown);
  });
});

Deno.test("vision: an image that cannot be read keeps TBD and does not stop the others", async () => {
  await withStandIn(() => ({ text: "Woodshop BBQ" }), async ({ api, logs }) => {
    const events = [ev("TBD", `${api.url}/images/notes.txt`), ev("TBD", `${api.url}/images/b.png`)];
    const out = await applyVision(events, settings(api.url));
    assert.equal(out[0].truckName, "TBD");
    assert.equal(out[1].truckName, "Woodshop BBQ");
    assert.equal(api.messages.length, 1);
    assert.match(logs[0], /^vision: skipped .*notes\.txt: Error: not a JPEG, PNG, GIF or WebP/);
  });
});

Deno.test("vision: answer parsing", () => {
  assert.equal(parseTruckNameAnswer("  'Woodshop BBQ'  "), "Woodshop BBQ");
  assert.equal(parseTruckNameAnswer("“Off the Rez”"), "Off the Rez");
  assert.equal(parseTruckNameAnswer("UNKNOWN"), null);
  assert.equal(parseTruckNameAnswer(' "unknown." '), null);
  assert.throws(() => parseTruckNameAnswer(""), { name: "AiAnswerError" });
  assert.throws(() => parseTruckNameAnswer("A\nB"), { name: "AiAnswerError" });
  assert.throws(() => parseTruckNameAnswer("y".repeat(61)), { name: "AiAnswerError" });
  assert.equal(sniffImageType(PNG_BYTES), "image/png");
  assert.equal(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), "image/jpeg");
  assert.equal(sniffImageType(new TextEncoder().encode("<html>")), null);
});

Deno.test("vision: a 400 about one image does not skip the others", async () => {
  await withStandIn((n) => n === 0 ? { status: 400 } : { text: "Woodshop BBQ" }, async (ctx) => {
    const { api, logs } = ctx;
    const events = [ev("TBD", `${api.url}/images/a.png`), ev("TBD", `${api.url}/images/b.png`)];
    const out = await applyVision(events, settings(api.url));
    assert.deepEqual(out.map((e) => e.truckName), ["TBD", "Woodshop BBQ"]);
    assert.equal(api.messages.length, 2, "400 is not retried");
    assert.deepEqual(logs, [
      `vision: skipped ${api.url}/images/a.png: the model answered HTTP 400`,
    ]);
  });
});

Deno.test('vision: an <img src="file:///…"> image is never read nor sent to the model', async () => {
  const dir = await Deno.makeTempDir();
  const png = `${dir}/private.png`;
  await Deno.writeFile(png, PNG_BYTES);
  try {
    for (const imageMode of ["base64", "url"] as const) {
      await withStandIn(() => ({ text: "Stolen Name" }), async ({ api, logs }) => {
        const events = [ev("TBD", `file://${png}`), ev("TBD", "data:image/png;base64,AAAA")];
        const out = await applyVision(events, settings(api.url, { imageMode }));
        assert.equal(out[0].truckName, "TBD");
        assert.equal(out[1].truckName, "TBD");
        assert.equal(api.messages.length, 0, `${imageMode}: a request reached the model API`);
        assert.ok(
          logs.some((l) => /only http and https URLs are fetched, not "file:"/.test(l)),
          logs.join("\n"),
        );
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vision: an image on a loopback address is refused unless allowed", async () => {
  await withStandIn(() => ({ text: "Woodshop BBQ" }), async ({ api, logs }) => {
    const img = `${api.url}/images/truck.png`;
    const out = await applyVision(
      [ev("TBD", img)],
      settings(api.url, { allowPrivateNetworks: false }),
    );
    assert.equal(out[0].truckName, "TBD");
    assert.equal(api.images.length, 0);
    assert.equal(api.messages.length, 0);
    assert.ok(logs.some((l) => /loopback address/.test(l)), logs.join("\n"));
  });
});

Deno.test("ai: ANTHROPIC_BASE_URL must be https; plain http only to loopback", () => {
  assert.equal(checkAiBaseUrl("https://gateway.example/anthropic"), null);
  assert.equal(checkAiBaseUrl("http://127.0.0.1:8080"), null);
  assert.equal(checkAiBaseUrl("http://[::1]:8080"), null);
  assert.equal(checkAiBaseUrl("http://localhost:8080"), null);
  assert.match(checkAiBaseUrl("http://gateway.example/")!, /must be https:\/\//);
  assert.match(checkAiBaseUrl("http://10.0.0.5/")!, /must be https:\/\//);
  assert.match(checkAiBaseUrl("ftp://x/")!, /not "ftp:"/);
  assert.match(checkAiBaseUrl("https://u:p@x/")!, /user name or password/);
  assert.throws(
    () => createAiClient({ apiKey: KEY, model: MODEL, baseURL: "http://gateway.example/" }),
    (err: Error) => err instanceof AiBaseUrlError && !err.message.includes(KEY),
  );
  const app = readAppSettings({ ANTHROPIC_BASE_URL: "http://gateway.example/" });
  assert.deepEqual(app.issues.map((i) => i.variable), ["ANTHROPIC_BASE_URL"]);
});
