import assert from "node:assert/strict";
import type { FoodTruckWorkflowResult } from "../src/core/model.ts";
import { startFixtureServer } from "../src/venues/fixture_server.ts";
import { loadVenueList } from "../src/venues/list.ts";
import { VENUE_KEYS } from "../src/venues/registry.ts";
import { runTask, type TaskOutput } from "./helpers/proc.ts";

function assertNoStack(out: TaskOutput): void {
  assert.ok(!/^\s{4}at /m.test(out.stderr), `stack trace in stderr:\n${out.stderr}`);
  assert.ok(!/^\s{4}at /m.test(out.stdout), `stack trace in stdout:\n${out.stdout}`);
}

/** The one line a fatal error prints (besides nothing else on stderr). */
function oneLine(out: TaskOutput): string {
  const lines = out.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${out.stderr}`);
  return lines[0];
}

async function withVenueFile(
  venues: unknown,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "atg-scrape-" });
  try {
    await Deno.writeTextFile(`${dir}/venues.json`, JSON.stringify({ venues }));
    await fn(`${dir}/venues.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("scrape --offline --json: exit 0 and events from all seven venues as of 2026-03-05", async () => {
  const out = await runTask("scrape", ["--offline", "--json"]);
  assert.equal(out.code, 0, out.stderr);
  assertNoStack(out);
  const r = JSON.parse(out.stdout) as FoodTruckWorkflowResult;
  assert.equal(r.from, "2026-03-05");
  assert.equal(r.to, "2026-03-12");
  assert.deepEqual(r.errors, []);
  assert.deepEqual(new Set(r.events.map((e) => e.venueKey)), new Set(VENUE_KEYS));
  for (const e of r.events) assert.ok(e.date >= r.from && e.date <= r.to, e.date);
});

Deno.test("scrape --offline: prints the week grouped under day headings", async () => {
  const out = await runTask("scrape", ["--offline"]);
  assert.equal(out.code, 0, out.stderr);
  assertNoStack(out);
  const lines = out.stdout.split("\n");
  assert.equal(
    lines[0],
    "Food trucks in Ballard, Thursday, March 5, 2026 to Thursday, March 12, 2026 (Pacific time)",
  );
  assert.ok(lines.includes("Thursday, March 5, 2026"), out.stdout);
  assert.ok(lines.includes("Sunday, March 8, 2026"), out.stdout);
  assert.match(out.stdout, /^ {2}\d{1,2}:\d{2} [AP]M - \d{1,2}:\d{2} [AP]M +\S.* @ /m);
  assert.match(out.stdout, /^\d+ event\(s\) from 7 venue\(s\)\.$/m);
  assert.ok(!out.stdout.includes("failed"), out.stdout);
});

Deno.test("scrape: one venue failing gives exit 2 and a summary naming it", async () => {
  await using server = await startFixtureServer({ fail: { "stoup-ballard": 500 } });
  const venues = server.venueList(await loadVenueList());
  await withVenueFile(venues, async (path) => {
    const out = await runTask("scrape", ["--venues", path, "--date", "2026-03-05"], {
      env: server.allowEnv,
    });
    assert.equal(out.code, 2, out.stderr);
    assertNoStack(out);
    assert.match(out.stdout, /^1 venue\(s\) failed:$/m);
    assert.match(
      out.stdout,
      /^ {2}✗ Could not read the schedule of Stoup Brewing - Ballard: HTTP 500 — the site had an error; try again later$/m,
    );
    assert.match(out.stdout, /event\(s\) from 6 venue\(s\)\./);
    assert.ok(out.stdout.includes("Thursday, March 5, 2026"));
  });
});

Deno.test("scrape: every venue failing (nothing listening) gives exit 1 and names them all", async () => {
  const server = await startFixtureServer();
  const venues = server.venueList(await loadVenueList());
  await server.close(); // now every URL points at a closed port
  await withVenueFile(venues, async (path) => {
    const out = await runTask("scrape", ["--venues", path, "--date", "2026-03-05", "--json"], {
      env: server.allowEnv,
    });
    assert.equal(out.code, 1, out.stderr);
    assertNoStack(out);
    const r = JSON.parse(out.stdout) as FoodTruckWorkflowResult;
    assert.deepEqual(r.events, []);
    assert.deepEqual(r.errors.map((e) => e.venueKey).sort(), [...VENUE_KEYS].sort());
    for (const e of r.errors) {
      assert.equal(e.message, `Could not read the schedule of ${e.venueName}`);
      assert.match(e.detail, /^HttpNetworkError: network error/);
    }
  });
});

Deno.test("scrape --date 2026-02-30: exit 1 with one line naming --date", async () => {
  const out = await runTask("scrape", ["--offline", "--date", "2026-02-30"]);
  assert.equal(out.code, 1);
  assertNoStack(out);
  assert.equal(
    oneLine(out),
    'scrape: --date must be a real day as YYYY-MM-DD, got "2026-02-30"',
  );
  assert.equal(out.stdout, "");
});

Deno.test("scrape --venues /nope: exit 1 with one line naming the file", async () => {
  const out = await runTask("scrape", ["--venues", "/nope"]);
  assert.equal(out.code, 1);
  assertNoStack(out);
  assert.equal(
    oneLine(out),
    "scrape: venue list /nope: file not found (pass an existing file with --venues)",
  );
});

Deno.test("scrape with an invalid venue list: exit 1, each problem on its own line", async () => {
  await withVenueFile([{ key: "nope", name: "X", url: "ftp://x" }], async (path) => {
    const out = await runTask("scrape", ["--venues", path]);
    assert.equal(out.code, 1);
    assertNoStack(out);
    const lines = out.stderr.trim().split("\n");
    assert.equal(lines.length, 2, out.stderr);
    assert.match(lines[0], /^scrape: venue list .*: venues\[0\]: unknown venue key "nope"/);
    assert.match(lines[1], /^ {2}venue list .*: venues\[0\]: "ftp:\/\/x" is not an http\(s\) URL$/);
  });
});

Deno.test("scrape with an unknown flag: exit 1 with one line naming it", async () => {
  const out = await runTask("scrape", ["--offline", "--bogus"]);
  assert.equal(out.code, 1);
  assertNoStack(out);
  const line = oneLine(out);
  assert.match(line, /^scrape: .*--bogus/);
  assert.match(line, /see --help/);
  assert.equal(out.stdout, "");
});

Deno.test("scrape --help: exit 0 with the usage", async () => {
  const out = await runTask("scrape", ["--help"]);
  assert.equal(out.code, 0);
  assert.match(out.stdout, /^Usage: deno task scrape/);
  assert.equal(out.stderr, "");
});
