import { deepEqual, equal, rejects } from "node:assert/strict";
import { HttpStatusError, ParseError } from "../../src/net/http.ts";
import { parseObecHtml, parseObecRange } from "../../src/venues/obec_brewing.ts";
import { runAgainstAnswer, runAgainstFixtures } from "../helpers/venue_kit.ts";

const KEY = "obec-brewing";
const venue = {
  key: KEY,
  name: "Obec Brewing",
  url: "https://obecbrewing.com/",
};
const isStatus = (status: number) => (err: unknown) =>
  err instanceof HttpStatusError && err.status === status;
const obecPage = (line: string) =>
  `<html><head><title>Obec Brewing</title></head><body><h1>OBEC BREWING</h1><p>Open 2-10pm</p>${line}</body></html>`;

Deno.test("obec: the fixture's Food truck line is today's event", async () => {
  const { events, requests } = await runAgainstFixtures(KEY);
  deepEqual(requests, ["GET /"]);
  deepEqual(events, [{
    venueKey: KEY,
    venueName: "Obec Brewing",
    truckName: "Lemongrass Rocket",
    date: "2026-03-05",
    start: "2026-03-05T16:00:00-08:00",
    end: "2026-03-05T20:00:00-08:00",
  }]);
});

Deno.test("obec: on spring-forward day the same line reads as -07:00", async () => {
  const { events } = await runAgainstFixtures(KEY, "2026-03-08");
  equal(events.length, 1);
  equal(events[0].date, "2026-03-08");
  equal(events[0].start, "2026-03-08T16:00:00-07:00");
  equal(events[0].end, "2026-03-08T20:00:00-07:00");
});

Deno.test("obec: a 404 page is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 404, "not found"), isStatus(404));
});

Deno.test("obec: a 500 page (after the retry) is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 500, "oops"), isStatus(500));
});

Deno.test("obec: an empty body is a ParseError", async () => {
  await rejects(runAgainstAnswer(KEY, 200, "  \n"), ParseError);
});

Deno.test("obec: a page that is not Obec's is a ParseError", async () => {
  await rejects(
    runAgainstAnswer(
      KEY,
      200,
      "<html><body><h1>This domain is for sale</h1></body></html>",
    ),
    (err: unknown) => err instanceof ParseError && /Food truck/.test(err.message),
  );
});

Deno.test("obec: hours are PM unless that puts the end before the start", () => {
  const d = "2026-03-05";
  const cases: [string, string | null, string | null][] = [
    ["4-8", "2026-03-05T16:00:00-08:00", "2026-03-05T20:00:00-08:00"],
    ["5-9", "2026-03-05T17:00:00-08:00", "2026-03-05T21:00:00-08:00"],
    ["1-3", "2026-03-05T13:00:00-08:00", "2026-03-05T15:00:00-08:00"],
    ["11-2", "2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00"],
    ["12-4", "2026-03-05T12:00:00-08:00", "2026-03-05T16:00:00-08:00"],
    ["10-12", "2026-03-05T10:00:00-08:00", "2026-03-05T12:00:00-08:00"],
    ["4:30-8:30", "2026-03-05T16:30:00-08:00", "2026-03-05T20:30:00-08:00"],
    ["4 \u2013 8", "2026-03-05T16:00:00-08:00", "2026-03-05T20:00:00-08:00"],
    ["11am-2pm", "2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00"],
    ["11-2pm", "2026-03-05T11:00:00-08:00", "2026-03-05T14:00:00-08:00"],
    ["10am-3", "2026-03-05T10:00:00-08:00", "2026-03-05T15:00:00-08:00"],
    ["17-21", "2026-03-05T17:00:00-08:00", "2026-03-05T21:00:00-08:00"],
    ["5-5", "2026-03-05T17:00:00-08:00", null],
    ["soon", null, null],
    ["4:75-8", null, null],
  ];
  for (const [text, start, end] of cases) {
    deepEqual(parseObecRange(text, d), { start, end }, text);
  }
});

Deno.test("obec: reads names with digits, dashes and inline markup", () => {
  const ctx = { venue, today: "2026-03-07" };
  const read = (line: string) =>
    parseObecHtml(obecPage(line), ctx).map((
      e,
    ) => [e.truckName, e.start, e.end]);
  deepEqual(read("<p>Food truck: Route 66 Grill 5-9</p>"), [
    [
      "Route 66 Grill",
      "2026-03-07T17:00:00-08:00",
      "2026-03-07T21:00:00-08:00",
    ],
  ]);
  deepEqual(
    read(
      "<p><b>Food Truck:</b> <a href='/t'>Tacos &amp; Co</a>, 11:30&ndash;2:30</p>",
    ),
    [
      ["Tacos & Co", "2026-03-07T11:30:00-08:00", "2026-03-07T14:30:00-08:00"],
    ],
  );
  deepEqual(
    read("<div>Food truck: Pop-Up Pierogi 4-8</div><div>Trivia at 7-9</div>"),
    [
      [
        "Pop-Up Pierogi",
        "2026-03-07T16:00:00-08:00",
        "2026-03-07T20:00:00-08:00",
      ],
    ],
  );
  deepEqual(read("<p>Food truck: Mystery Truck</p>"), [[
    "Mystery Truck",
    null,
    null,
  ]]);
});

Deno.test("obec: Obec's page without a truck today gives no events", () => {
  const ctx = { venue, today: "2026-03-05" };
  deepEqual(
    parseObecHtml(obecPage("<p>Closed for a private event.</p>"), ctx),
    [],
  );
  deepEqual(parseObecHtml(obecPage("<p>Food truck: none today</p>"), ctx), []);
  deepEqual(parseObecHtml(obecPage("<p>Food truck:</p>"), ctx), []);
  deepEqual(
    parseObecHtml(
      obecPage("<p>Food truck: No truck tonight, bring snacks</p>"),
      ctx,
    ),
    [],
  );
});
