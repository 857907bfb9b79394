import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { HttpClient, HttpStatusError, ParseError } from "../../src/net/http.ts";
import type { FoodTruckEvent } from "../../src/core/model.ts";
import {
  findCollectionId,
  parser,
  parseYonderApi,
  yonderMonths,
} from "../../src/venues/yonder_balebreaker.ts";
import { runAgainstAnswer, runAgainstFixtures } from "../helpers/venue_kit.ts";

const KEY = "yonder-balebreaker";
const venue = {
  key: KEY,
  name: "Yonder Cider & Bale Breaker - Ballard",
  url: "https://www.bbycballard.com/food-trucks-1-1",
};
const ID = "64b1f0c2a9e3d51b7c0e4a21";
const row = (e: FoodTruckEvent) => [e.date, e.truckName, e.start, e.end];
const isStatus = (status: number) => (err: unknown) =>
  err instanceof HttpStatusError && err.status === status;

Deno.test("yonder: reads the collection, then three months of the calendar API", async () => {
  const { events, requests } = await runAgainstFixtures(KEY);
  deepEqual(requests, [
    "GET /food-trucks-1-1",
    `GET /api/open/GetItemsByMonth?month=March-2026&collectionId=${ID}`,
    `GET /api/open/GetItemsByMonth?month=April-2026&collectionId=${ID}`,
    `GET /api/open/GetItemsByMonth?month=May-2026&collectionId=${ID}`,
  ]);
  deepEqual(events.map(row), [
    [
      "2026-03-01",
      "Pho Phreaks",
      "2026-03-01T12:00:00-08:00",
      "2026-03-01T16:00:00-08:00",
    ],
    [
      "2026-03-05",
      "Kimchi Cowboy",
      "2026-03-05T16:00:00-08:00",
      "2026-03-05T20:00:00-08:00",
    ],
    [
      "2026-03-07",
      "Biscuit Bandit",
      "2026-03-07T12:00:00-08:00",
      "2026-03-07T16:00:00-08:00",
    ],
    [
      "2026-03-07",
      "Rolling Risotto",
      "2026-03-07T17:00:00-08:00",
      "2026-03-07T21:00:00-08:00",
    ],
    [
      "2026-03-08",
      "Fry Society",
      "2026-03-08T13:00:00-07:00",
      "2026-03-08T19:00:00-07:00",
    ],
    [
      "2026-03-10",
      "Bao Down",
      "2026-03-10T17:30:00-07:00",
      "2026-03-10T21:00:00-07:00",
    ],
    [
      "2026-03-20",
      "Curry Comet",
      "2026-03-20T17:00:00-07:00",
      "2026-03-20T21:00:00-07:00",
    ],
    // Listed in both the March and the April answers: kept once.
    [
      "2026-03-31",
      "Late Night Latkes",
      "2026-03-31T17:00:00-07:00",
      "2026-03-31T21:00:00-07:00",
    ],
    [
      "2026-04-02",
      "Empanada Engine",
      "2026-04-02T16:00:00-07:00",
      "2026-04-02T20:00:00-07:00",
    ],
  ]);
  for (const e of events) {
    equal(e.venueKey, KEY);
    equal(e.venueName, "Yonder Cider & Bale Breaker - Ballard");
  }
  const inWindow = events.filter((e) => e.date >= "2026-03-05" && e.date <= "2026-03-12");
  equal(inWindow.length, 5);
});

Deno.test("yonder: epoch times become Pacific with the DST offset of their day", async () => {
  const { events } = await runAgainstFixtures(KEY);
  const sat = events.find((e) => e.truckName === "Biscuit Bandit")!;
  const sun = events.find((e) => e.truckName === "Fry Society")!;
  equal(sat.start, "2026-03-07T12:00:00-08:00");
  equal(sun.start, "2026-03-08T13:00:00-07:00");
  equal(Date.parse(sun.start!), 1773000000000);
});

Deno.test("yonder: a 404 page is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 404, "not found"), isStatus(404));
});

Deno.test("yonder: a 500 page (after the retry) is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 500, "oops"), isStatus(500));
});

Deno.test("yonder: an empty body is a ParseError", async () => {
  await rejects(runAgainstAnswer(KEY, 200, ""), ParseError);
});

Deno.test("yonder: a page without a calendar collection is a ParseError", async () => {
  await rejects(
    runAgainstAnswer(
      KEY,
      200,
      "<html><body><p>Website expired</p></body></html>",
    ),
    (err: unknown) => err instanceof ParseError && /collectionId/.test(err.message),
  );
});

Deno.test("yonder: an API failure is the venue's error, not a placeholder", async () => {
  const page = await Deno.readTextFile(
    new URL("../../fixtures/venues/yonder-balebreaker/page.html", import.meta.url),
  );
  const fakeFetch = (input: string | URL | Request) => {
    const url = new URL(input instanceof Request ? input.url : input);
    return Promise.resolve(
      url.pathname === "/food-trucks-1-1"
        ? new Response(page, { status: 200 })
        : new Response("gone", { status: 503 }),
    );
  };
  // No network here: the fake fetch answers, and the guard's DNS answer is a public address.
  const http = new HttpClient({
    retries: 0,
    fetch: fakeFetch as typeof fetch,
    resolve: () => Promise.resolve(["93.184.215.14"]),
  });
  await rejects(
    parser.fetchEvents({
      venue,
      today: "2026-03-05",
      until: "2026-03-12",
      http,
    }),
    isStatus(503),
  );
});

Deno.test("yonder: the collectionId comes from the calendar block, else from a script", () => {
  equal(
    findCollectionId(
      `<div class="sqs-block calendar-block" data-block-json="&#123;&quot;hSize&quot;:null,&quot;collectionId&quot;:&quot;abc123&quot;&#125;"></div>`,
    ),
    "abc123",
  );
  equal(
    findCollectionId(
      `<html><head><script>var cfg = {"type":"calendar","collectionId":"def456"};</script></head></html>`,
    ),
    "def456",
  );
  // A block whose JSON is broken falls back to the script.
  equal(
    findCollectionId(
      `<div class="calendar-block" data-block-json="&#123;broken"></div><script>{"collectionId":"ghi789"}</script>`,
    ),
    "ghi789",
  );
  throws(() => findCollectionId("<html><body>Hello</body></html>"), ParseError);
  throws(() => findCollectionId("   "), ParseError);
});

Deno.test("yonder: months are today's and the next two, across a year end", () => {
  deepEqual(yonderMonths("2026-03-05"), [
    "March-2026",
    "April-2026",
    "May-2026",
  ]);
  deepEqual(yonderMonths("2026-11-30"), [
    "November-2026",
    "December-2026",
    "January-2027",
  ]);
  deepEqual(yonderMonths("2026-12-01"), [
    "December-2026",
    "January-2027",
    "February-2027",
  ]);
});

Deno.test("yonder: API items map to events; malformed answers are ParseErrors", () => {
  const ctx = { venue, today: "2026-03-05" };
  const start = Date.parse("2026-03-06T02:00:00Z"); // 6 PM Pacific on 2026-03-05
  deepEqual(
    parseYonderApi([[
      {
        title: "  Night   Owl Noodles ",
        startDate: start,
        endDate: start + 3 * 3600_000,
      },
      { title: "", startDate: start, endDate: start },
    ], []], ctx).map(row),
    [
      [
        "2026-03-05",
        "Night Owl Noodles",
        "2026-03-05T18:00:00-08:00",
        "2026-03-05T21:00:00-08:00",
      ],
      ["2026-03-05", "TBD", "2026-03-05T18:00:00-08:00", null],
    ],
  );
  throws(
    () => parseYonderApi([{ error: "no such collection" }], ctx),
    ParseError,
  );
  throws(() => parseYonderApi([[{ title: "No Date" }]], ctx), ParseError);
  throws(
    () => parseYonderApi([[{ title: "Text Date", startDate: "2026-03-05" }]], ctx),
    ParseError,
  );
});
