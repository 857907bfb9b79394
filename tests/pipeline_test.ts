import assert from "node:assert/strict";
import type { FoodTruckEvent, VenueEntry, VenueResult } from "../src/core/model.ts";
import { HttpClient } from "../src/net/http.ts";
import {
  fetchVenueEvents,
  mapBounded,
  MAX_EVENT_TEXT_CHARS,
  MAX_EVENTS_PER_VENUE,
  mergeResults,
  scrapeAll,
} from "../src/venues/pipeline.ts";
import { FIXTURE_DATE, startFixtureServer } from "../src/venues/fixture_server.ts";
import { loadVenueList } from "../src/venues/list.ts";
import { VENUE_KEYS } from "../src/venues/registry.ts";

const fastHttp = (o: ConstructorParameters<typeof HttpClient>[0] = {}) =>
  new HttpClient({ timeoutMs: 3000, retries: 1, backoffMs: 1, allowPrivateNetworks: true, ...o });

const startMs = (e: FoodTruckEvent) => (e.start ? Date.parse(e.start) : Infinity);
const dedupeKey = (e: FoodTruckEvent) =>
  [e.venueKey, e.date, e.start ? Date.parse(e.start) : "", e.truckName.trim().toLowerCase()]
    .join("|");

Deno.test("scrapeAll: reads all seven fixture venues, within the window, sorted, without duplicates", async () => {
  await using server = await startFixtureServer();
  const venues = server.venueList(await loadVenueList());
  const r = await scrapeAll(venues, { date: FIXTURE_DATE, http: fastHttp() });
  assert.deepEqual(r.errors, []);
  assert.equal(r.from, "2026-03-05");
  assert.equal(r.to, "2026-03-12");
  assert.deepEqual(new Set(r.events.map((e) => e.venueKey)), new Set(VENUE_KEYS));
  assert.equal(VENUE_KEYS.length, 7);
  for (const e of r.events) {
    assert.ok(e.date >= "2026-03-05" && e.date <= "2026-03-12", `${e.date} outside the window`);
  }
  for (let i = 1; i < r.events.length; i++) {
    const a = r.events[i - 1], b = r.events[i];
    assert.ok(a.date <= b.date, `${a.date} before ${b.date}`);
    if (a.date === b.date) {
      assert.ok(startMs(a) <= startMs(b), `${a.start} after ${b.start} on ${a.date}`);
    }
  }
  const keys = r.events.map(dedupeKey);
  assert.equal(new Set(keys).size, keys.length, "duplicate events");
});

Deno.test("scrapeAll: a venue answering 500 becomes one VenueError; the others are read", async () => {
  await using server = await startFixtureServer({ fail: { "stoup-ballard": 500 } });
  const venues = server.venueList(await loadVenueList());
  const r = await scrapeAll(venues, { date: FIXTURE_DATE, http: fastHttp() });
  assert.equal(r.errors.length, 1);
  const [err] = r.errors;
  assert.equal(err.venueKey, "stoup-ballard");
  assert.equal(err.venueName, "Stoup Brewing - Ballard");
  assert.equal(err.message, "Could not read the schedule of Stoup Brewing - Ballard");
  assert.match(err.detail, /^HttpStatusError: HTTP 500\b/);
  assert.ok(!err.detail.includes("\n"), "detail is one line");
  const read = new Set(r.events.map((e) => e.venueKey));
  assert.equal(read.size, 6);
  assert.ok(!read.has("stoup-ballard"));
});

Deno.test("scrapeAll: a parse error is not retried, a 503 is", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atg-fixtures-" });
  try {
    await Deno.mkdir(`${dir}/stoup-ballard`);
    await Deno.writeTextFile(
      `${dir}/stoup-ballard/routes.json`,
      JSON.stringify([{ path: "/ballard/", body: "garbage, not the Stoup page" }]),
    );
    await Deno.mkdir(`${dir}/obec-brewing`);
    await Deno.writeTextFile(
      `${dir}/obec-brewing/routes.json`,
      JSON.stringify([{ path: "/", status: 503, body: "down" }]),
    );
    await using server = await startFixtureServer({ dir });
    const venues = server.venueList(
      (await loadVenueList()).filter((v) => ["stoup-ballard", "obec-brewing"].includes(v.key)),
    );
    const r = await scrapeAll(venues, { date: FIXTURE_DATE, http: fastHttp({ retries: 2 }) });
    const count = (path: string) => server.requests.filter((q) => q === `GET ${path}`).length;
    assert.equal(count("/ballard/"), 1, "the parse error was retried");
    assert.equal(count("/"), 3, "the 503 was not retried twice");
    const byKey = Object.fromEntries(r.errors.map((e) => [e.venueKey, e.detail]));
    assert.match(byKey["stoup-ballard"], /^ParseError: /);
    assert.match(byKey["obec-brewing"], /^HttpStatusError: HTTP 503\b/);
    assert.deepEqual(r.events, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scrapeAll: reads no more venues at once than `concurrency`", async () => {
  await using server = await startFixtureServer();
  const venues = server.venueList(await loadVenueList());
  let inFlight = 0, max = 0;
  const counting: typeof fetch = async (input, init) => {
    max = Math.max(max, ++inFlight);
    try {
      await new Promise((r) => setTimeout(r, 5));
      return await fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  const r = await scrapeAll(venues, {
    date: FIXTURE_DATE,
    concurrency: 2,
    http: fastHttp({ fetch: counting }),
  });
  assert.deepEqual(r.errors, []);
  assert.equal(max, 2);
});

Deno.test("mapBounded: never has more than `limit` calls in flight and keeps the input order", async () => {
  let inFlight = 0, max = 0;
  const items = Array.from({ length: 12 }, (_, i) => i);
  const out = await mapBounded(items, 3, async (x, i) => {
    max = Math.max(max, ++inFlight);
    await new Promise((r) => setTimeout(r, (x * 7) % 5));
    inFlight--;
    return `${x}:${i}`;
  });
  assert.equal(max, 3);
  assert.deepEqual(out, items.map((x) => `${x}:${x}`));
});

Deno.test("mapBounded: a limit below 1 still runs one at a time; no items gives []", async () => {
  let inFlight = 0, max = 0;
  const out = await mapBounded([1, 2, 3], 0, async (x) => {
    max = Math.max(max, ++inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return x * 2;
  });
  assert.deepEqual(out, [2, 4, 6]);
  assert.equal(max, 1);
  assert.deepEqual(await mapBounded([], 4, () => Promise.resolve(1)), []);
});

const ev = (o: Partial<FoodTruckEvent> & Pick<FoodTruckEvent, "date">): FoodTruckEvent => ({
  venueKey: "v",
  venueName: "Venue",
  truckName: "Truck",
  start: null,
  end: null,
  ...o,
});
const result = (events: FoodTruckEvent[], extra: Partial<VenueResult> = {}): VenueResult => ({
  venueKey: "v",
  venueName: "Venue",
  events,
  ...extra,
});

Deno.test("mergeResults: keeps the window's first and last day, drops the days around it", () => {
  const r = mergeResults(
    [result(["2026-03-04", "2026-03-05", "2026-03-12", "2026-03-13"].map((date) => ev({ date })))],
    "2026-03-05",
    "2026-03-12",
  );
  assert.deepEqual(r.events.map((e) => e.date), ["2026-03-05", "2026-03-12"]);
  assert.equal(r.from, "2026-03-05");
  assert.equal(r.to, "2026-03-12");
});

Deno.test("mergeResults: removes duplicates ignoring case and spaces; the first one wins", () => {
  const first = ev({
    date: "2026-03-05",
    truckName: "Woodshop BBQ",
    start: "2026-03-05T13:00:00-08:00",
    description: "first",
  });
  const r = mergeResults(
    [
      result([
        first,
        ev({ date: "2026-03-05", truckName: "  woodshop   bbq ", start: "2026-03-05T21:00:00Z" }),
        ev({ date: "2026-03-05", truckName: "WOODSHOP BBQ", start: "2026-03-05T13:00:00-08:00" }),
      ]),
      result([
        ev({
          date: "2026-03-05",
          venueName: " venue ",
          truckName: "Woodshop BBQ",
          start: "2026-03-05T13:00:00-08:00",
        }),
      ]),
    ],
    "2026-03-05",
    "2026-03-12",
  );
  assert.deepEqual(r.events, [first]);
});

Deno.test("mergeResults: keeps events that differ in venue, day, start or truck", () => {
  const base = {
    date: "2026-03-05",
    truckName: "Woodshop BBQ",
    start: "2026-03-05T13:00:00-08:00",
  };
  const r = mergeResults(
    [
      result([
        ev(base),
        ev({ ...base, venueName: "Other Venue" }),
        ev({ ...base, date: "2026-03-06", start: "2026-03-06T13:00:00-08:00" }),
        ev({ ...base, start: "2026-03-05T17:00:00-08:00" }),
        ev({ ...base, start: null }),
        ev({ ...base, truckName: "Woodshop BBQ Two" }),
      ]),
    ],
    "2026-03-05",
    "2026-03-12",
  );
  assert.equal(r.events.length, 6);
});

Deno.test("mergeResults: sorts by day, then start (untimed last), then venue, then truck", () => {
  const r = mergeResults(
    [
      result([
        ev({ date: "2026-03-06", truckName: "F", start: "2026-03-06T11:00:00-08:00" }),
        ev({ date: "2026-03-05", truckName: "untimed" }),
        ev({ date: "2026-03-05", truckName: "evening", start: "2026-03-05T17:00:00-08:00" }),
        ev({
          date: "2026-03-05",
          truckName: "B",
          venueName: "Zed",
          start: "2026-03-05T12:00:00-08:00",
        }),
        ev({
          date: "2026-03-05",
          truckName: "A",
          venueName: "Zed",
          start: "2026-03-05T12:00:00-08:00",
        }),
        // 11:30 PST written in UTC sorts by instant, not by text.
        ev({ date: "2026-03-05", truckName: "early", start: "2026-03-05T19:30:00Z" }),
        ev({
          date: "2026-03-05",
          truckName: "C",
          venueName: "Alpha",
          start: "2026-03-05T12:00:00-08:00",
        }),
      ]),
    ],
    "2026-03-05",
    "2026-03-12",
  );
  assert.deepEqual(r.events.map((e) => `${e.date} ${e.truckName}`), [
    "2026-03-05 early",
    "2026-03-05 C",
    "2026-03-05 A",
    "2026-03-05 B",
    "2026-03-05 evening",
    "2026-03-05 untimed",
    "2026-03-06 F",
  ]);
});

Deno.test("mergeResults: collects each failed venue's error", () => {
  const error = {
    venueKey: "x",
    venueName: "X",
    message: "Could not read the schedule of X",
    detail: "d",
  };
  const r = mergeResults(
    [
      result([], { venueKey: "x", venueName: "X", error }),
      result([ev({ date: "2026-03-05" })]),
    ],
    "2026-03-05",
    "2026-03-12",
  );
  assert.deepEqual(r.errors, [error]);
  assert.equal(r.events.length, 1);
});

Deno.test("scrapeAll: a venue key without a parser is that venue's error, not a crash", async () => {
  const venues: VenueEntry[] = [{ key: "nowhere", name: "Nowhere", url: "http://127.0.0.1:9/" }];
  const r = await scrapeAll(venues, { date: FIXTURE_DATE, http: fastHttp() });
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].message, "Could not read the schedule of Nowhere");
  assert.match(r.errors[0].detail, /no parser for venue key "nowhere"/);
});

Deno.test("fetchVenueEvents: window first, then at most 500 + 1 events; long texts cut at 500 characters", async () => {
  const slot = (day: number, i: number, name: string) => ({
    start_time: `2026-03-${String(day).padStart(2, "0")}T12:${
      String(i % 60).padStart(2, "0")
    }:00-08:00`,
    end_time: `2026-03-${String(day).padStart(2, "0")}T13:00:00-08:00`,
    bookings: [{ status: "approved", truck: { name } }],
  });
  // 700 slots before the window (not counted), then 800 inside it, one with a huge name.
  const events = [
    ...Array.from({ length: 700 }, (_, i) => slot(1, i, `Early ${i}`)),
    slot(5, 0, "N".repeat(10_000)),
    ...Array.from({ length: 799 }, (_, i) => slot(6 + (i % 5), i, `Truck ${i}`)),
  ];
  await using s = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => Response.json({ events }),
  );
  const venue = {
    key: "salehs-corner",
    name: "Saleh's",
    url: `http://127.0.0.1:${s.addr.port}/api`,
  };
  const got = await fetchVenueEvents(venue, "2026-03-05", "2026-03-12", fastHttp());
  assert.equal(got.length, MAX_EVENTS_PER_VENUE + 1);
  assert.ok(got.every((e) => e.date >= "2026-03-05"), "events before the window were counted");
  assert.equal(got[0].truckName, "N".repeat(MAX_EVENT_TEXT_CHARS));
  const merged = mergeResults(
    [{ venueKey: venue.key, venueName: venue.name, events: got }],
    "2026-03-05",
    "2026-03-12",
  );
  assert.equal(merged.events.length, MAX_EVENTS_PER_VENUE);
  assert.match(merged.warnings![0].message, /^Saleh's: truncated to its first 500 events/);
});

Deno.test("mergeResults: no warnings field when no venue was truncated", () => {
  const r = mergeResults([], "2026-03-05", "2026-03-12");
  assert.equal("warnings" in r, false);
});

Deno.test("scrapeAll: a venue entry with a file:// apiUrl fails that venue before any fetch", async () => {
  const r = await scrapeAll([{
    key: "yonder-balebreaker",
    name: "Yonder",
    url: "http://127.0.0.1:1/page",
    options: { apiUrl: "file:///etc/hostname" },
  }], { date: FIXTURE_DATE, http: fastHttp() });
  assert.equal(r.errors.length, 1);
  assert.match(
    r.errors[0].detail,
    /^VenueInputError: venue option apiUrl "file:\/\/\/etc\/hostname" is not an http\(s\) URL$/,
  );
});
