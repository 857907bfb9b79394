/**
 * Unit tests of the web data (`data.json`) builder, the static server and the preview writer.
 *
 * @example
 * ```sh
 * deno test --allow-read --allow-write --allow-net=127.0.0.1 tests/web/data_test.ts
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { FoodTruckEvent, FoodTruckWorkflowResult, VenueError } from "../../src/core/model.ts";
import {
  parseWebData,
  sameWebData,
  serializeWebData,
  toWebData,
  type WebData,
  WebDataError,
} from "../../src/publish/data.ts";
import { writePreview } from "../../src/publish/preview.ts";
import { dataFiles } from "../../src/publish/files.ts";
import { validateWebData, WEB_DATA_SCHEMA } from "../../src/publish/schema.ts";
import { serveDir } from "../../src/publish/serve.ts";
import { ev } from "../helpers/events.ts";

const NOW = new Date("2026-03-05T18:15:00.000Z");

function failure(key: string, name: string): VenueError {
  return {
    venueKey: key,
    venueName: name,
    message: `Could not read the schedule of ${name}`,
    detail: "HTTP 500 from http://127.0.0.1/",
  };
}

function result(
  events: FoodTruckEvent[],
  errors: VenueError[] = [],
): FoodTruckWorkflowResult {
  return { from: "2026-03-05", to: "2026-03-12", events, errors };
}

Deno.test("toWebData: contract fields, 12-hour Pacific times, null description", () => {
  const data = toWebData(result([ev()]), NOW);
  assert.deepEqual(data, {
    schemaVersion: 2,
    events: [{
      date: "2026-03-05",
      vendor: "Woodshop BBQ",
      location: "Stoup Brewing - Ballard",
      venue_key: "stoup-ballard",
      start_time: "1:00 PM PT",
      end_time: "8:00 PM PT",
      starts_at: "2026-03-05T13:00:00-08:00",
      ends_at: "2026-03-05T20:00:00-08:00",
      description: null,
      ai_extracted: false,
    }],
    updated: "2026-03-05T18:15:00.000Z",
    checked: "2026-03-05T18:15:00.000Z",
    window: { from: "2026-03-05", to: "2026-03-12" },
    total_events: 1,
    timezone: "PT",
    errors: [],
    venues: [{
      key: "stoup-ballard",
      name: "Stoup Brewing - Ballard",
      ok: true,
      events: 1,
      checked: "2026-03-05T18:15:00.000Z",
      changed: "2026-03-05T18:15:00.000Z",
    }],
  });
  assert.equal("haiku" in data, false);
});

Deno.test("toWebData: unknown times become null, description kept", () => {
  const data = toWebData(
    result([
      ev({ start: null, end: null, description: "Tacos https://x.example/t" }),
    ]),
    NOW,
  );
  assert.equal(data.events[0].start_time, null);
  assert.equal(data.events[0].end_time, null);
  assert.equal(data.events[0].description, "Tacos https://x.example/t");
});

Deno.test("toWebData: a start without an end keeps the start", () => {
  const data = toWebData(result([ev({ end: null })]), NOW);
  assert.equal(data.events[0].start_time, "1:00 PM PT");
  assert.equal(data.events[0].end_time, null);
});

Deno.test("toWebData: noon, midnight and minutes", () => {
  const data = toWebData(
    result([
      ev({
        start: "2026-03-05T12:00:00-08:00",
        end: "2026-03-06T00:30:00-08:00",
      }),
    ]),
    NOW,
  );
  assert.equal(data.events[0].start_time, "12:00 PM PT");
  assert.equal(data.events[0].end_time, "12:30 AM PT");
});

Deno.test("toWebData: DST day (2026-03-08, PDT) shows the Pacific wall clock", () => {
  const data = toWebData(
    result([ev({
      date: "2026-03-08",
      start: "2026-03-08T13:00:00-07:00",
      end: "2026-03-08T20:30:00-07:00",
    })]),
    NOW,
  );
  assert.equal(data.events[0].start_time, "1:00 PM PT");
  assert.equal(data.events[0].end_time, "8:30 PM PT");
});

Deno.test("toWebData: a UTC instant is shown in Pacific time", () => {
  // 21:00Z is 1:00 PM PST in winter and 2:00 PM PDT in summer.
  const data = toWebData(
    result([
      ev({ start: "2026-01-15T21:00:00Z", end: null }),
      ev({ date: "2026-07-15", start: "2026-07-15T21:00:00Z", end: null }),
    ]),
    NOW,
  );
  assert.deepEqual(data.events.map((e) => e.start_time), [
    "1:00 PM PT",
    "2:00 PM PT",
  ]);
});

Deno.test("toWebData: errors are the venues' user-facing messages, in order", () => {
  const data = toWebData(
    result([ev()], [
      failure("obec-brewing", "Obec Brewing"),
      failure("wheelie-pop", "Wheelie Pop Brewing"),
    ]),
    NOW,
  );
  assert.deepEqual(data.errors, [
    "Could not read the schedule of Obec Brewing",
    "Could not read the schedule of Wheelie Pop Brewing",
  ]);
  assert.ok(
    !JSON.stringify(data).includes("HTTP 500"),
    "technical detail must not leak",
  );
});

Deno.test("toWebData: total_events counts events; sorted by date, start, name", () => {
  const data = toWebData(
    result([
      ev({
        date: "2026-03-06",
        truckName: "B",
        start: "2026-03-06T17:00:00-08:00",
      }),
      ev({ date: "2026-03-06", truckName: "C", start: null, end: null }),
      ev({ date: "2026-03-05", truckName: "Z" }),
      ev({
        date: "2026-03-06",
        truckName: "A",
        start: "2026-03-06T11:00:00-08:00",
      }),
      ev({
        date: "2026-03-06",
        truckName: "D",
        start: "2026-03-06T11:00:00-08:00",
      }),
    ]),
    NOW,
  );
  assert.equal(data.total_events, 5);
  assert.deepEqual(data.events.map((e) => e.vendor), ["Z", "A", "D", "B", "C"]);
});

Deno.test("toWebData: empty result", () => {
  const data = toWebData(result([]), NOW);
  assert.deepEqual(data.events, []);
  assert.equal(data.total_events, 0);
  assert.deepEqual(data.errors, []);
});

Deno.test("toWebData: haiku included when non-blank, trimmed", () => {
  assert.equal(
    toWebData(result([]), NOW, { haiku: "  a\nb\nc \n" }).haiku,
    "a\nb\nc",
  );
  assert.equal("haiku" in toWebData(result([]), NOW, { haiku: "   " }), false);
  assert.equal("haiku" in toWebData(result([]), NOW, {}), false);
});

Deno.test("toWebData: default now is the current time", () => {
  const before = Date.now();
  const updated = Date.parse(toWebData(result([])).updated);
  assert.ok(updated >= before && updated <= Date.now());
});

Deno.test("toWebData: a bad timestamp throws instead of publishing garbage", () => {
  assert.throws(
    () => toWebData(result([ev({ start: "soon" })]), NOW),
    RangeError,
  );
});

Deno.test("sameWebData: ignores updated and key order", () => {
  const a = toWebData(
    result([ev()], [failure("obec-brewing", "Obec Brewing")]),
    NOW,
  );
  const b = toWebData(
    result([ev()], [failure("obec-brewing", "Obec Brewing")]),
    new Date("2026-03-06T01:00:00Z"),
  );
  assert.notEqual(a.updated, b.updated);
  assert.equal(sameWebData(a, b), true);
  const reordered = JSON.parse(JSON.stringify({
    venues: b.venues,
    window: b.window,
    checked: b.checked,
    schemaVersion: b.schemaVersion,
    errors: b.errors,
    timezone: b.timezone,
    total_events: b.total_events,
    updated: b.updated,
    events: b.events.map((e) => ({ ...e })).map(({ vendor, ...rest }) => ({
      ...rest,
      vendor,
    })),
  }));
  assert.equal(sameWebData(a, reordered), true);
});

Deno.test("sameWebData: sees event, error, and haiku changes", () => {
  const base = toWebData(result([ev()]), NOW);
  const changed = (f: (d: WebData) => void) => {
    const d: WebData = structuredClone(base);
    f(d);
    return d;
  };
  assert.equal(
    sameWebData(base, changed((d) => d.events[0].vendor = "Other Truck")),
    false,
  );
  assert.equal(
    sameWebData(base, changed((d) => d.events[0].end_time = null)),
    false,
  );
  assert.equal(
    sameWebData(base, changed((d) => d.events[0].description = "BBQ")),
    false,
  );
  assert.equal(
    sameWebData(base, changed((d) => d.events[0].date = "2026-03-06")),
    false,
  );
  assert.equal(
    sameWebData(
      base,
      changed((d) => d.errors.push("Could not read the schedule of X")),
    ),
    false,
  );
  assert.equal(
    sameWebData(base, changed((d) => d.events.push({ ...d.events[0] }))),
    false,
  );
  assert.equal(sameWebData(base, changed((d) => d.haiku = "new poem")), false);
  assert.equal(
    sameWebData(base, changed((d) => d.haiku = "new poem"), {
      ignoreHaiku: true,
    }),
    true,
  );
});

Deno.test("sameWebData: event order matters", () => {
  const a = toWebData(result([ev(), ev({ truckName: "Another" })]), NOW);
  const b = structuredClone(a);
  b.events.reverse();
  assert.equal(sameWebData(a, b), false);
});

Deno.test("serializeWebData: stable 2-space JSON with trailing newline, round-trips", () => {
  const data = toWebData(result([ev()]), NOW, { haiku: "h" });
  const text = serializeWebData(data);
  assert.ok(text.endsWith("}\n"));
  assert.ok(
    text.startsWith('{\n  "schemaVersion": 2,\n  "events": [\n    {\n      "date": "2026-03-05",'),
  );
  assert.deepEqual(JSON.parse(text), data);
  assert.deepEqual(parseWebData(text), data);
  // Same data with another key order serializes to the same bytes.
  const shuffled = JSON.parse(JSON.stringify({ ...data, events: data.events }));
  const { events, ...rest } = shuffled;
  assert.equal(serializeWebData({ ...rest, events } as WebData), text);
});

Deno.test("parseWebData: rejects files that break the contract", () => {
  const good = toWebData(result([ev()]), NOW);
  assert.throws(() => parseWebData("{"), SyntaxError);
  assert.throws(() => parseWebData("[]"), WebDataError);
  assert.doesNotThrow(() => parseWebData(serializeWebData(good)));
  assert.throws(
    () => parseWebData(JSON.stringify({ ...good, schemaVersion: 1 })),
    /schemaVersion/,
  );
  assert.throws(
    () =>
      parseWebData(
        JSON.stringify({ ...good, events: [{ ...good.events[0], start_time: "13:00" }] }),
      ),
    /start_time/,
  );
  assert.throws(
    () => parseWebData(JSON.stringify({ ...good, events: {} })),
    /events/,
  );
  assert.throws(
    () =>
      parseWebData(
        JSON.stringify({ ...good, events: [{ ...good.events[0], date: 1 }] }),
      ),
    /events\/0\/date/,
  );
  assert.throws(
    () =>
      parseWebData(
        JSON.stringify({
          ...good,
          events: [{ ...good.events[0], end_time: 5 }],
        }),
      ),
    /end_time/,
  );
  assert.throws(
    () => parseWebData(JSON.stringify({ ...good, timezone: "UTC" })),
    /timezone/,
  );
  assert.throws(
    () => parseWebData(JSON.stringify({ ...good, errors: [1] })),
    /errors/,
  );
});

Deno.test("writePreview: writes the page and data.json into a new folder", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "atg-preview-" });
  try {
    const dir = join(tmp, "nested", "site");
    const data = toWebData(result([ev()]), NOW);
    const out = await writePreview(dir, data);
    assert.equal(out.dir, dir);
    assert.deepEqual(
      out.files,
      [
        "index.html",
        "app.js",
        "style.css",
        "data.json",
        "data.schema.json",
        "calendar.ics",
        "calendar-stoup-ballard.ics",
      ].map((f) => join(dir, f)),
    );
    assert.equal(
      await Deno.readTextFile(join(dir, "data.json")),
      serializeWebData(data),
    );
    const html = await Deno.readTextFile(join(dir, "index.html"));
    assert.match(html, /<html lang="en">/);
    assert.match(html, /src="app\.js"/);
    assert.doesNotMatch(
      html,
      /https?:\/\//,
      "the page must not load anything from elsewhere",
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("serveDir: content types, index, 404, traversal refused, 405", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "atg-serve-" });
  const site = join(tmp, "site");
  await Deno.mkdir(join(site, "sub"), { recursive: true });
  await Deno.writeTextFile(join(tmp, "secret.txt"), "secret");
  await Deno.writeTextFile(
    join(site, "index.html"),
    "<!doctype html><p>hi</p>",
  );
  await Deno.writeTextFile(join(site, "app.js"), "1");
  await Deno.writeTextFile(join(site, "style.css"), "p{}");
  await Deno.writeTextFile(join(site, "data.json"), "{}");
  await Deno.writeTextFile(join(site, "sub", "index.html"), "sub");
  const server = serveDir(site);
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(server.url.replace(/\/$/, "") + path, init);
      return {
        status: res.status,
        type: res.headers.get("content-type"),
        body: await res.text(),
      };
    };
    assert.deepEqual(await get("/"), {
      status: 200,
      type: "text/html; charset=utf-8",
      body: "<!doctype html><p>hi</p>",
    });
    assert.equal((await get("/app.js")).type, "text/javascript; charset=utf-8");
    assert.equal((await get("/style.css")).type, "text/css; charset=utf-8");
    assert.equal(
      (await get("/data.json")).type,
      "application/json; charset=utf-8",
    );
    assert.equal((await get("/data.json?x=1")).body, "{}");
    assert.equal((await get("/sub/")).body, "sub");
    assert.equal((await get("/missing.json")).status, 404);
    assert.equal((await get("/app.js/x")).status, 404);
    for (
      const path of [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub/..%2f..%2fsecret.txt",
      ]
    ) {
      const res = await get(path);
      assert.notEqual(res.status, 200, path);
      assert.ok(!res.body.includes("secret"), path);
    }
    // "..", even percent-encoded, is normalized away by URL parsing; an encoded
    // "/" is not, so the server must refuse it.
    assert.equal((await get("/sub/..%2f..%2fsecret.txt")).status, 403);
    assert.equal((await get("/a%5c..%5csecret.txt")).status, 400);
    assert.equal(
      (await get("/data.json", { method: "POST", body: "x" })).status,
      405,
    );
    const head = await fetch(server.url + "data.json", { method: "HEAD" });
    await head.body?.cancel();
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "2");
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

// Deno.symlink needs unscoped --allow-read and --allow-write.
const canSymlink = Deno.permissions.querySync({ name: "read" }).state === "granted" &&
  Deno.permissions.querySync({ name: "write" }).state === "granted";
if (!canSymlink) {
  console.warn(
    "SKIPPING the serveDir symlink test: creating a symlink needs unscoped --allow-read and " +
      "--allow-write",
  );
}

Deno.test({
  name: "serveDir: a symlink leading out of the folder is refused",
  ignore: !canSymlink,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "atg-serve-" });
    const site = join(tmp, "site");
    await Deno.mkdir(site);
    await Deno.writeTextFile(join(tmp, "secret.txt"), "secret");
    await Deno.writeTextFile(join(site, "ok.txt"), "ok");
    await Deno.symlink(join(tmp, "secret.txt"), join(site, "link.txt"));
    await Deno.symlink(join(site, "ok.txt"), join(site, "inside.txt"));
    const server = serveDir(site);
    try {
      const link = await fetch(server.url + "link.txt");
      assert.equal(link.status, 403);
      assert.ok(!(await link.text()).includes("secret"));
      const inside = await fetch(server.url + "inside.txt");
      assert.equal(inside.status, 200);
      assert.equal(await inside.text(), "ok");
    } finally {
      await server.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("toWebData: an AI-extracted truck name is marked ai_extracted", () => {
  const data = toWebData(
    result([{ ...ev({}), truckName: "Read From Logo", aiExtracted: true }, ev({})]),
    NOW,
  );
  assert.deepEqual(data.events.map((e) => e.ai_extracted).sort(), [false, true]);
  assert.equal(parseWebData(serializeWebData(data)).events.some((e) => e.ai_extracted), true);
});

Deno.test("docs/data-contract.md shows the very schema the code validates with and publishes", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/data-contract.md", import.meta.url));
  const block = /## JSON Schema[^\n]*\n[\s\S]*?```json\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, "no JSON Schema block in docs/data-contract.md");
  assert.deepEqual(JSON.parse(block[1]), WEB_DATA_SCHEMA);
  const files = dataFiles(toWebData(result([ev()]), NOW));
  assert.deepEqual(JSON.parse(files["data.schema.json"]), WEB_DATA_SCHEMA);
  assert.deepEqual(validateWebData(JSON.parse(files["data.json"])), []);
});

Deno.test("toWebData: TBD entries are listed but not counted; venues carry outcome and stamps", () => {
  const data = toWebData(
    result([ev(), ev({ truckName: "TBD" }), ev({ truckName: " tbd " })], [
      failure("obec-brewing", "Obec Brewing"),
    ]),
    NOW,
  );
  assert.equal(data.events.length, 3);
  assert.equal(data.total_events, 1);
  assert.deepEqual(data.venues.map((v) => [v.key, v.ok, v.events, v.checked]), [
    ["obec-brewing", false, 0, null],
    ["stoup-ballard", true, 3, NOW.toISOString()],
  ]);
  assert.deepEqual(validateWebData(JSON.parse(serializeWebData(data))), []);
});
