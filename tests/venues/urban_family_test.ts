import assert from "node:assert/strict";
import { HttpStatusError, ParseError } from "../../src/net/http.ts";
import type { FoodTruckEvent, VenueEntry } from "../../src/core/model.ts";
import {
  dedupeEvents,
  isFoodTruckCalendarsInfo,
  nextMonthForm,
  parser,
  parseSugarCalendarAjax,
  parseSugarCalendarHtml,
  parseSugarCalendarPage,
  sugarDateTimeToPacific,
} from "../../src/venues/urban_family.ts";
import { runAgainstAnswer, runAgainstFixtures, testHttp } from "../helpers/venue_kit.ts";

const KEY = "urban-family";
const venue: VenueEntry = {
  key: KEY,
  name: "Urban Family Brewing",
  url: "https://urbanfamilybrewing.com/home/calendar/",
};
const FIXTURES = new URL("../../fixtures/venues/urban-family/", import.meta.url);
const pageHtml = () => Deno.readTextFile(new URL("calendar.html", FIXTURES));

const brief = (e: FoodTruckEvent) => [e.date, e.truckName, e.start, e.end];

const MARCH_PAGE = [
  [
    "2026-03-02",
    "Kaosamai Thai",
    "2026-03-02T16:00:00-08:00",
    "2026-03-02T20:00:00-08:00",
  ],
  [
    "2026-03-05",
    "Where Ya At Matt",
    "2026-03-05T17:00:00-08:00",
    "2026-03-05T21:00:00-08:00",
  ],
  [
    "2026-03-06",
    "Tacos El Tajín",
    "2026-03-06T16:00:00-08:00",
    "2026-03-06T21:00:00-08:00",
  ],
  [
    "2026-03-07",
    "Impeckable Chicken",
    "2026-03-07T12:00:00-08:00",
    "2026-03-07T20:00:00-08:00",
  ],
  [
    "2026-03-08",
    "Snout & Co.",
    "2026-03-08T13:00:00-07:00",
    "2026-03-08T19:00:00-07:00",
  ],
  ["2026-03-10", "Nosh", "2026-03-10T17:00:00-07:00", null],
  [
    "2026-03-12",
    "Off the Rez",
    "2026-03-12T16:00:00-07:00",
    "2026-03-12T20:00:00-07:00",
  ],
  [
    "2026-03-14",
    "Cheese Wizards",
    "2026-03-14T12:00:00-07:00",
    "2026-03-14T18:00:00-07:00",
  ],
  [
    "2026-04-02",
    "Marination",
    "2026-04-02T16:00:00-07:00",
    "2026-04-02T20:00:00-07:00",
  ],
];

function cell(
  name: string,
  calendars: string[] | null,
  times: string[] = ["2026-03-05T17:00:00-08:00", "2026-03-05T21:00:00-08:00"],
  extra = "",
): string {
  const info = calendars === null ? "" : ` data-calendarsinfo='${
    JSON.stringify({
      calendars: calendars.map((n) => ({ name: n, color: "#57d466" })),
    })
  }'`;
  const t = times.map((d) => `<time datetime="${d}">x</time>`).join(" - ");
  return `<div class="sugar-calendar-block__event-cell"${info}${extra}>
    <div class="sugar-calendar-block__event-cell__time">${t}</div>
    <div class="sugar-calendar-block__event-cell__title">${name}</div></div>`;
}

Deno.test("urban-family: reads the fixture month with names, Pacific dates and times", async () => {
  const { events, requests } = await runAgainstFixtures(KEY);
  assert.deepEqual(events.map(brief), MARCH_PAGE);
  for (const e of events) {
    assert.equal(e.venueKey, KEY);
    assert.equal(e.venueName, "Urban Family Brewing");
  }
  assert.equal(
    events[1].description,
    "https://urbanfamilybrewing.com/events/where-ya-at-matt-2/",
  );
  const inWindow = events.filter((e) => e.date >= "2026-03-05" && e.date <= "2026-03-12");
  assert.equal(inWindow.length, 6);
  // The window ends inside March: no admin-ajax POST. The GET needed the browser headers
  // (the fixture route requires Accept-Language, or answers 404).
  assert.deepEqual(requests, ["GET /home/calendar/"]);
});

Deno.test("urban-family: spring-forward day is -07:00 while the day before is -08:00", async () => {
  const { events } = await runAgainstFixtures(KEY);
  const sat = events.find((e) => e.date === "2026-03-07")!;
  const sun = events.find((e) => e.date === "2026-03-08")!;
  assert.equal(sat.start, "2026-03-07T12:00:00-08:00");
  assert.equal(sun.start, "2026-03-08T13:00:00-07:00");
  assert.equal(sun.end, "2026-03-08T19:00:00-07:00");
});

Deno.test("urban-family: a window crossing month end POSTs next_month and dedupes offset days", async () => {
  const { events, requests } = await runAgainstFixtures(KEY, "2026-03-28");
  assert.deepEqual(requests, [
    "GET /home/calendar/",
    "POST /wp-admin/admin-ajax.php",
  ]);
  assert.deepEqual(events.map(brief), [
    ...MARCH_PAGE,
    [
      "2026-04-03",
      "Bread and Circuses",
      "2026-04-03T17:00:00-07:00",
      "2026-04-03T21:00:00-07:00",
    ],
    [
      "2026-04-11",
      "Kaosamai Thai",
      "2026-04-11T16:00:00-07:00",
      "2026-04-11T20:00:00-07:00",
    ],
  ]);
  assert.equal(events.filter((e) => e.truckName === "Marination").length, 1);
});

Deno.test("urban-family: sends browser headers with the calendar as Referer, and a form POST", async () => {
  const seen: { method: string; headers: Headers; body: string }[] = [];
  const page = await pageHtml();
  const next = await Deno.readTextFile(new URL("next_month.json", FIXTURES));
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      seen.push({
        method: req.method,
        headers: req.headers,
        body: await req.text(),
      });
      return req.method === "POST"
        ? new Response(next, {
          headers: { "content-type": "application/json" },
        })
        : new Response(page, { headers: { "content-type": "text/html" } });
    },
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/home/calendar/`;
    const events = await parser.fetchEvents({
      venue: { ...venue, url },
      today: "2026-03-30",
      until: "2026-04-06",
      http: testHttp(),
    });
    assert.equal(events.length, 11);
    assert.equal(seen.length, 2);
    const [get, post] = seen;
    assert.equal(get.method, "GET");
    assert.equal(get.headers.get("referer"), url);
    assert.match(
      get.headers.get("user-agent") ?? "",
      /^Mozilla\/5\.0 .*Chrome/,
    );
    assert.equal(get.headers.get("accept-language"), "en-US,en;q=0.9");
    assert.match(get.headers.get("accept") ?? "", /text\/html/);
    assert.equal(post.method, "POST");
    assert.equal(post.headers.get("referer"), url);
    assert.equal(post.headers.get("x-requested-with"), "XMLHttpRequest");
    assert.match(
      post.headers.get("content-type") ?? "",
      /application\/x-www-form-urlencoded/,
    );
    const form = new URLSearchParams(post.body);
    assert.equal(form.get("action"), "sugar_calendar_block_update");
    assert.equal(form.get("nonce"), "5f3a9c1e7b");
    assert.equal(form.get("calendar_block[action]"), "next_month");
    assert.equal(form.get("calendar_block[month]"), "3");
    assert.equal(form.get("calendar_block[year]"), "2026");
    assert.equal(form.get("calendar_block[day]"), "5");
    assert.equal(form.get("calendar_block[display]"), "month");
    assert.equal(form.get("calendar_block[accentColor]"), "#5685BD");
    assert.equal(
      JSON.parse(form.get("calendar_block[attributes]")!).display,
      "month",
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("urban-family: a failing next-month POST fails the venue", async () => {
  const page = await pageHtml();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req) => req.method === "POST" ? new Response("-1", { status: 403 }) : new Response(page),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/home/calendar/`;
    await assert.rejects(
      parser.fetchEvents({
        venue: { ...venue, url },
        today: "2026-03-28",
        until: "2026-04-04",
        http: testHttp(),
      }),
      (err: unknown) => err instanceof HttpStatusError && err.status === 403,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("urban-family: 404 and 500 propagate as HttpStatusError", async () => {
  for (const status of [404, 500]) {
    await assert.rejects(
      runAgainstAnswer(KEY, status, "nope"),
      (err: unknown) => err instanceof HttpStatusError && err.status === status,
    );
  }
});

Deno.test("urban-family: an empty body or a page without the calendar is a ParseError", async () => {
  await assert.rejects(runAgainstAnswer(KEY, 200, ""), ParseError);
  await assert.rejects(
    runAgainstAnswer(
      KEY,
      200,
      "<html><body><h1>Site maintenance</h1></body></html>",
    ),
    (err: unknown) => err instanceof ParseError && /no Sugar Calendar block/.test(err.message),
  );
  await assert.rejects(
    runAgainstAnswer(KEY, 200, "\u0000\u00ff garbage {"),
    ParseError,
  );
});

Deno.test("urban-family: only cells of a calendar named like 'food truck' are kept", () => {
  const html = [
    cell("Trivia Night", ["Events"]),
    cell("No Calendars", []),
    cell("No Info", null),
    cell("Taco Truck", ["FOOD TRUCKS"]),
    cell("Both", ["Urban Family Ballard", "Food-Truck Calendar"]),
  ].join("\n");
  assert.deepEqual(
    parseSugarCalendarHtml(html, { venue }).map((e) => e.truckName),
    ["Taco Truck", "Both"],
  );
  assert.equal(
    isFoodTruckCalendarsInfo('{"primary_event_color":"#fff"}'),
    false,
  );
  assert.throws(() => isFoodTruckCalendarsInfo("{not json"), ParseError);
});

Deno.test("urban-family: start falls back to data-daydate; no time at all is a ParseError", () => {
  const daydate =
    ` data-daydate='{"start_date":{"datetime":"2026-03-08T11:30:00","value":"March 8"}}'`;
  const [e] = parseSugarCalendarHtml(
    cell("Fallback", ["Food Truck Calendar"], [], daydate),
    {
      venue,
    },
  );
  assert.deepEqual(brief(e), [
    "2026-03-08",
    "Fallback",
    "2026-03-08T11:30:00-07:00",
    null,
  ]);
  assert.throws(
    () =>
      parseSugarCalendarHtml(cell("Timeless", ["Food Truck Calendar"], []), {
        venue,
      }),
    (err: unknown) => err instanceof ParseError && /Timeless/.test(err.message),
  );
});

Deno.test("urban-family: datetime values with offsets, floating and unreadable", () => {
  assert.equal(
    sugarDateTimeToPacific("2026-03-07T12:00:00"),
    "2026-03-07T12:00:00-08:00",
  );
  assert.equal(
    sugarDateTimeToPacific("2026-03-08T12:00:00"),
    "2026-03-08T12:00:00-07:00",
  );
  assert.equal(
    sugarDateTimeToPacific("2026-03-08T20:00:00Z"),
    "2026-03-08T13:00:00-07:00",
  );
  assert.equal(
    sugarDateTimeToPacific("2026-03-07T17:00:00-0500"),
    "2026-03-07T14:00:00-08:00",
  );
  assert.equal(sugarDateTimeToPacific("2026-03-07"), null);
  assert.equal(sugarDateTimeToPacific("soon"), null);
  assert.equal(sugarDateTimeToPacific(undefined), null);
});

Deno.test("urban-family: dedupe keys on name, start and end", () => {
  const e = (
    truckName: string,
    start: string,
    end: string | null,
  ): FoodTruckEvent => ({
    venueKey: KEY,
    venueName: venue.name,
    truckName,
    date: start.slice(0, 10),
    start,
    end,
  });
  const a = e("Nosh", "2026-03-05T17:00:00-08:00", "2026-03-05T20:00:00-08:00");
  const out = dedupeEvents([
    a,
    { ...a, description: "another link" },
    e("Nosh", "2026-03-05T17:00:00-08:00", null),
    e("nosh", "2026-03-05T17:00:00-08:00", "2026-03-05T20:00:00-08:00"),
  ]);
  assert.equal(out.length, 3);
  assert.equal(out[0], a);
});

Deno.test("urban-family: page reading needs the block; next-month form needs nonce and inputs", async () => {
  const page = await pageHtml();
  assert.deepEqual(parseSugarCalendarPage(page, { venue }).shown, {
    year: 2026,
    month: 3,
  });
  assert.throws(
    () => parseSugarCalendarPage("<p>hello</p>", { venue }),
    ParseError,
  );
  assert.throws(
    () => nextMonthForm(page.replace('"nonce":"5f3a9c1e7b"', '"x":"y"')),
    (err: unknown) => err instanceof ParseError && /nonce/.test(err.message),
  );
  assert.throws(
    () => nextMonthForm(page.replace('name="sc_month"', 'name="other"')),
    (err: unknown) => err instanceof ParseError && /sc_month/.test(err.message),
  );
});

Deno.test("urban-family: admin-ajax answers other than success with a body are ParseErrors", () => {
  assert.throws(() => parseSugarCalendarAjax(-1, { venue }), ParseError);
  assert.throws(
    () => parseSugarCalendarAjax({ success: false, data: "bad nonce" }, { venue }),
    ParseError,
  );
  assert.deepEqual(
    parseSugarCalendarAjax({ success: true, data: { body: "" } }, { venue }),
    [],
  );
});
