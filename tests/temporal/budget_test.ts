/**
 * The timeout budget adds up and matches the README's table; the payload budget's pure helpers
 * clamp fields, keep events within a byte budget and count UTF-8 bytes right.
 */
import assert from "node:assert/strict";
import * as budget from "../../src/temporal/budget.ts";
import { SCHEDULED_RUN_TIMEOUT_MS } from "../../src/temporal/schedules.ts";
import {
  boundEvents,
  clampEvent,
  FIELD_LIMITS,
  jsonBytes,
  RESULT_BUDGET_BYTES,
  TEMPORAL_PAYLOAD_LIMIT_BYTES,
  utf8Length,
  VENUE_BUDGET_BYTES,
} from "../../src/core/payload.ts";
import type { FoodTruckEvent } from "../../src/core/model.ts";

const README = new URL("../../README.md", import.meta.url).pathname;

Deno.test("the timeout budget adds up: retries fit their windows, the run fits its timeout", () => {
  const b = budget;
  // 3 venue attempts with 1 s and 2 s backoff fit the per-venue limit.
  assert.ok(3 * b.VENUE_ATTEMPT_TIMEOUT_MS + 1000 + 2000 <= b.VENUE_TIMEOUT_MS);
  // 7 venues, 4 at a time = 2 waves: they fit the venue phase when no venue hangs.
  assert.ok(2 * b.VENUE_TIMEOUT_MS <= b.VENUE_PHASE_DEADLINE_MS);
  assert.ok(b.VENUE_HEARTBEAT_TIMEOUT_MS < b.VENUE_ATTEMPT_TIMEOUT_MS);
  assert.ok(b.DEPLOY_HEARTBEAT_TIMEOUT_MS < b.DEPLOY_ATTEMPT_TIMEOUT_MS);
  assert.ok(b.DEPLOY_ATTEMPT_TIMEOUT_MS <= b.DEPLOY_TIMEOUT_MS);
  assert.equal(
    b.RUN_BUDGET_MS,
    b.VENUE_PHASE_DEADLINE_MS + 2 * b.AI_TIMEOUT_MS + b.WEB_DATA_TIMEOUT_MS + b.DEPLOY_TIMEOUT_MS,
  );
  assert.ok(b.RUN_EXECUTION_TIMEOUT_MS > b.RUN_BUDGET_MS, "no execution timeout below the budget");
  assert.equal(SCHEDULED_RUN_TIMEOUT_MS, b.RUN_EXECUTION_TIMEOUT_MS);
});

Deno.test("the README's timeout budget table states the values of src/temporal/budget.ts", async () => {
  const text = await Deno.readTextFile(README);
  const rows = Object.fromEntries(
    [...text.matchAll(/^\| ([^|]+?) +\| ([^|]+?) +\|$/gm)].map((m) => [m[1], m[2]]),
  );
  const s = (ms: number) => `${ms / 1000} s`, min = (ms: number) => `${ms / 60_000} min`;
  assert.match(
    rows["one venue attempt"],
    new RegExp(
      `^${s(budget.VENUE_ATTEMPT_TIMEOUT_MS)}, heartbeat timeout ${
        s(budget.VENUE_HEARTBEAT_TIMEOUT_MS)
      }`,
    ),
  );
  assert.match(rows["one venue, all attempts"], new RegExp(`^${min(budget.VENUE_TIMEOUT_MS)}`));
  assert.match(rows["venue phase"], new RegExp(`^${min(budget.VENUE_PHASE_DEADLINE_MS)}:`));
  assert.match(
    rows["each AI touch (names, haiku)"],
    new RegExp(
      `^${min(budget.AI_TIMEOUT_MS)}, heartbeat timeout ${s(budget.AI_HEARTBEAT_TIMEOUT_MS)}`,
    ),
  );
  assert.match(rows["page data"], new RegExp(`^${min(budget.WEB_DATA_TIMEOUT_MS)}`));
  assert.match(
    rows["deploy"],
    new RegExp(
      `^${min(budget.DEPLOY_ATTEMPT_TIMEOUT_MS)} per attempt, heartbeat timeout ${
        s(budget.DEPLOY_HEARTBEAT_TIMEOUT_MS)
      }, ${min(budget.DEPLOY_TIMEOUT_MS)} for all`,
    ),
  );
  assert.match(
    rows["whole run (worst case)"],
    new RegExp(
      `^${min(budget.RUN_BUDGET_MS)}; .* ${min(budget.RUN_EXECUTION_TIMEOUT_MS)} execution`,
    ),
  );
  assert.match(text, /One venue.s events are cut to 128 KiB\s+and\s+the whole result to 512 KiB/);
  assert.equal(VENUE_BUDGET_BYTES, 128 * 1024);
  assert.equal(RESULT_BUDGET_BYTES, 512 * 1024);
  assert.match(text, /description 1000 characters,\s+names\s+200/);
  assert.equal(FIELD_LIMITS.description, 1000);
  assert.equal(FIELD_LIMITS.truckName, 200);
});

const event = (i: number, description = ""): FoodTruckEvent => ({
  venueKey: "v",
  venueName: "Venue",
  truckName: `Truck ${i}`,
  date: "2026-03-05",
  start: null,
  end: null,
  ...(description ? { description } : {}),
});

Deno.test("payload budget: fields are clamped, events kept in order within the byte budget", () => {
  const long = clampEvent(event(1, "é".repeat(5000)));
  assert.equal(long.description!.length, FIELD_LIMITS.description);
  assert.ok(long.description!.endsWith("…"));
  assert.equal(clampEvent({ ...event(1), imageUrl: "x".repeat(5000) }).imageUrl, undefined);

  const events = Array.from({ length: 1000 }, (_, i) => event(i, "d".repeat(900)));
  const { events: kept, dropped } = boundEvents(events, 64 * 1024);
  assert.ok(dropped > 0 && kept.length + dropped === 1000);
  assert.ok(jsonBytes(kept) <= 64 * 1024, `${jsonBytes(kept)} bytes`);
  assert.deepEqual(
    kept.map((e) => e.truckName),
    events.slice(0, kept.length).map((e) => e.truckName),
  );
  assert.deepEqual(boundEvents(events.slice(0, 3), 64 * 1024).dropped, 0);
  assert.ok(RESULT_BUDGET_BYTES * 2 <= TEMPORAL_PAYLOAD_LIMIT_BYTES);
});

Deno.test("utf8Length counts bytes as TextEncoder does", () => {
  for (const t of ["", "abc", "é", "日本", "🚚 food", "a\u{10FFFF}b", "\ud800x"]) {
    assert.equal(utf8Length(t), new TextEncoder().encode(t).length, JSON.stringify(t));
  }
});
