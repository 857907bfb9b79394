/**
 * End to end on a real Temporal dev server: a Deno worker (`deno task worker`) and the starter
 * (`deno task start`) run FoodTruckWorkflow over the venues served locally from our fixtures.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";

Deno.test("FoodTruckWorkflow runs on a real dev server through deno task worker and start", async (t) => {
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer({ fail: { "obec-brewing": 500 } });
  const tmp = await Deno.makeTempDir({ prefix: "e2e-" });
  const venuesFile = `${tmp}/venues.json`;
  const allVenues = fixtures.venueList(await loadVenueList());
  await Deno.writeTextFile(venuesFile, JSON.stringify({ venues: allVenues }));
  const stoupOnly = `${tmp}/stoup.json`;
  await Deno.writeTextFile(
    stoupOnly,
    JSON.stringify({ venues: allVenues.filter((v) => v.key === "stoup-ballard") }),
  );
  const env = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `e2e-${crypto.randomUUID().slice(0, 8)}`,
    ...fixtures.allowEnv, // the venues are the local fixture server
  };
  // The deploy target is the worker's own configuration (the starter only asks for a deploy).
  const bare = `${tmp}/site.git`;
  const init = await new Deno.Command("git", { args: ["init", "--bare", "-q", bare] }).output();
  assert.equal(init.code, 0);
  await using worker = await spawnTask("worker", [], {
    env: { ...env, GIT_REPOSITORY_URL: bare, GIT_AUTHOR_NAME: "E2E Bot" },
  });
  await worker.waitFor(/worker: RUNNING/, 60_000);

  await t.step("the starter gets the fixture's Stoup events back (exit 0)", async () => {
    const r = await runTask("start", ["--venues", stoupOnly, "--date", FIXTURE_DATE, "--json"], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
    assert.equal(result.from, "2026-03-05");
    assert.equal(result.to, "2026-03-12");
    assert.deepEqual(result.errors, []);
    assert.ok(result.events.length >= 5, `only ${result.events.length} events`);
    assert.ok(result.events.every((e) => e.venueKey === "stoup-ballard"));
    const sunday = result.events.find((e) => e.date === "2026-03-08");
    assert.ok(sunday, "no Stoup event on the spring-forward Sunday");
    assert.match(sunday.start!, /^2026-03-08T\d\d:\d\d:00-07:00$/);
    const saturday = result.events.find((e) => e.date === "2026-03-07" && e.start);
    assert.match(saturday!.start!, /-08:00$/);
  });

  await t.step("one venue answering 500: the other six arrive, it is listed, exit 2", async () => {
    const r = await runTask("start", ["--venues", venuesFile, "--date", FIXTURE_DATE, "--json"], {
      env,
    });
    assert.equal(r.code, 2, r.stderr);
    const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
    assert.deepEqual(result.errors.map((e) => e.venueKey), ["obec-brewing"]);
    assert.equal(result.errors[0].message, "Could not read the schedule of Obec Brewing");
    assert.match(result.errors[0].detail, /500/);
    const venues = new Set(result.events.map((e) => e.venueKey));
    assert.deepEqual(
      [...venues].sort(),
      [
        "chucks-greenwood",
        "salehs-corner",
        "stoup-ballard",
        "urban-family",
        "wheelie-pop",
        "yonder-balebreaker",
      ],
    );
    assert.ok(result.events.every((e) => e.date >= "2026-03-05" && e.date <= "2026-03-12"));
    const sorted = [...result.events].sort((a, b) => a.date.localeCompare(b.date));
    assert.deepEqual(result.events.map((e) => e.date), sorted.map((e) => e.date));
  });

  await t.step("the human output groups by day and names the failed venue", async () => {
    const r = await runTask("start", ["--venues", venuesFile, "--date", FIXTURE_DATE], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /^Sunday, March 8, 2026$/m);
    assert.match(r.stdout, /\d{1,2}:\d\d (AM|PM) - \d{1,2}:\d\d (AM|PM)/);
    assert.match(
      r.stdout,
      /1 venue\(s\) failed:\n {2}✗ Could not read the schedule of Obec Brewing/,
    );
  });

  await t.step(
    "start --deploy publishes to a bare git repo once; the same data again commits nothing",
    async () => {
      const deployEnv = env; // no GIT_* on the starter
      const args = ["--venues", stoupOnly, "--date", FIXTURE_DATE, "--deploy", "--json"];
      const first = await runTask("start", args, { env: deployEnv });
      assert.equal(first.code, 0, first.stderr);
      const r1: FoodTruckWorkflowResult = JSON.parse(first.stdout);
      assert.equal(r1.deploy?.committed, true, JSON.stringify(r1.deploy));
      const git = async (...a: string[]) =>
        new TextDecoder().decode(
          (await new Deno.Command("git", { args: ["--git-dir", bare, ...a] }).output()).stdout,
        );
      assert.match(
        await git("log", "--format=%an %s", "main"),
        /^E2E Bot Update food truck data \(\d+ events\)\n$/,
      );
      const data = JSON.parse(await git("show", "main:public/data.json"));
      assert.equal(data.total_events, r1.events.length);
      assert.equal(data.timezone, "PT");
      assert.match(await git("show", "main:public/index.html"), /<html/i);
      const second = await runTask("start", args, { env: deployEnv });
      assert.equal(second.code, 0, second.stderr);
      const r2: FoodTruckWorkflowResult = JSON.parse(second.stdout);
      assert.equal(r2.deploy?.committed, false);
      assert.equal((await git("rev-list", "--count", "main")).trim(), "1");
    },
  );

  await t.step("start --preview writes the page and data.json", async () => {
    const dir = `${tmp}/preview`;
    const r = await runTask("start", [
      "--venues",
      stoupOnly,
      "--date",
      FIXTURE_DATE,
      "--preview",
      dir,
    ], { env });
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(await Deno.readTextFile(`${dir}/data.json`));
    assert.ok(data.events.length >= 5);
    assert.ok(
      data.events.every((e: { location: string }) => e.location === "Stoup Brewing - Ballard"),
    );
    assert.match(await Deno.readTextFile(`${dir}/index.html`), /<html/i);
    assert.match(r.stderr, /deno task serve --dir /);
  });

  await t.step("check-env connects to the dev server (exit 0)", async () => {
    const r = await runTask("check-env", [], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✓ connected to 127\.0\.0\.1:\d+, namespace "default"/);
    assert.match(r.stdout, /address\s+127\.0\.0\.1:\d+\s+\[env TEMPORAL_ADDRESS\]/);
  });

  await t.step("check-env names a missing namespace (exit 2)", async () => {
    const r = await runTask("check-env", [], { env: { ...env, TEMPORAL_NAMESPACE: "no-such-ns" } });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /✗ namespace not found: namespace "no-such-ns" does not exist/);
  });

  await t.step("SIGTERM stops the worker cleanly (exit 0)", async () => {
    const code = await worker.stop("SIGTERM");
    assert.equal(code, 0, worker.output());
    assert.match(worker.output(), /worker: stopped/);
  });
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("check-env against a closed port says nothing is listening (exit 2)", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const r = await runTask("check-env", [], { env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` } });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`✗ nothing listening: nothing is listening on 127\\.0\\.0\\.1:${port}`),
  );
});
