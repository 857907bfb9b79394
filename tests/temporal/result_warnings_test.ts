/**
 * A truncated result is visible everywhere a result goes: exit code 2, a `!` line in the text
 * output, and a message in the page's notice (data.json `errors`).
 */
import assert from "node:assert/strict";
import { exitCodeFor, formatResult } from "../../src/cli/format.ts";
import { toWebData } from "../../src/publish/data.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";

const truncated: FoodTruckWorkflowResult = {
  from: "2026-03-05",
  to: "2026-03-12",
  events: [{
    venueKey: "v",
    venueName: "Venue",
    truckName: "Truck",
    date: "2026-03-05",
    start: null,
    end: null,
  }],
  errors: [],
  truncated: true,
  warnings: [{
    venueKey: "v",
    venueName: "Venue",
    message: "truncated: 12 event(s) of Venue dropped to stay within the payload budget",
  }],
};

Deno.test("a truncated result exits 2 even when every venue was read", () => {
  assert.equal(exitCodeFor(truncated), 2);
  assert.equal(exitCodeFor({ ...truncated, truncated: undefined, warnings: undefined }), 0);
});

Deno.test("the text output shows each warning on a ! line", () => {
  assert.match(formatResult(truncated), /^ {2}! truncated: 12 event\(s\) of Venue dropped/m);
});

Deno.test("the page's notice (data.json errors) carries the warnings after the failed venues", () => {
  const data = toWebData({
    ...truncated,
    errors: [{ venueKey: "x", venueName: "X", message: "Could not read X", detail: "500" }],
  });
  assert.deepEqual(data.errors, ["Could not read X", truncated.warnings![0].message]);
});
