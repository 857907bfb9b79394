import assert from "node:assert/strict";
import type { AiSettings } from "../../src/ai/client.ts";
import {
  generateHaiku,
  haikuPrompt,
  parseHaikuAnswer,
  pickHaikuEvent,
} from "../../src/ai/haiku.ts";
import type { FoodTruckEvent } from "../../src/core/model.ts";
import { assertNoKeyIn, KEY, sentKey, standInSettings, withStandIn } from "./_standin.ts";

const MODEL = "claude-test-model-2";
const TODAY = "2026-11-25";
const HAIKU = "Smoke curls from the grill\nbrisket waits by the taproom\nrain on Ballard docks";

const settings = (baseURL: string, more: Partial<AiSettings> = {}): AiSettings =>
  standInSettings(baseURL, MODEL, more);

function ev(truckName: string, date: string, hour: number | null, venue = "Stoup"): FoodTruckEvent {
  const h = String(hour).padStart(2, "0");
  return {
    venueKey: venue.toLowerCase(),
    venueName: venue,
    truckName,
    date,
    start: hour === null ? null : `${date}T${h}:00:00-08:00`,
    end: null,
  };
}

const WEEK = [
  ev("Tomorrow Tacos", "2026-11-26", 11),
  ev("Late Dogs", TODAY, 17),
  ev("TBD", TODAY, 9),
  ev("No Time Noodles", TODAY, null),
  ev("Woodshop BBQ", TODAY, 12, "Obec"),
  ev("Anchor Arepas", TODAY, 12, "Urban Family"),
];

Deno.test("haiku: picks today's earliest named truck, deterministically", () => {
  assert.equal(pickHaikuEvent(WEEK, TODAY)?.truckName, "Anchor Arepas");
  assert.equal(pickHaikuEvent([...WEEK].reverse(), TODAY)?.truckName, "Anchor Arepas");
  assert.equal(
    pickHaikuEvent([ev("No Time Noodles", TODAY, null)], TODAY)?.truckName,
    "No Time Noodles",
  );
  assert.equal(pickHaikuEvent(WEEK, "2026-11-27"), null);
  assert.equal(pickHaikuEvent([ev("TBD", TODAY, 12)], TODAY), null);
});

Deno.test("haiku: success sends the model and prompt, returns the three lines", async () => {
  await withStandIn(() => ({ text: `\n${HAIKU}\n` }), async ({ api }) => {
    const haiku = await generateHaiku(WEEK, TODAY, settings(api.url));
    assert.equal(haiku, HAIKU);
    assert.equal(api.messages.length, 1);
    const req = api.messages[0];
    assert.equal(sentKey(req.headers), KEY);
    assert.equal(req.body!.model, MODEL);
    assert.deepEqual(req.body!.messages, [
      { role: "user", content: haikuPrompt(WEEK[5]) },
    ]);
    assert.match(haikuPrompt(WEEK[5]), /haiku.*"Anchor Arepas".*Urban Family/);
  });
});

Deno.test("haiku: no truck today, or no key: null and no request", async () => {
  await withStandIn(() => ({ text: HAIKU }), async ({ api }) => {
    assert.equal(await generateHaiku(WEEK, "2026-11-28", settings(api.url)), null);
    assert.equal(await generateHaiku([], TODAY, settings(api.url)), null);
    for (const apiKey of [undefined, ""]) {
      assert.equal(await generateHaiku(WEEK, TODAY, { ...settings(api.url), apiKey }), null);
    }
    assert.equal(api.all.length, 0);
  });
});

Deno.test("haiku: malformed answers give null and one log line each", async () => {
  const answers = [
    "Smoke curls from the grill\nbrisket waits by the taproom", // 2 lines
    `Title: Smoke\n${HAIKU}`, // 4 lines
    "Smoke curls from the grill\n\nrain on Ballard docks", // empty middle line
    "",
  ];
  await withStandIn((n) => ({ text: answers[n] }), async ({ api, logs }) => {
    for (const _ of answers) {
      assert.equal(await generateHaiku(WEEK, TODAY, settings(api.url)), null);
    }
    assert.equal(api.messages.length, answers.length);
    assert.deepEqual(logs, [
      "haiku: skipped: malformed answer: 2 lines instead of 3",
      "haiku: skipped: malformed answer: 4 lines instead of 3",
      "haiku: skipped: malformed answer: an empty line",
      "haiku: skipped: malformed answer: an empty answer",
    ]);
  });
});

Deno.test("haiku: an HTTP error throws (for the activity to catch) without the key", async () => {
  await withStandIn(() => ({ status: 401 }), async ({ api }) => {
    let thrown: unknown;
    try {
      await generateHaiku(WEEK, TODAY, settings(api.url));
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown);
    assert.equal((thrown as { status?: number }).status, 401);
    assert.equal(api.messages.length, 1, "401 is not retried");
    assertNoKeyIn(thrown);
  });
});

Deno.test("haiku: answer parsing", () => {
  assert.equal(parseHaikuAnswer(`  ${HAIKU.replaceAll("\n", "  \r\n  ")}  `), HAIKU);
  assert.throws(() => parseHaikuAnswer("one\ntwo"), { name: "AiAnswerError" });
  assert.throws(() => parseHaikuAnswer(`a\n${"b".repeat(81)}\nc`), { name: "AiAnswerError" });
});
