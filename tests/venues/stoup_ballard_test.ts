import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { HttpStatusError, ParseError } from "../../src/net/http.ts";
import type { FoodTruckEvent } from "../../src/core/model.ts";
import {
  dateFromMonthDay,
  parseStoupHours,
  parseStoupHtml,
} from "../../src/venues/stoup_ballard.ts";
import { runAgainstAnswer, runAgainstFixtures } from "../helpers/venue_kit.ts";

const KEY = "stoup-ballard";
const venue = {
  key: KEY,
  name: "Stoup Brewing - Ballard",
  url: "https://www.stoupbrewing.com/ballard/",
};
const row = (e: FoodTruckEvent) => [e.date, e.truckName, e.start, e.end];
const isStatus = (status: number) => (err: unknown) =>
  err instanceof HttpStatusError && err.status === status;

/** A minimal Stoup page around the given day cells. */
const page = (cells: string) =>
  `<html><body><section class='food-trucks'><div class='food-trucks-grid'>${cells}</div></section></body></html>`;
const cell = (h4: string, hrs: string, name: string) =>
  `<div class='days0 food-truck-day'><div><img src='x.png'><div class='lunch-truck-info'><h4>${h4}</h4><div class='hrs'>${hrs}</div>${name}</div></div></div>`;

Deno.test("stoup: reads every day cell of the fixture page, with Pacific times", async () => {
  const { events, requests } = await runAgainstFixtures(KEY);
  deepEqual(requests, ["GET /ballard/"]);
  deepEqual(events.map(row), [
    [
      "2026-03-04",
      "Salt & Ember Grill",
      "2026-03-04T17:00:00-08:00",
      "2026-03-04T20:00:00-08:00",
    ],
    [
      "2026-03-05",
      "Noodle Nomad",
      "2026-03-05T12:00:00-08:00",
      "2026-03-05T16:00:00-08:00",
    ],
    [
      "2026-03-06",
      "Pierogi Patrol",
      "2026-03-06T16:30:00-08:00",
      "2026-03-06T20:30:00-08:00",
    ],
    ["2026-03-07", "Crepe Expectations", null, null],
    [
      "2026-03-07",
      "Smokestack Sammies",
      "2026-03-07T13:00:00-08:00",
      "2026-03-07T20:00:00-08:00",
    ],
    [
      "2026-03-08",
      "Arepa Avenue",
      "2026-03-08T13:00:00-07:00",
      "2026-03-08T19:00:00-07:00",
    ],
    [
      "2026-03-09",
      "Dumpling Drift",
      "2026-03-09T11:00:00-07:00",
      "2026-03-09T14:00:00-07:00",
    ],
    [
      "2026-03-10",
      "Taco Tempest / Churro Chariot",
      "2026-03-10T17:00:00-07:00",
      "2026-03-10T20:00:00-07:00",
    ],
    [
      "2026-03-12",
      "Gyro Gyre",
      "2026-03-12T17:00:00-07:00",
      "2026-03-12T21:00:00-07:00",
    ],
    [
      "2026-03-13",
      "Lobster Lark",
      "2026-03-13T17:00:00-07:00",
      "2026-03-13T21:00:00-07:00",
    ],
    [
      "2026-04-01",
      "Pierogi Patrol",
      "2026-04-01T16:30:00-07:00",
      "2026-04-01T20:30:00-07:00",
    ],
  ]);
  for (const e of events) {
    equal(e.venueKey, KEY);
    equal(e.venueName, "Stoup Brewing - Ballard");
  }
});

Deno.test("stoup: the fixture has 8 events in the window 2026-03-05..2026-03-12", async () => {
  const { events } = await runAgainstFixtures(KEY);
  const inWindow = events.filter((e) => e.date >= "2026-03-05" && e.date <= "2026-03-12");
  equal(inWindow.length, 8);
  equal(events.length - inWindow.length, 3);
});

Deno.test("stoup: afternoon times switch from -08:00 to -07:00 on spring-forward day", async () => {
  const { events } = await runAgainstFixtures(KEY);
  const sat = events.find((e) => e.truckName === "Smokestack Sammies")!;
  const sun = events.find((e) => e.truckName === "Arepa Avenue")!;
  equal(sat.start, "2026-03-07T13:00:00-08:00");
  equal(sun.start, "2026-03-08T13:00:00-07:00");
  equal(Date.parse(sun.end!) - Date.parse(sun.start!), 6 * 3600_000);
});

Deno.test("stoup: a 404 page is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 404, "not found"), isStatus(404));
});

Deno.test("stoup: a 500 page (after the retry) is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 500, "oops"), isStatus(500));
});

Deno.test("stoup: an empty body is a ParseError", async () => {
  await rejects(runAgainstAnswer(KEY, 200, ""), ParseError);
});

Deno.test("stoup: a page without day cells is a ParseError", async () => {
  await rejects(
    runAgainstAnswer(
      KEY,
      200,
      "<html><body><h1>Down for maintenance</h1></body></html>",
    ),
    (err: unknown) => err instanceof ParseError && /food-truck-day/.test(err.message),
  );
});

Deno.test("stoup: hours forms share one am/pm suffix unless that reverses the range", () => {
  const d = "2026-03-05";
  const cases: [string, string | null, string | null][] = [
    [
      "noon \u2014 4pm",
      "2026-03-05T12:00:00-08:00",
      "2026-03-05T16:00:00-08:00",
    ],
    [
      "4:30 \u2014 8:30pm",
      "2026-03-05T16:30:00-08:00",
      "2026-03-05T20:30:00-08:00",
    ],
    ["1 \u2014 8pm", "2026-03-05T13:00:00-08:00", "2026-03-05T20:00:00-08:00"],
    [
      "11am \u2014 2pm",
      "2026-03-05T11:00:00-08:00",
      "2026-03-05T14:00:00-08:00",
    ],
    ["11 \u2014 2pm", "2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00"],
    ["12 \u2014 4pm", "2026-03-05T12:00:00-08:00", "2026-03-05T16:00:00-08:00"],
    ["11am \u2014 2", "2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00"],
    ["5 \u2014 9", "2026-03-05T17:00:00-08:00", "2026-03-05T21:00:00-08:00"],
    [
      "8pm \u2014 1am",
      "2026-03-05T20:00:00-08:00",
      "2026-03-06T01:00:00-08:00",
    ],
    [
      "10 \u2014 midnight",
      "2026-03-05T22:00:00-08:00",
      "2026-03-06T00:00:00-08:00",
    ],
    ["5 - 8 PM", "2026-03-05T17:00:00-08:00", "2026-03-05T20:00:00-08:00"],
    [" \u2014 ", null, null],
    ["", null, null],
    ["TBA", null, null],
    ["25 \u2014 8pm", null, null],
  ];
  for (const [text, start, end] of cases) {
    deepEqual(parseStoupHours(text, d), { start, end }, text);
  }
});

Deno.test("stoup: a January day seen in late December belongs to next year", () => {
  equal(dateFromMonthDay(1, 2, "2026-12-28"), "2027-01-02");
  equal(dateFromMonthDay(12, 28, "2026-12-28"), "2026-12-28");
  equal(dateFromMonthDay(3, 1, "2026-03-05"), "2026-03-01");
  throws(() => dateFromMonthDay(2, 30, "2026-02-01"), RangeError);
  const events = parseStoupHtml(
    page(
      cell("Mon 12.28", "5 &mdash; 8pm", "Late Truck<br>") +
        cell("Fri 01.02", "1 &mdash; 8pm", "New Year Truck<br>"),
    ),
    { venue, today: "2026-12-28" },
  );
  deepEqual(events.map(row), [
    [
      "2026-12-28",
      "Late Truck",
      "2026-12-28T17:00:00-08:00",
      "2026-12-28T20:00:00-08:00",
    ],
    [
      "2027-01-02",
      "New Year Truck",
      "2027-01-02T13:00:00-08:00",
      "2027-01-02T20:00:00-08:00",
    ],
  ]);
});

Deno.test("stoup: names come from div.truck, loose text or inline markup before <br>", () => {
  const events = parseStoupHtml(
    page(
      cell(
        "Sat 07.12",
        " &mdash; ",
        "<div class='truck'>Old Style Truck</div>",
      ) +
        cell(
          "Sun 07.13",
          "1 &mdash; 7pm",
          "<a href='/t/1'>Linked</a> &amp; Loose<br><small>x</small>",
        ) +
        cell("Mon 07.14", "5 &mdash; 8pm", "") +
        cell("Tue 07.15", " &mdash; ", "<br>"),
    ),
    { venue, today: "2026-07-01" },
  );
  deepEqual(events.map(row), [
    ["2026-07-12", "Old Style Truck", null, null],
    [
      "2026-07-13",
      "Linked & Loose",
      "2026-07-13T13:00:00-07:00",
      "2026-07-13T19:00:00-07:00",
    ],
    [
      "2026-07-14",
      "TBD",
      "2026-07-14T17:00:00-07:00",
      "2026-07-14T20:00:00-07:00",
    ],
  ]);
});

Deno.test("stoup: an unreadable day heading or an impossible day is a ParseError", () => {
  throws(
    () =>
      parseStoupHtml(page(cell("Saturday", "1 &mdash; 8pm", "X<br>")), {
        venue,
        today: "2026-03-05",
      }),
    (err: unknown) => err instanceof ParseError && /Saturday/.test(err.message),
  );
  throws(
    () =>
      parseStoupHtml(page(cell("Mon 02.30", "1 &mdash; 8pm", "X<br>")), {
        venue,
        today: "2026-03-05",
      }),
    ParseError,
  );
});
