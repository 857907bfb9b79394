import assert from "node:assert/strict";
import {
  forgetParses,
  MAX_REMEMBERED,
  MAX_REMEMBERED_BYTES,
  parseCount,
  parseOnce,
} from "../../src/venues/parse_memo.ts";
import type { VenueContext } from "../../src/venues/types.ts";
import type { FoodTruckEvent } from "../../src/core/model.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { fetchVenueEvents } from "../../src/venues/pipeline.ts";
import { HttpClient, ParseError } from "../../src/net/http.ts";
import { addDays } from "../../src/core/time.ts";

const ctx = (today = "2026-03-05", key = "example"): VenueContext => ({
  venue: { key, name: "Example", url: "https://example.com/" },
  today,
  until: addDays(today, 7),
  http: new HttpClient(),
});

/** A parser that counts its calls and makes one event per line of the body. */
function counting() {
  let calls = 0;
  const parse = (body: string, c: VenueContext): FoodTruckEvent[] => {
    calls++;
    return body.split("\n").map((line) => ({
      venueKey: c.venue.key,
      venueName: c.venue.name,
      truckName: line,
      date: c.today,
      start: null,
      end: null,
    }));
  };
  return { parse, calls: () => calls };
}

Deno.test("the same body is parsed once; each caller gets its own copy", () => {
  forgetParses();
  const p = counting();
  const first = parseOnce(p.parse, "Tacos\nBurgers", ctx());
  first[0].truckName = "changed by the caller";
  const second = parseOnce(p.parse, "Tacos\nBurgers", ctx());
  assert.equal(p.calls(), 1);
  assert.deepEqual(second.map((e) => e.truckName), ["Tacos", "Burgers"]);
  assert.notEqual(second, parseOnce(p.parse, "Tacos\nBurgers", ctx()));
});

Deno.test("a changed body, another day, another venue or another parser parses again", () => {
  forgetParses();
  const p = counting();
  parseOnce(p.parse, "Tacos", ctx());
  parseOnce(p.parse, "Tacos!", ctx());
  parseOnce(p.parse, "Tacos", ctx("2026-03-06"));
  parseOnce(p.parse, "Tacos", ctx("2026-03-05", "other"));
  assert.equal(p.calls(), 4);
  const q = counting();
  parseOnce(q.parse, "Tacos", ctx());
  assert.equal(q.calls(), 1);
});

Deno.test("a parse that throws is not remembered", () => {
  forgetParses();
  let calls = 0;
  const failing = () => {
    calls++;
    throw new ParseError("not the expected page");
  };
  assert.throws(() => parseOnce(failing, "<html>", ctx()), ParseError);
  assert.throws(() => parseOnce(failing, "<html>", ctx()), ParseError);
  assert.equal(calls, 2);
});

Deno.test(`at most ${MAX_REMEMBERED} parses are kept, the least recently used go first`, () => {
  forgetParses();
  const p = counting();
  for (let i = 0; i < MAX_REMEMBERED; i++) parseOnce(p.parse, `truck ${i}`, ctx());
  parseOnce(p.parse, "truck 0", ctx()); // used again: now the most recent
  parseOnce(p.parse, "one more", ctx()); // pushes out "truck 1"
  assert.equal(p.calls(), MAX_REMEMBERED + 1);
  parseOnce(p.parse, "truck 0", ctx());
  assert.equal(p.calls(), MAX_REMEMBERED + 1);
  parseOnce(p.parse, "truck 1", ctx());
  assert.equal(p.calls(), MAX_REMEMBERED + 2);
});

Deno.test(`a parse larger than ${MAX_REMEMBERED_BYTES} bytes as JSON is not kept`, () => {
  forgetParses();
  const p = counting();
  const big = "x".repeat(MAX_REMEMBERED_BYTES); // one event whose name alone is the limit
  parseOnce(p.parse, big, ctx());
  parseOnce(p.parse, big, ctx());
  assert.equal(p.calls(), 2);
  const small = "x".repeat(1000);
  parseOnce(p.parse, small, ctx());
  parseOnce(p.parse, small, ctx());
  assert.equal(p.calls(), 3);
});

Deno.test("reading the Stoup fixture twice parses it once and gives the same events", async () => {
  forgetParses();
  await using fx = await startFixtureServer();
  const [stoup] = fx.venueList(await loadVenueList()).filter((v) => v.key === "stoup-ballard");
  const http = new HttpClient({ allowPrivateNetworks: fx.allowList });
  const until = addDays(FIXTURE_DATE, 7);
  const before = parseCount();
  const first = await fetchVenueEvents(stoup, FIXTURE_DATE, until, http);
  const second = await fetchVenueEvents(stoup, FIXTURE_DATE, until, http);
  assert.equal(parseCount() - before, 1);
  assert.ok(first.length > 0);
  assert.deepEqual(second, first);
  assert.equal(fx.requests.length, 2, "the page is still read every time");
});
