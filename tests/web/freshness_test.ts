/**
 * Freshness stamps: carrying `updated` / per-venue `changed` over when nothing changed, and the
 * deploy activity against a real bare git repository: a run on an unchanged day commits nothing,
 * yet the page's `checked` stamp still moves once the refresh interval has passed.
 *
 * @example
 * ```sh
 * deno test --allow-read --allow-write --allow-run=git --allow-env tests/web/freshness_test.ts
 * ```
 * @module
 */
import assert from "node:assert/strict";
import type { FoodTruckEvent, FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { parseWebData, toWebData, type WebData } from "../../src/publish/data.ts";
import {
  carryOver,
  DEFAULT_PAGE_CHECKED_REFRESH_HOURS,
  parseRefreshHours,
  planPublish,
  RefreshHoursError,
} from "../../src/publish/freshness.ts";
import { dataFiles } from "../../src/publish/files.ts";
import { createActivities } from "../../src/temporal/activities.ts";
import { readAppSettings } from "../../src/config/app.ts";
import { ev } from "../helpers/events.ts";

const T0 = Date.parse("2026-03-05T18:00:00.000Z");
const at = (hours: number) => new Date(T0 + hours * 3_600_000);
const iso = (hours: number) => at(hours).toISOString();

const OBEC = { venueKey: "obec-brewing", venueName: "Obec Brewing", truckName: "Nosh" };

function result(events: FoodTruckEvent[], failed: string[] = []): FoodTruckWorkflowResult {
  return {
    from: "2026-03-05",
    to: "2026-03-12",
    events,
    errors: failed.map((name) => ({
      venueKey: name.toLowerCase().replace(/\W+/g, "-"),
      venueName: name,
      message: `Could not read the schedule of ${name}`,
      detail: "HTTP 500",
    })),
  };
}

const venue = (d: WebData, key: string) => d.venues.find((v) => v.key === key)!;

Deno.test("carryOver: same content keeps updated and each venue's changed; checked moves", () => {
  const old = toWebData(result([ev(), ev(OBEC)]), at(0));
  const fresh = toWebData(result([ev(), ev(OBEC)]), at(2));
  const d = carryOver(old, fresh);
  assert.equal(d.updated, iso(0));
  assert.equal(d.checked, iso(2));
  assert.equal(venue(d, "stoup-ballard").changed, iso(0));
  assert.equal(venue(d, "stoup-ballard").checked, iso(2));
  assert.equal(fresh.updated, iso(2), "the argument is not modified");
});

Deno.test("carryOver: a changed venue gets a new changed stamp, the others keep theirs", () => {
  const old = toWebData(result([ev(), ev(OBEC)]), at(0));
  const fresh = toWebData(result([ev({ truckName: "Marination" }), ev(OBEC)]), at(3));
  const d = carryOver(old, fresh);
  assert.equal(d.updated, iso(3));
  assert.equal(venue(d, "stoup-ballard").changed, iso(3));
  assert.equal(venue(d, "obec-brewing").changed, iso(0));
});

Deno.test("carryOver: a venue that failed keeps its last successful check", () => {
  const old = toWebData(result([ev(), ev(OBEC)]), at(0));
  const fresh = toWebData(result([ev()], ["Obec Brewing"]), at(4));
  const d = carryOver(old, fresh);
  const obec = venue(d, "obec-brewing");
  assert.equal(obec.ok, false);
  assert.equal(obec.checked, iso(0));
  assert.equal(obec.changed, iso(0));
  assert.equal(carryOver(null, fresh).venues.find((v) => !v.ok)?.checked, null);
});

Deno.test("planPublish: hostile or foreign data.json in the repository is replaced, not trusted", () => {
  const fresh = toWebData(result([ev()]), at(1));
  const statics = { "index.html": "<html>" };
  for (const bad of ["{", '{"events":[]}', JSON.stringify({ ...fresh, checked: "yesterday" })]) {
    const out = planPublish({ ...statics, "data.json": bad }, fresh, statics);
    assert.equal(parseWebData(out["data.json"] as string).checked, iso(1));
  }
});

Deno.test("parseRefreshHours: default, numbers, and a one-line error naming the variable", () => {
  assert.equal(parseRefreshHours(undefined), DEFAULT_PAGE_CHECKED_REFRESH_HOURS);
  assert.equal(parseRefreshHours(" "), DEFAULT_PAGE_CHECKED_REFRESH_HOURS);
  assert.equal(parseRefreshHours("0.5"), 0.5);
  for (const bad of ["0", "-1", "abc", "1000"]) {
    assert.throws(
      () => parseRefreshHours(bad),
      (e: Error) =>
        e instanceof RefreshHoursError && /^PAGE_CHECKED_REFRESH_HOURS="/.test(e.message) &&
        !e.message.includes("\n"),
    );
  }
});

async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "piped" }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("deploy: an unchanged day makes no commit, yet 'checked' moves once per refresh interval", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "atg-fresh-" });
  try {
    const bare = `${tmp}/pages.git`;
    await git("init", "--bare", "-q", "-b", "main", bare);
    // The deploy target is the worker's own configuration (the input only says "deploy").
    const activities = createActivities({
      pageCheckedRefreshHours: 6,
      deploy: { repositoryUrl: bare, branch: "main", subdir: "public" },
    });
    // The page calls itself stale past twice the refresh interval.
    assert.equal((await activities.generateWebData(result([ev()]))).stale_after_hours, 12);
    const commits = async () =>
      Number((await git("--git-dir", bare, "rev-list", "--count", "main")).trim());
    const published = async () =>
      parseWebData(await git("--git-dir", bare, "show", "main:public/data.json"));
    const run = (events: FoodTruckEvent[], hours: number) =>
      activities.deployWebData(toWebData(result(events), at(hours)), true);

    const first = await run([ev(), ev(OBEC)], 0);
    assert.equal(first.committed, true);
    assert.equal(await commits(), 1);
    const ls = (await git("--git-dir", bare, "ls-tree", "--name-only", "main", "public/")).split(
      "\n",
    );
    for (
      const f of ["calendar.ics", "calendar-obec-brewing.ics", "data.schema.json", "index.html"]
    ) {
      assert.ok(ls.includes(`public/${f}`), `${f} is published: ${ls}`);
    }

    // Same events 1 h and 5.9 h later: nothing committed, the published stamp stays.
    for (const h of [1, 5.9]) {
      const r = await run([ev(), ev(OBEC)], h);
      assert.equal(r.committed, false, `run at +${h} h`);
    }
    assert.equal(await commits(), 1);
    assert.equal((await published()).checked, iso(0));

    // Past the 6 h interval: one stamp-only commit; "updated" (last change) does not move.
    const refresh = await run([ev(), ev(OBEC)], 6.5);
    assert.equal(refresh.committed, true);
    assert.equal(await commits(), 2);
    let data = await published();
    assert.equal(data.checked, iso(6.5));
    assert.equal(data.updated, iso(0));
    assert.equal(venue(data, "stoup-ballard").checked, iso(6.5));
    assert.equal(venue(data, "stoup-ballard").changed, iso(0));
    // ...and the calendar files did not change with it (DTSTAMP is the last change).
    const icsBefore = await git("--git-dir", bare, "show", "main~1:public/calendar.ics");
    assert.equal(await git("--git-dir", bare, "show", "main:public/calendar.ics"), icsBefore);

    assert.equal((await run([ev(), ev(OBEC)], 7)).committed, false);
    assert.equal(await commits(), 2);

    // A real change commits at once and moves "updated" and that venue's "changed" only.
    assert.equal((await run([ev({ truckName: "Marination" }), ev(OBEC)], 7.5)).committed, true);
    assert.equal(await commits(), 3);
    data = await published();
    assert.equal(data.updated, iso(7.5));
    assert.equal(venue(data, "stoup-ballard").changed, iso(7.5));
    assert.equal(venue(data, "obec-brewing").changed, iso(0));
    assert.deepEqual(
      dataFiles(data)["calendar.ics"],
      await git("--git-dir", bare, "show", "main:public/calendar.ics"),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("PAGE_CHECKED_REFRESH_HOURS is read by the config module; a bad value is an issue naming it", () => {
  assert.equal(readAppSettings({}).pageCheckedRefreshHours, 6);
  assert.equal(readAppSettings({ PAGE_CHECKED_REFRESH_HOURS: "2" }).pageCheckedRefreshHours, 2);
  const bad = readAppSettings({ PAGE_CHECKED_REFRESH_HOURS: "soon" });
  assert.deepEqual(bad.issues.map((i) => i.variable), ["PAGE_CHECKED_REFRESH_HOURS"]);
});
