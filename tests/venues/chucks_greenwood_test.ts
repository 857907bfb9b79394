import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { HttpStatusError, ParseError } from "../../src/net/http.ts";
import type { FoodTruckEvent } from "../../src/core/model.ts";
import { parseChucksCsv, readMonthDay, splitMealLabel } from "../../src/venues/chucks_greenwood.ts";
import { runAgainstAnswer, runAgainstFixtures } from "../helpers/venue_kit.ts";

const KEY = "chucks-greenwood";
const venue = {
  key: KEY,
  name: "Chuck's Hop Shop Greenwood",
  url: "https://example.com/pub?output=csv",
};
const row = (e: FoodTruckEvent) => [e.date, e.truckName, e.description ?? null];
const isStatus = (status: number) => (err: unknown) =>
  err instanceof HttpStatusError && err.status === status;
const HEADER =
  "Greenwood Events & Food Trucks,,,,,,,Date Created,Last Updated,All Day Event,Recurring Event";

Deno.test("chucks: follows the redirect to the CDN and reads the Food Truck rows", async () => {
  const { events, requests } = await runAgainstFixtures(KEY);
  equal(requests.length, 2);
  equal(requests[1], "GET /cdn/chucks-greenwood/pub-1143085558.csv");
  deepEqual(events.map(row), [
    ["2026-03-04", "Saffron Saucer", "Dinner"],
    ["2026-03-05", "Pupusa Pilot", "Dinner"],
    ["2026-03-06", "Hot Dog Hangar", null],
    ["2026-03-07", "Bánh Mì, Oh My", "Dinner"],
    ["2026-03-08", "Waffle Wagon", "Brunch"],
    ["2026-03-08", "Ramen Rover", "Dinner"],
    ["2026-03-10", "Mac Attack Mobile", "Dinner"],
    ["2026-03-12", "Falafel Frontier", "Dinner"],
    ["2026-03-13", "Saffron Saucer", "Dinner"],
    ["2026-04-04", "Pupusa Pilot", "Dinner"],
  ]);
  for (const e of events) {
    equal(e.venueKey, KEY);
    equal(e.venueName, "Chuck's Hop Shop Greenwood");
    equal(e.start, null);
    equal(e.end, null);
  }
  const inWindow = events.filter((e) => e.date >= "2026-03-05" && e.date <= "2026-03-12");
  equal(inWindow.length, 7);
});

Deno.test("chucks: a 404 is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 404, "not found"), isStatus(404));
});

Deno.test("chucks: a 500 (after the retry) is an HttpStatusError", async () => {
  await rejects(runAgainstAnswer(KEY, 500, "oops"), isStatus(500));
});

Deno.test("chucks: an empty body is a ParseError", async () => {
  await rejects(runAgainstAnswer(KEY, 200, ""), ParseError);
});

Deno.test("chucks: an HTML page instead of the CSV is a ParseError", async () => {
  await rejects(
    runAgainstAnswer(
      KEY,
      200,
      "<!DOCTYPE html><html><body>Sign in to continue</body></html>",
    ),
    (err: unknown) => err instanceof ParseError && /HTML/.test(err.message),
  );
});

Deno.test("chucks: text without the sheet's header row is a ParseError", async () => {
  await rejects(
    runAgainstAnswer(KEY, 200, "hello world\nthis is not, the sheet\n"),
    (err: unknown) => err instanceof ParseError && /header/.test(err.message),
  );
});

Deno.test("chucks: a January row seen in late December belongs to next year", () => {
  const csv = `${HEADER}\nMon,Dec 28,12 AM,to,Mon,Food Truck,Dinner: Late Truck\n` +
    `Sat,Jan 2,12 AM,to,Sat,Food Truck,Brunch: New Year Truck,Fri,Sat,FALSE,TRUE\n`;
  deepEqual(parseChucksCsv(csv, { venue, today: "2026-12-28" }).map(row), [
    ["2026-12-28", "Late Truck", "Dinner"],
    ["2027-01-02", "New Year Truck", "Brunch"],
  ]);
});

Deno.test("chucks: keeps only Food Truck rows and tolerates ragged and blank rows", () => {
  const csv = [
    HEADER,
    "Tue,Mar 10,12 AM,to,Tue,Event,Music Bingo,Mon,Tue,FALSE,TRUE",
    "Wed,Mar 11,12 AM,to,Wed,food truck ,Lunch:   Soup   Sub",
    "Thu,Mar 12",
    ",,,,,,,,,,",
    "Fri,Mar 13,12 AM,to,Fri,Food Truck,,Thu,Fri,FALSE,TRUE",
    "Sat,Febuary 30,12 AM,to,Sat,Food Truck,Bad Day Truck",
  ].join("\n");
  deepEqual(parseChucksCsv(csv, { venue, today: "2026-03-05" }).map(row), [
    ["2026-03-11", "Soup Sub", "Lunch"],
    ["2026-03-13", "TBD", null],
  ]);
});

Deno.test("chucks: a header-only sheet is empty, a sheet without readable days is an error", () => {
  const ctx = { venue, today: "2026-03-05" };
  deepEqual(parseChucksCsv(`${HEADER}\n`, ctx), []);
  throws(
    () =>
      parseChucksCsv(
        `${HEADER}\nFri,2026-03-06,12 AM,to,Fri,Food Truck,ISO Truck\n`,
        ctx,
      ),
    (err: unknown) => err instanceof ParseError && /readable day/.test(err.message),
  );
});

Deno.test("chucks: day cells and meal labels", () => {
  deepEqual(readMonthDay("Aug 1"), { month: 8, day: 1 });
  deepEqual(readMonthDay(" Sept 12 "), { month: 9, day: 12 });
  deepEqual(readMonthDay("March 8"), { month: 3, day: 8 });
  deepEqual(readMonthDay("Dec. 31"), { month: 12, day: 31 });
  equal(readMonthDay("Augx 1"), null);
  equal(readMonthDay("8/1"), null);
  equal(readMonthDay(""), null);
  deepEqual(splitMealLabel("Dinner: T'Juana"), {
    name: "T'Juana",
    meal: "Dinner",
  });
  deepEqual(splitMealLabel("BRUNCH:Good Morning Tacos"), {
    name: "Good Morning Tacos",
    meal: "Brunch",
  });
  deepEqual(splitMealLabel("Sunny Up POP UP!!!"), {
    name: "Sunny Up POP UP!!!",
  });
});
