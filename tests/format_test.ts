import assert from "node:assert/strict";
import type { FoodTruckEvent, FoodTruckWorkflowResult, VenueError } from "../src/core/model.ts";
import { exitCodeFor, formatDay, formatHours, formatResult } from "../src/cli/format.ts";

const ev = (o: Partial<FoodTruckEvent> & Pick<FoodTruckEvent, "date">): FoodTruckEvent => ({
  venueKey: "stoup-ballard",
  venueName: "Stoup Brewing - Ballard",
  truckName: "Woodshop BBQ",
  start: null,
  end: null,
  ...o,
});

const failure: VenueError = {
  venueKey: "obec-brewing",
  venueName: "Obec Brewing",
  message: "Could not read the schedule of Obec Brewing",
  detail: "HttpStatusError: HTTP 500 from http://127.0.0.1:1/",
};

const week = (o: Partial<FoodTruckWorkflowResult> = {}): FoodTruckWorkflowResult => ({
  from: "2026-03-05",
  to: "2026-03-12",
  events: [
    ev({
      date: "2026-03-05",
      start: "2026-03-05T13:00:00-08:00",
      end: "2026-03-05T20:00:00-08:00",
      description: "Brisket",
    }),
    ev({
      date: "2026-03-05",
      venueKey: "chucks-greenwood",
      venueName: "Chuck's Hop Shop Greenwood",
      truckName: "Tacos",
    }),
    ev({ date: "2026-03-08", truckName: "Late Bite", start: "2026-03-08T17:00:00-07:00" }),
  ],
  errors: [],
  ...o,
});

Deno.test("formatDay: a YYYY-MM-DD day reads like 'Thursday, March 5, 2026'", () => {
  assert.equal(formatDay("2026-03-05"), "Thursday, March 5, 2026");
  assert.equal(formatDay("2026-03-08"), "Sunday, March 8, 2026");
  assert.equal(formatDay("2027-01-01"), "Friday, January 1, 2027");
});

Deno.test("formatHours: start and end, start only, or 'hours not posted'", () => {
  assert.equal(
    formatHours({ start: "2026-03-05T13:00:00-08:00", end: "2026-03-05T20:00:00-08:00" }),
    "1:00 PM - 8:00 PM",
  );
  assert.equal(formatHours({ start: "2026-03-08T17:00:00-07:00", end: null }), "from 5:00 PM");
  assert.equal(formatHours({ start: null, end: null }), "hours not posted");
});

Deno.test("formatResult: groups events under day headings with their hours", () => {
  const text = formatResult(week());
  assert.deepEqual(text.split("\n"), [
    "Food trucks in Ballard, Thursday, March 5, 2026 to Thursday, March 12, 2026 (Pacific time)",
    "",
    "Thursday, March 5, 2026",
    "  1:00 PM - 8:00 PM    Woodshop BBQ @ Stoup Brewing - Ballard",
    "  hours not posted     Tacos @ Chuck's Hop Shop Greenwood",
    "",
    "Sunday, March 8, 2026",
    "  from 5:00 PM         Late Bite @ Stoup Brewing - Ballard",
    "",
    "3 event(s) from 2 venue(s).",
  ]);
  assert.ok(!text.includes("Brisket"), "descriptions only with verbose");
  assert.ok(!text.includes("failed"));
});

Deno.test("formatResult: names each failed venue in a summary, without detail", () => {
  const text = formatResult(week({ errors: [failure] }));
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(-3), [
    "3 event(s) from 2 venue(s).",
    "1 venue(s) failed:",
    "  ✗ Could not read the schedule of Obec Brewing: HTTP 500 — the site had an error; try again later",
  ]);
  assert.ok(!text.includes("HttpStatusError"));
});

Deno.test("formatResult: verbose adds each failure's detail and events' descriptions", () => {
  const lines = formatResult(week({ errors: [failure] }), { verbose: true }).split("\n");
  assert.ok(
    lines.includes(
      "  ✗ Could not read the schedule of Obec Brewing: HTTP 500 — the site had an error; try again later (HttpStatusError: HTTP 500 from http://127.0.0.1:1/)",
    ),
    lines.join("\n"),
  );
  const i = lines.indexOf("  1:00 PM - 8:00 PM    Woodshop BBQ @ Stoup Brewing - Ballard");
  assert.equal(lines[i + 1], `  ${"".padEnd(19)}  Brisket`);
});

Deno.test("formatResult: no events says 'No food trucks found.'", () => {
  const lines = formatResult(week({ events: [], errors: [failure] })).split("\n");
  assert.deepEqual(lines.slice(2), [
    "No food trucks found.",
    "",
    "0 event(s) from 0 venue(s).",
    "1 venue(s) failed:",
    "  ✗ Could not read the schedule of Obec Brewing: HTTP 500 — the site had an error; try again later",
  ]);
});

Deno.test("formatResult: the deploy outcome is the last line", () => {
  const text = formatResult(
    week({ deploy: { committed: true, commit: "abc", message: "ok abc" } }),
  );
  assert.equal(text.split("\n").at(-1), "Deploy: ok abc");
});

Deno.test("exitCodeFor: 0 when every venue was read", () => {
  assert.equal(exitCodeFor(week()), 0);
  assert.equal(exitCodeFor(week({ events: [] })), 0); // a quiet week is not a failure
});

Deno.test("exitCodeFor: 2 when some venues failed but events were found", () => {
  assert.equal(exitCodeFor(week({ errors: [failure] })), 2);
});

Deno.test("exitCodeFor: 1 when venues failed and nothing was found", () => {
  assert.equal(exitCodeFor(week({ events: [], errors: [failure] })), 1);
});

Deno.test("exitCodeFor: 1 when the deploy failed, even if every venue was read", () => {
  const deploy = { committed: false, message: "push rejected", failed: true };
  assert.equal(exitCodeFor(week({ deploy })), 1);
  assert.equal(exitCodeFor(week({ deploy, errors: [failure] })), 1);
  assert.equal(exitCodeFor(week({ deploy: { committed: false, message: "no change" } })), 0);
});

Deno.test("formatResult: terminal escape sequences from venues are neutralised", () => {
  const evil = ev({
    date: "2026-03-05",
    truckName: "Tacos\u001b]0;pwned\u0007\u001b[2J\u001b[31mRED\rX\u202eevil",
    venueName: "Stoup\u001b[8m",
    description: "desc\u009b31m",
  });
  const r: FoodTruckWorkflowResult = {
    from: "2026-03-05",
    to: "2026-03-12",
    events: [evil],
    errors: [{ ...failure, detail: "ParseError: bad \u001b[1mheading" }],
    warnings: [{ venueKey: "x", venueName: "X", message: "X\u001b[5m: truncated" }],
  };
  const text = formatResult(r, { verbose: true });
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  assert.match(text, /Tacos\?\]0;pwned\?\?\[2J\?\[31mRED\?X\?evil @ Stoup\?\[8m/);
  assert.match(text, /^ {2}! X\?\[5m: truncated$/m);
});

Deno.test("exitCodeFor: 2 when a venue was truncated, even with no failure", () => {
  const r: FoodTruckWorkflowResult = {
    from: "2026-03-05",
    to: "2026-03-12",
    events: [ev({ date: "2026-03-05" })],
    errors: [],
    warnings: [{ venueKey: "x", venueName: "X", message: "X: truncated" }],
  };
  assert.equal(exitCodeFor(r), 2);
});
