import assert from "node:assert/strict";
import { HttpStatusError, ParseError } from "../../src/net/http.ts";
import type { FoodTruckEvent, VenueEntry } from "../../src/core/model.ts";
import {
  calendarIdOf,
  dedupeEvents,
  DEFAULT_CALENDAR_ID,
  myCalendarDateTimeToPacific,
  myCalendarUrl,
  parseMyCalendarList,
  parser,
  truckNameFromTitle,
} from "../../src/venues/wheelie_pop.ts";
import { runAgainstAnswer, runAgainstFixtures, testHttp } from "../helpers/venue_kit.ts";

const KEY = "wheelie-pop";
const CID = "mc-948a6a8e8cd15db324902317a630b853";
const venue: VenueEntry = {
  key: KEY,
  name: "Wheelie Pop Brewing",
  url: "https://wheeliepopbrewing.com/ballard-brewery-district-draft/",
  options: { calendarId: CID },
};
const query = (yr: string, month: string) =>
  `yr=${yr}&month=${month}&dy=&cid=${CID}&time=month&format=list`;

const brief = (e: FoodTruckEvent) => [e.date, e.truckName, e.start, e.end];

function article(
  title: string,
  cls = "mc_food-truck",
  start = "",
  end = "",
): string {
  const t = (c: string, d: string) =>
    d ? `<span class="${c}"><time datetime="${d}">x</time></span>` : "";
  return `<article class="list-event ${cls}"><header><h3 class="event-title">${title}</h3></header>
    <div class="time-block">${t("event-time", start)}${t("end-time", end)}</div></article>`;
}
const list = (days: Record<string, string[]>) =>
  `<ul class="mc-list">${
    Object.entries(days).map(([id, arts]) =>
      `<li id="${id}" class="mc-events">${arts.join("")}</li>`
    )
      .join("")
  }</ul>`;

Deno.test("wheelie-pop: reads this month and next from the list view", async () => {
  const { events, requests } = await runAgainstFixtures(KEY);
  assert.deepEqual(events.map(brief), [
    [
      "2026-03-01",
      "Nosh",
      "2026-03-01T13:00:00-08:00",
      "2026-03-01T19:00:00-08:00",
    ],
    [
      "2026-03-05",
      "Pecos Pit BBQ",
      "2026-03-05T16:00:00-08:00",
      "2026-03-05T20:00:00-08:00",
    ],
    [
      "2026-03-06",
      "Where Ya At Matt",
      "2026-03-06T16:00:00-08:00",
      "2026-03-06T21:00:00-08:00",
    ],
    [
      "2026-03-07",
      "Tacos El Tajín",
      "2026-03-07T12:00:00-08:00",
      "2026-03-07T20:00:00-08:00",
    ],
    [
      "2026-03-08",
      "Bread and Circuses",
      "2026-03-08T13:00:00-07:00",
      "2026-03-08T19:00:00-07:00",
    ],
    ["2026-03-10", "TBD", null, null],
    [
      "2026-03-12",
      "Off the Rez",
      "2026-03-12T16:00:00-07:00",
      "2026-03-12T20:00:00-07:00",
    ],
    [
      "2026-03-21",
      "Cheese Wizards",
      "2026-03-21T12:00:00-07:00",
      "2026-03-21T18:00:00-07:00",
    ],
    [
      "2026-04-04",
      "Marination",
      "2026-04-04T12:00:00-07:00",
      "2026-04-04T20:00:00-07:00",
    ],
  ]);
  for (const e of events) {
    assert.equal(e.venueKey, KEY);
    assert.equal(e.venueName, "Wheelie Pop Brewing");
  }
  const inWindow = events.filter((e) => e.date >= "2026-03-05" && e.date <= "2026-03-12");
  assert.equal(inWindow.length, 6);
  // Both routes require X-Requested-With: XMLHttpRequest (else 404).
  assert.deepEqual(requests, [
    `GET /ballard-brewery-district-draft/?${query("2026", "03")}`,
    `GET /ballard-brewery-district-draft/?${query("2026", "04")}`,
  ]);
});

Deno.test("wheelie-pop: floating times on spring-forward day come out -07:00, the day before -08:00", async () => {
  const { events } = await runAgainstFixtures(KEY);
  assert.equal(
    events.find((e) => e.date === "2026-03-07")!.start,
    "2026-03-07T12:00:00-08:00",
  );
  const sun = events.find((e) => e.date === "2026-03-08")!;
  assert.equal(sun.start, "2026-03-08T13:00:00-07:00");
  assert.equal(sun.end, "2026-03-08T19:00:00-07:00");
});

Deno.test("wheelie-pop: December asks for January of the next year", async () => {
  const seen: string[] = [];
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req) => {
      const u = new URL(req.url);
      seen.push(
        `${u.searchParams.get("yr")}-${u.searchParams.get("month")} ${
          req.headers.get("x-requested-with")
        }`,
      );
      return new Response(
        `<div id="${CID}" class="mc-main"><ul class="mc-list"></ul></div>`,
      );
    },
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/ballard-brewery-district-draft/`;
    const events = await parser.fetchEvents({
      venue: { ...venue, url },
      today: "2026-12-28",
      until: "2027-01-04",
      http: testHttp(),
    });
    assert.deepEqual(events, []);
    assert.deepEqual(seen, [
      "2026-12 XMLHttpRequest",
      "2027-01 XMLHttpRequest",
    ]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("wheelie-pop: 404 and 500 propagate as HttpStatusError", async () => {
  for (const status of [404, 500]) {
    await assert.rejects(
      runAgainstAnswer(KEY, status, "nope"),
      (err: unknown) => err instanceof HttpStatusError && err.status === status,
    );
  }
});

Deno.test("wheelie-pop: an empty body or a page without the list is a ParseError", async () => {
  await assert.rejects(runAgainstAnswer(KEY, 200, ""), ParseError);
  await assert.rejects(
    runAgainstAnswer(KEY, 200, "<html><body><p>Coming soon</p></body></html>"),
    (err: unknown) => err instanceof ParseError && /ul\.mc-list/.test(err.message),
  );
  await assert.rejects(
    runAgainstAnswer(KEY, 200, "\u0000\u00ff garbage {"),
    ParseError,
  );
});

Deno.test("wheelie-pop: only food-truck articles count, names lose the 'Food Truck:' prefix", () => {
  const html = list({
    "list-2026-03-05": [
      article("Food Truck: Nosh", "mc_food-truck", "2026-03-05T16:00:00-08:00"),
      article("Trivia", "mc_trivia", "2026-03-05T19:00:00-08:00"),
      article(
        "food truck - Marination",
        "mc_food-truck",
        "2026-03-05T17:00:00",
      ),
      article("Food Truck: tba", "mc_food-truck"),
    ],
  });
  assert.deepEqual(parseMyCalendarList(html, { venue }).map(brief), [
    ["2026-03-05", "Nosh", "2026-03-05T16:00:00-08:00", null],
    ["2026-03-05", "Marination", "2026-03-05T17:00:00-08:00", null],
    ["2026-03-05", "TBD", null, null],
  ]);
  assert.equal(
    truckNameFromTitle("  Food-Truck:   Off the  Rez "),
    "Off the Rez",
  );
  assert.equal(truckNameFromTitle("Cheese Wizards"), "Cheese Wizards");
});

Deno.test("wheelie-pop: dedupes on date, start and lower-cased name", () => {
  const html = list({
    "list-2026-03-06": [
      article("Food Truck: Nosh", "mc_food-truck", "2026-03-06T16:00:00-08:00"),
      article("Food Truck: NOSH", "mc_food-truck", "2026-03-06T16:00:00-08:00"),
      article("Food Truck: Nosh", "mc_food-truck", "2026-03-06T18:00:00-08:00"),
    ],
    "list-2026-03-07": [
      article("Food Truck: Nosh", "mc_food-truck", "2026-03-06T16:00:00-08:00"),
    ],
  });
  const events = parseMyCalendarList(html, { venue });
  assert.deepEqual(events.map((e) => [e.date, e.start]), [
    ["2026-03-06", "2026-03-06T16:00:00-08:00"],
    ["2026-03-06", "2026-03-06T18:00:00-08:00"],
    ["2026-03-07", "2026-03-06T16:00:00-08:00"],
  ]);
  assert.equal(dedupeEvents([...events, ...events]).length, 3);
});

Deno.test("wheelie-pop: a food-truck day without a list-YYYY-MM-DD id is a ParseError; empty days are fine", () => {
  assert.throws(
    () =>
      parseMyCalendarList(list({ "mc-day-5": [article("Food Truck: Nosh")] }), {
        venue,
      }),
    ParseError,
  );
  const empty =
    `<ul class="mc-list"><li class="mc-events no-events">There are no events scheduled.</li></ul>`;
  assert.deepEqual(parseMyCalendarList(empty, { venue }), []);
});

Deno.test("wheelie-pop: reads only the configured calendar when the page has several", () => {
  const other = list({ "list-2026-03-05": [article("Food Truck: Elsewhere")] });
  const ours = list({ "list-2026-03-05": [article("Food Truck: Ours")] });
  const html = `<div id="mc-other">${other}</div><div id="${CID}">${ours}</div>`;
  assert.deepEqual(
    parseMyCalendarList(html, { venue }).map((e) => e.truckName),
    ["Ours"],
  );
});

Deno.test("wheelie-pop: URL carries the month query; calendarId is optional", () => {
  assert.equal(
    myCalendarUrl(venue, 2026, 3),
    `https://wheeliepopbrewing.com/ballard-brewery-district-draft/?${query("2026", "03")}`,
  );
  const bare = { ...venue, options: undefined };
  assert.equal(calendarIdOf(bare), DEFAULT_CALENDAR_ID);
  assert.equal(
    calendarIdOf({ ...venue, options: { calendarId: "mc-abc" } }),
    "mc-abc",
  );
  assert.match(
    myCalendarUrl(bare, 2027, 11),
    /\?yr=2027&month=11&dy=&cid=mc-948a/,
  );
});

Deno.test("wheelie-pop: datetimes with and without offsets", () => {
  assert.equal(
    myCalendarDateTimeToPacific("2026-03-08T13:00:00"),
    "2026-03-08T13:00:00-07:00",
  );
  assert.equal(
    myCalendarDateTimeToPacific("2026-03-08T20:00:00+00:00"),
    "2026-03-08T13:00:00-07:00",
  );
  assert.equal(
    myCalendarDateTimeToPacific("2026-03-07T12:00:00-08:00"),
    "2026-03-07T12:00:00-08:00",
  );
  assert.equal(myCalendarDateTimeToPacific("2026-03-07"), null);
  assert.equal(myCalendarDateTimeToPacific(""), null);
});
