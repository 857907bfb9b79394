import assert from "node:assert/strict";
import { HttpStatusError, ParseError } from "../../src/net/http.ts";
import type { FoodTruckEvent, VenueEntry } from "../../src/core/model.ts";
import {
  locationIdOf,
  normalizeTruckName,
  parser,
  parseSeattleFoodTruckEvents,
  salehsEventsUrl,
  sftDate,
} from "../../src/venues/salehs_corner.ts";
import { runAgainstAnswer, runAgainstFixtures, testHttp } from "../helpers/venue_kit.ts";

const KEY = "salehs-corner";
const venue: VenueEntry = {
  key: KEY,
  name: "Saleh's Corner",
  url: "https://www.seattlefoodtruck.com/api/events",
  options: { locationId: 164 },
};
const FIXTURE = new URL(
  "../../fixtures/venues/salehs-corner/events.json",
  import.meta.url,
);
const QUERY =
  "page=1&page_size=300&for_locations=164&with_active_trucks=true&include_bookings=true" +
  "&start_date=3-5-26&end_date=3-12-26";

const brief = (e: FoodTruckEvent) => [e.date, e.truckName, e.start, e.end];

function slot(start: string, end: string | null, bookings: unknown[]) {
  return { id: 1, start_time: start, end_time: end, bookings };
}
const truck = (name: string, food_categories: unknown = ["Tacos"]) => ({
  name,
  food_categories,
});

Deno.test("salehs-corner: reads the API answer for today..today+7", async () => {
  const { events, requests } = await runAgainstFixtures(KEY);
  assert.deepEqual(events.map(brief), [
    [
      "2026-03-04",
      "Late Night Dumplings",
      "2026-03-04T21:00:00-08:00",
      "2026-03-05T01:00:00-08:00",
    ],
    [
      "2026-03-05",
      "Sam Choy's Poke to the Max",
      "2026-03-05T11:00:00-08:00",
      "2026-03-05T14:00:00-08:00",
    ],
    [
      "2026-03-06",
      "Dogfather Hot Dogs",
      "2026-03-06T11:00:00-08:00",
      "2026-03-06T14:00:00-08:00",
    ],
    [
      "2026-03-07",
      "TBD",
      "2026-03-07T11:00:00-08:00",
      "2026-03-07T14:00:00-08:00",
    ],
    [
      "2026-03-08",
      "Marination",
      "2026-03-08T11:00:00-07:00",
      "2026-03-08T14:00:00-07:00",
    ],
    [
      "2026-03-12",
      "Off the Rez",
      "2026-03-12T11:00:00-07:00",
      "2026-03-12T14:00:00-07:00",
    ],
    [
      "2026-03-13",
      "TBD",
      "2026-03-13T11:00:00-07:00",
      "2026-03-13T14:00:00-07:00",
    ],
  ]);
  assert.deepEqual(events.map((e) => e.description), [
    "Chinese, Dumplings",
    "Hawaiian, Seafood",
    "Hot Dogs",
    undefined,
    "Hawaiian, Korean",
    "Native American, Tacos",
    "Various",
  ]);
  assert.ok(!("description" in events[3]));
  for (const e of events) {
    assert.equal(e.venueKey, KEY);
    assert.equal(e.venueName, "Saleh's Corner");
  }
  assert.equal(
    events.filter((e) => e.date >= "2026-03-05" && e.date <= "2026-03-12")
      .length,
    5,
  );
  assert.deepEqual(requests, [`GET /api/events?${QUERY}`]);
});

Deno.test("salehs-corner: UTC times convert to Pacific across spring-forward", async () => {
  const { events } = await runAgainstFixtures(KEY);
  // Fixture has 2026-03-07T19:00Z and 2026-03-08T18:00Z: both 11 AM local, different offsets.
  assert.equal(
    events.find((e) => e.date === "2026-03-07")!.start,
    "2026-03-07T11:00:00-08:00",
  );
  assert.equal(
    events.find((e) => e.date === "2026-03-08")!.start,
    "2026-03-08T11:00:00-07:00",
  );
});

Deno.test("salehs-corner: a 429 then 200 succeeds through the client's retry", async () => {
  const body = await Deno.readTextFile(FIXTURE);
  let calls = 0;
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => {
      calls++;
      return calls === 1
        ? new Response("slow down", {
          status: 429,
          headers: { "retry-after": "0" },
        })
        : new Response(body, {
          headers: { "content-type": "application/json" },
        });
    },
  );
  try {
    const events = await parser.fetchEvents({
      venue: {
        ...venue,
        url: `http://127.0.0.1:${server.addr.port}/api/events`,
      },
      today: "2026-03-05",
      until: "2026-03-12",
      http: testHttp(),
    });
    assert.equal(calls, 2);
    assert.equal(events.length, 7);
  } finally {
    await server.shutdown();
  }
});

Deno.test("salehs-corner: a 429 that persists is an HttpStatusError", async () => {
  await assert.rejects(
    runAgainstAnswer(KEY, 429, "rate limited"),
    (err: unknown) => err instanceof HttpStatusError && err.status === 429,
  );
});

Deno.test("salehs-corner: 404 and 500 propagate as HttpStatusError", async () => {
  for (const status of [404, 500]) {
    await assert.rejects(
      runAgainstAnswer(KEY, status, "nope"),
      (err: unknown) => err instanceof HttpStatusError && err.status === status,
    );
  }
});

Deno.test("salehs-corner: an empty body, garbage or JSON without events is a ParseError", async () => {
  await assert.rejects(runAgainstAnswer(KEY, 200, ""), ParseError);
  await assert.rejects(
    runAgainstAnswer(KEY, 200, "<html>Maintenance</html>"),
    ParseError,
  );
  await assert.rejects(
    runAgainstAnswer(KEY, 200, '{"error":"bad request"}'),
    (err: unknown) => err instanceof ParseError && /events/.test(err.message),
  );
});

Deno.test("salehs-corner: tbd, tba, unknown and blank names become TBD", () => {
  for (const n of ["tbd", "TBA", " Unknown ", "", null, undefined, 42]) {
    assert.equal(normalizeTruckName(n), "TBD", String(n));
  }
  assert.equal(normalizeTruckName("  Tbd Tacos "), "Tbd Tacos");
});

Deno.test("salehs-corner: skips slots whose end is not after start, or without an approved truck", () => {
  const events = parseSeattleFoodTruckEvents({
    events: [
      slot("2026-03-05T11:00:00-08:00", "2026-03-05T11:00:00-08:00", [{
        status: "approved",
        truck: truck("Same"),
      }]),
      slot("2026-03-05T11:00:00-08:00", "2026-03-05T10:00:00-08:00", [{
        status: "approved",
        truck: truck("Before"),
      }]),
      slot("2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00", [{
        status: "pending",
        truck: truck("Pending"),
      }]),
      slot("2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00", [{
        status: "approved",
        truck: null,
      }]),
      slot("2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00", [
        { status: "approved" },
        {
          status: "approved",
          truck: truck("Second", [{ name: "Thai" }, "Noodles", 7]),
        },
        { status: "approved", truck: truck("Third") },
      ]),
      slot("2026-03-06T11:00:00-08:00", null, [{
        status: "approved",
        truck: truck("Open End", []),
      }]),
    ],
  }, { venue });
  assert.deepEqual(events.map(brief), [
    [
      "2026-03-05",
      "Second",
      "2026-03-05T11:00:00-08:00",
      "2026-03-05T14:00:00-08:00",
    ],
    ["2026-03-06", "Open End", "2026-03-06T11:00:00-08:00", null],
  ]);
  assert.equal(events[0].description, "Thai, Noodles");
});

Deno.test("salehs-corner: malformed items are ParseErrors, an empty list is []", () => {
  assert.deepEqual(parseSeattleFoodTruckEvents({ events: [] }, { venue }), []);
  assert.throws(() => parseSeattleFoodTruckEvents([], { venue }), ParseError);
  assert.throws(
    () => parseSeattleFoodTruckEvents({ events: [{ id: 1 }] }, { venue }),
    ParseError,
  );
  assert.throws(
    () =>
      parseSeattleFoodTruckEvents({
        events: [
          slot("next tuesday", null, [{
            status: "approved",
            truck: truck("X"),
          }]),
        ],
      }, { venue }),
    (err: unknown) => err instanceof ParseError && /start_time/.test(err.message),
  );
});

Deno.test("salehs-corner: URL has M-D-YY dates and the location; locationId is optional", () => {
  assert.equal(sftDate("2026-03-05"), "3-5-26");
  assert.equal(sftDate("2026-12-31"), "12-31-26");
  assert.equal(sftDate("2030-01-09"), "1-9-30");
  assert.equal(
    salehsEventsUrl(venue, "2026-03-05", "2026-03-12"),
    `https://www.seattlefoodtruck.com/api/events?${QUERY}`,
  );
  assert.equal(locationIdOf({ ...venue, options: undefined }), "164");
  assert.equal(
    locationIdOf({ ...venue, options: { locationId: "201" } }),
    "201",
  );
  assert.equal(locationIdOf({ ...venue, options: { locationId: "x" } }), "164");
  assert.match(
    salehsEventsUrl(
      { ...venue, options: { locationId: 99 } },
      "2026-03-28",
      "2026-04-04",
    ),
    /for_locations=99&.*start_date=3-28-26&end_date=4-4-26$/,
  );
});
