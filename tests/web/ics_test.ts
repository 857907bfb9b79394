/**
 * The calendar feeds, parsed by a real iCalendar parser (`ical.js`): times across the
 * spring-forward week of the fixtures, stable UIDs, all-day entries, escaping, folding, and one
 * feed per venue.
 *
 * @example
 * ```sh
 * deno test --allow-read --allow-net=127.0.0.1 tests/web/ics_test.ts
 * ```
 * @module
 */
import assert from "node:assert/strict";
import ICAL from "ical.js";
import type { FoodTruckEvent, FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { toWebData } from "../../src/publish/data.ts";
import { ALL_CALENDAR, buildCalendar, calendarFiles, eventUids } from "../../src/publish/ics.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { scrapeAll } from "../../src/venues/pipeline.ts";
import { HttpClient } from "../../src/net/http.ts";
import { formatTime12, pacificDateOf } from "../../src/core/time.ts";

const NOW = new Date("2026-03-05T18:15:00.000Z");

interface Parsed {
  uid: string;
  summary: string;
  description: string | null;
  start: ICAL.Time;
  end: ICAL.Time | null;
}

/** Parses a feed with ical.js and returns its events (throws on invalid iCalendar). */
function parse(text: string): { name: string; events: Parsed[] } {
  const cal = new ICAL.Component(ICAL.parse(text));
  assert.equal(cal.name, "vcalendar");
  assert.equal(cal.getFirstPropertyValue("version"), "2.0");
  const events = cal.getAllSubcomponents("vevent").map((c) => {
    const e = new ICAL.Event(c);
    assert.ok(c.getFirstPropertyValue("dtstamp"), "DTSTAMP is required");
    return {
      uid: e.uid,
      summary: e.summary,
      description: (c.getFirstPropertyValue("description") as string | null) ?? null,
      start: e.startDate,
      end: c.hasProperty("dtend") ? e.endDate : null,
    };
  });
  return { name: String(cal.getFirstPropertyValue("x-wr-calname")), events };
}

function ev(over: Partial<FoodTruckEvent>): FoodTruckEvent {
  return {
    venueKey: "stoup-ballard",
    venueName: "Stoup Brewing - Ballard",
    truckName: "Woodshop BBQ",
    date: "2026-03-07",
    start: "2026-03-07T13:00:00-08:00",
    end: "2026-03-07T20:00:00-08:00",
    ...over,
  };
}

function result(events: FoodTruckEvent[]): FoodTruckWorkflowResult {
  return { from: "2026-03-05", to: "2026-03-12", events, errors: [] };
}

Deno.test("ICS: 1 PM Pacific stays 1 PM on both sides of the spring-forward change (UTC times)", () => {
  const data = toWebData(
    result([
      ev({}),
      ev({
        truckName: "Nosh",
        date: "2026-03-08",
        start: "2026-03-08T13:00:00-07:00",
        end: "2026-03-08T20:00:00-07:00",
      }),
    ]),
    NOW,
  );
  const { events } = parse(calendarFiles(data)[ALL_CALENDAR]);
  assert.equal(events.length, 2);
  // Saturday 1 PM PST is 21:00Z; Sunday 1 PM PDT is 20:00Z.
  assert.deepEqual(events.map((e) => e.start.toJSDate().toISOString()), [
    "2026-03-07T21:00:00.000Z",
    "2026-03-08T20:00:00.000Z",
  ]);
  assert.deepEqual(events.map((e) => e.end?.toJSDate().toISOString()), [
    "2026-03-08T04:00:00.000Z",
    "2026-03-09T03:00:00.000Z",
  ]);
  assert.ok(events.every((e) => e.start.zone?.tzid === "UTC"));
  assert.deepEqual(events.map((e) => e.summary), [
    "Woodshop BBQ @ Stoup Brewing - Ballard",
    "Nosh @ Stoup Brewing - Ballard",
  ]);
});

Deno.test("ICS: every timed event of the fixtures' spring-forward week parses to its Pacific time", async () => {
  await using fixtures = await startFixtureServer();
  const venues = fixtures.venueList(await loadVenueList());
  // The fixture server is on loopback: the guarded fetch is told to allow exactly it.
  const http = new HttpClient({ allowPrivateNetworks: fixtures.allowList });
  const r = await scrapeAll(venues, { date: FIXTURE_DATE, http });
  const data = toWebData(r, NOW);
  const days = new Set(data.events.map((e) => e.date));
  assert.ok(
    days.has("2026-03-07") && days.has("2026-03-08") && days.has("2026-03-09"),
    [...days].join(),
  );
  const { events } = parse(calendarFiles(data)[ALL_CALENDAR]);
  assert.equal(events.length, data.events.length);
  const uids = eventUids(data.events);
  let timed = 0;
  data.events.forEach((e, i) => {
    const got = events.find((p) => p.uid === uids[i]);
    assert.ok(got, `missing ${uids[i]}`);
    if (e.starts_at) {
      timed++;
      const at = got.start.toJSDate();
      assert.equal(at.getTime(), Date.parse(e.starts_at), uids[i]);
      assert.equal(`${formatTime12(at.toISOString())} PT`, e.start_time, uids[i]);
      assert.equal(pacificDateOf(at), e.date, uids[i]);
    } else {
      assert.equal(got.start.isDate, true, `${uids[i]} should be all-day`);
      assert.equal(got.start.toString(), e.date);
    }
  });
  assert.ok(timed >= 20, `only ${timed} timed events`);
});

Deno.test("ICS: UIDs name the slot, so a TBD slot that gets a name keeps its UID; bytes are stable", () => {
  const sunday = { date: "2026-03-08", start: "2026-03-08T12:00:00-07:00", end: null };
  const before = toWebData(result([ev({ truckName: "TBD" }), ev(sunday)]), NOW);
  const after = toWebData(
    result([ev({ truckName: "Marination", aiExtracted: true }), ev(sunday)]),
    new Date("2026-03-06T01:00:00Z"),
  );
  const a = parse(buildCalendar(before, "x")).events;
  const b = parse(buildCalendar(after, "x")).events;
  assert.deepEqual(a.map((e) => e.uid), b.map((e) => e.uid));
  assert.equal(a[0].uid, "2026-03-07-1300-stoup-ballard-1@around-the-grounds");
  assert.equal(a[0].summary, "Food truck to be announced @ Stoup Brewing - Ballard");
  assert.match(b[0].summary, /^Marination @/);
  assert.match(b[0].description ?? "", /read from the venue's image by AI/);
  assert.equal(b[1].end, null, "no posted end: no DTEND");
  assert.match(b[1].description ?? "", /End time not posted/);
  // Two trucks in one slot get distinct UIDs.
  const two = toWebData(result([ev({}), ev({ truckName: "Nosh" })]), NOW);
  assert.equal(new Set(parse(buildCalendar(two, "x")).events.map((e) => e.uid)).size, 2);
  // The same data gives the same bytes (no run-time stamp inside).
  assert.equal(buildCalendar(before, "x"), buildCalendar(structuredClone(before), "x"));
});

Deno.test("ICS: unknown hours become an all-day entry; text is escaped; long lines are folded", () => {
  const long = "Tacos; burritos, and more \\ " + "really ".repeat(30) + "good — ¡sí!";
  const data = toWebData(
    result([ev({ start: null, end: null, description: `${long}\nsecond line` })]),
    NOW,
  );
  const text = calendarFiles(data)[ALL_CALENDAR];
  const lines = text.split("\r\n");
  const enc = new TextEncoder();
  assert.ok(lines.every((l) => enc.encode(l).length <= 75), "lines longer than 75 octets");
  assert.ok(lines.some((l) => l.startsWith(" ")), "expected a folded line");
  assert.ok(text.endsWith("END:VCALENDAR\r\n"));
  const [e] = parse(text).events;
  assert.equal(e.start.isDate, true);
  assert.equal(e.start.toString(), "2026-03-07");
  assert.equal(e.end?.toString(), "2026-03-08");
  assert.equal(e.description, `Hours not posted.\n${long}\nsecond line`);
});

Deno.test("ICS: one feed per venue holds only that venue's trucks", () => {
  const data = toWebData(
    result([
      ev({}),
      ev({ venueKey: "obec-brewing", venueName: "Obec Brewing", truckName: "Nosh" }),
    ]),
    NOW,
  );
  const files = calendarFiles(data);
  assert.deepEqual(Object.keys(files).sort(), [
    "calendar-obec-brewing.ics",
    "calendar-stoup-ballard.ics",
    "calendar.ics",
  ]);
  const obec = parse(files["calendar-obec-brewing.ics"]);
  assert.equal(obec.name, "Food trucks at Obec Brewing");
  assert.deepEqual(obec.events.map((e) => e.summary), ["Nosh @ Obec Brewing"]);
  assert.equal(parse(files["calendar.ics"]).events.length, 2);
});
