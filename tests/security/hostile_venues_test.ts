/**
 * Issue 12, fetch side: hostile venue input against the real pieces. Local venue servers serve
 * the attacks (tests/helpers/hostile_venues.ts); a secret file stands for what a `file://` URL
 * would read. Each path must refuse the attack as that venue's one-line failure, deliver the
 * healthy venues, and exit 2:
 * - `scrape --venues FILE` (a subprocess, `deno task scrape`);
 * - a real dev server and `deno task worker`, driven by `temporal workflow start` with crafted
 *   input (the attacker holds start-workflow rights, not the starter's validation).
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { MAX_EVENTS_PER_VENUE } from "../../src/venues/merge.ts";
import type { FoodTruckWorkflowResult, VenueEntry } from "../../src/core/model.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";
import { ESCAPE_TRUCK, startHostileServers } from "../helpers/hostile_venues.ts";
import { classifyVenueError } from "../../src/venues/hints.ts";

const SECRET = "SECRET-FILE-CONTENT-4b1d";

async function secretFile(dir: string): Promise<string> {
  const path = `${dir}/secret.txt`;
  await Deno.writeTextFile(path, `${SECRET}\n`);
  return path;
}

/**
 * The pieces every attack here needs: a temp dir holding the secret file, the fixture server
 * (healthy venues), the hostile servers, and the allow list naming only those two origins.
 */
async function hostileSetup(prefix: string) {
  const tmp = await Deno.makeTempDir({ prefix });
  const fixtures = await startFixtureServer();
  const hostile = startHostileServers();
  const secret = await secretFile(tmp);
  const real = fixtures.venueList(await loadVenueList());
  return {
    tmp,
    secret,
    hostile,
    byKey: (k: string) => real.find((v) => v.key === k)!,
    /** The fixture and hostile servers stand for public sites; the inner port stays internal. */
    allow: `${fixtures.allowList[0]},${hostile.host}`,
    async [Symbol.asyncDispose]() {
      await hostile[Symbol.asyncDispose]();
      await fixtures.close();
      await Deno.remove(tmp, { recursive: true });
    },
  };
}

/** Runs the `temporal` CLI against `address`; returns stdout, throws with stderr on failure. */
async function temporal(address: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("temporal", {
    args: [...args, "--address", address],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `temporal ${args.join(" ")}: ${dec.decode(out.stderr)}${dec.decode(out.stdout)}`,
    );
  }
  return dec.decode(out.stdout);
}

Deno.test("scrape --venues: file:// apiUrl, 200 MB body, nested page, redirect, flood and escapes are each contained", async () => {
  await using setup = await hostileSetup("hostile-scrape-");
  const { tmp, secret, hostile, byKey } = setup;
  {
    const venues: VenueEntry[] = [
      { ...byKey("stoup-ballard"), url: `${hostile.origin}/escape/ballard/` },
      { ...byKey("yonder-balebreaker"), options: { apiUrl: `file://${secret}` } },
      byKey("chucks-greenwood"),
      { ...byKey("obec-brewing"), url: `${hostile.origin}/huge/` },
      { ...byKey("urban-family"), url: `${hostile.origin}/nested/ballard/` },
      { ...byKey("wheelie-pop"), url: `${hostile.origin}/redirect/` },
      { ...byKey("salehs-corner"), url: `${hostile.origin}/many/api/events` },
    ];
    const file = `${tmp}/venues.json`;
    await Deno.writeTextFile(file, JSON.stringify({ venues }));
    const env = { VENUE_ALLOW_PRIVATE_NETWORKS: setup.allow };

    const json = await runTask("scrape", ["--venues", file, "--date", FIXTURE_DATE, "--json"], {
      env,
    });
    assert.equal(json.code, 2, json.stderr);
    const r: FoodTruckWorkflowResult = JSON.parse(json.stdout);
    const failed = Object.fromEntries(r.errors.map((e) => [e.venueKey, e.detail]));
    assert.deepEqual(Object.keys(failed).sort(), [
      "obec-brewing",
      "urban-family",
      "wheelie-pop",
      "yonder-balebreaker",
    ]);
    assert.match(
      failed["yonder-balebreaker"],
      /^VenueInputError: venue option apiUrl .* is not an http\(s\) URL$/,
    );
    assert.match(
      failed["obec-brewing"],
      /^HttpRefusedError: refused: body larger than 5242880 bytes/,
    );
    assert.match(failed["urban-family"], /^ParseError: the page nests elements more than 256 deep/);
    assert.match(
      failed["wheelie-pop"],
      /^HttpRefusedError: refused: 127\.0\.0\.1 is a loopback address/,
    );
    assert.ok(hostile.sent() < 64 * 1024 * 1024, `the 200 MB body was read (${hostile.sent()})`);
    assert.equal(hostile.innerHits(), 0, "the redirect reached the other loopback port");
    assert.ok(
      !json.stdout.includes(SECRET) && !json.stderr.includes(SECRET),
      "file content leaked",
    );
    // Healthy venue delivered; the flood truncated with a warning.
    assert.ok(r.events.some((e) => e.venueKey === "chucks-greenwood"));
    const flood = r.events.filter((e) => e.venueKey === "salehs-corner");
    assert.equal(flood.length, MAX_EVENTS_PER_VENUE);
    assert.deepEqual(r.warnings?.map((w) => w.venueKey), ["salehs-corner"]);
    assert.match(r.warnings![0].message, /truncated to its first 500 events/);
    assert.ok(
      r.events.some((e) => e.truckName.startsWith(ESCAPE_TRUCK.slice(0, 20))),
      "JSON keeps the raw name (escaped by JSON itself)",
    );

    const text = await runTask("scrape", ["--venues", file, "--date", FIXTURE_DATE, "--verbose"], {
      env,
    });
    assert.equal(text.code, 2, text.stderr);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(text.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.match(text.stdout, /Tacos\?\]0;pwned\?\?\[2J\?\[31mRED X\?evil @ Stoup/);
    assert.match(text.stdout, /^ {2}! Saleh's Corner: truncated to its first 500 events/m);
    assert.ok(!text.stdout.includes(SECRET));
  }
});

Deno.test("scrape: venue fetches to loopback are refused unless VENUE_ALLOW_PRIVATE_NETWORKS allows them", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "hostile-scrape-" });
  await using fixtures = await startFixtureServer();
  try {
    const file = `${tmp}/venues.json`;
    const stoup = fixtures.venueList(await loadVenueList()).filter((v) =>
      v.key === "stoup-ballard"
    );
    await Deno.writeTextFile(file, JSON.stringify({ venues: stoup }));
    const args = ["--venues", file, "--date", FIXTURE_DATE, "--json"];
    const refused = await runTask("scrape", args);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(
      JSON.parse(refused.stdout).errors[0].detail,
      /127\.0\.0\.1 is a loopback address \(set VENUE_ALLOW_PRIVATE_NETWORKS=true to allow\)/,
    );
    assert.deepEqual(fixtures.requests, []);
    const allowed = await runTask("scrape", args, { env: fixtures.allowEnv });
    assert.equal(allowed.code, 0, allowed.stderr);
    const bad = await runTask("scrape", args, { env: { VENUE_MAX_BODY_BYTES: "lots" } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /VENUE_MAX_BODY_BYTES: "lots" is not a positive whole number/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("worker: crafted workflow input (temporal workflow start) cannot read files, reach other ports or stall healthy venues", async () => {
  await using server = await startDevServer();
  await using setup = await hostileSetup("hostile-worker-");
  const { tmp, secret, hostile, byKey } = setup;
  {
    const evil = (key: string, name: string, url: string, options?: Record<string, unknown>) => ({
      key,
      name,
      url,
      ...(options ? { options } : {}),
    });
    const venues = [
      byKey("stoup-ballard"),
      byKey("chucks-greenwood"),
      byKey("salehs-corner"),
      evil("obec-brewing", "Evil File", `file://${secret}`),
      evil("yonder-balebreaker", "Evil Api", byKey("yonder-balebreaker").url, {
        apiUrl: `file://${secret}`,
      }),
      evil("obec-brewing", "Evil Redirect", `${hostile.origin}/redirect/`),
      evil("obec-brewing", "Evil Huge", `${hostile.origin}/huge/`),
      evil("obec-brewing", "Evil Endless", `${hostile.origin}/endless/`),
      evil("stoup-ballard", "Evil Nested", `${hostile.origin}/nested/ballard/`),
      evil("salehs-corner", "Evil Many", `${hostile.origin}/many/api/events`),
    ];
    const queue = `hostile-${crypto.randomUUID().slice(0, 8)}`;
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: queue,
      VENUE_ALLOW_PRIVATE_NETWORKS: setup.allow,
    };
    await using worker = await spawnTask("worker", [], { env });
    await worker.waitFor(/worker: RUNNING/, 60_000);

    const input = `${tmp}/input.json`;
    await Deno.writeTextFile(input, JSON.stringify({ venues, date: FIXTURE_DATE }));
    const id = `hostile-${crypto.randomUUID().slice(0, 8)}`;
    const common = ["--workflow-id", id];
    await temporal(server.address, [
      "workflow",
      "start",
      "--type",
      "FoodTruckWorkflow",
      "--task-queue",
      queue,
      "--input-file",
      input,
      ...common,
    ]);
    const out = await temporal(server.address, ["workflow", "result", ...common, "-o", "json"]);
    const parsed = JSON.parse(out);
    const r: FoodTruckWorkflowResult = parsed.result ?? parsed;
    const failed = Object.fromEntries(r.errors.map((e) => [e.venueName, e.detail]));
    assert.deepEqual(Object.keys(failed).sort(), [
      "Evil Api",
      "Evil Endless",
      "Evil File",
      "Evil Huge",
      "Evil Nested",
      "Evil Redirect",
    ], JSON.stringify(r.errors));
    assert.match(
      failed["Evil File"],
      /VenueInputError: venue url "file:\/\/.*" is not an http\(s\) URL/,
    );
    assert.match(failed["Evil Api"], /VenueInputError: venue option apiUrl/);
    assert.match(failed["Evil Redirect"], /HttpRefusedError: refused: 127\.0\.0\.1 is a loopback/);
    assert.match(failed["Evil Huge"], /HttpRefusedError: refused: body larger than/);
    assert.match(failed["Evil Endless"], /HttpRefusedError: refused: body larger than/);
    assert.match(failed["Evil Nested"], /ParseError: the page nests elements more than 256 deep/);
    for (const d of Object.values(failed)) assert.ok(!d.includes("\n") && d.length <= 400, d);
    // The healthy venues arrived; the flood was truncated with a warning.
    const keys = new Set(
      r.events.filter((e) => !e.venueName.startsWith("Evil")).map((e) => e.venueKey),
    );
    assert.deepEqual([...keys].sort(), ["chucks-greenwood", "salehs-corner", "stoup-ballard"]);
    assert.equal(r.events.filter((e) => e.venueName === "Evil Many").length, MAX_EVENTS_PER_VENUE);
    assert.deepEqual(r.warnings?.map((w) => w.venueName), ["Evil Many"]);
    // Nothing was read from the file, nothing reached the inner port, the big bodies were cut.
    const history = await temporal(server.address, ["workflow", "show", ...common, "-o", "json"]);
    assert.ok(!history.includes(SECRET), "the secret file reached the history");
    assert.ok(!worker.output().includes(SECRET), "the secret file reached the worker log");
    assert.equal(hostile.innerHits(), 0);
    assert.ok(hostile.sent() < 200 * 1024 * 1024, `bodies read in full (${hostile.sent()} bytes)`);
    // The worker survived: still running, and it serves the next workflow.
    const exited = await Promise.race([worker.status.then(() => true), Promise.resolve(false)]);
    assert.equal(exited, false, "the worker exited");
    const ok = `${tmp}/ok.json`;
    await Deno.writeTextFile(ok, JSON.stringify({ venues: [byKey("stoup-ballard")] }));
    const next = await runTask("start", ["--venues", ok, "--date", FIXTURE_DATE, "--json"], {
      env,
    });
    assert.equal(next.code, 0, next.stderr + worker.output());
  }
});

Deno.test("venue hints: a refused fetch, an oversized page and a bad entry each get their own class", () => {
  const c = (detail: string) => classifyVenueError({ detail });
  assert.equal(
    c("HttpRefusedError: refused: body larger than 5242880 bytes (x)").label,
    "page too large",
  );
  const refused = c("HttpRefusedError: refused: 127.0.0.1 is a loopback address (x)");
  assert.equal(refused.label, "refused");
  assert.equal(refused.network, false, "not a network failure: no --offline hint");
  assert.match(refused.hint, /VENUE_ALLOW_PRIVATE_NETWORKS/);
  assert.equal(
    c('VenueInputError: venue url "file:///x" is not an http(s) URL').label,
    "bad venue entry",
  );
});
