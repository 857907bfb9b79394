/**
 * Quiet by default, complete on request: when venues fail, `dev`, `start` and `scrape` print one
 * line per failed venue (venue, class, hint) and, when every venue failed on the network, a
 * closing hint naming the offline way to try; the SDK's activity-failure logs and stack traces
 * appear only with `--verbose`. `worker --offline` lets start run without internet.
 */
import assert from "node:assert/strict";
import { startDevServer } from "./harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../src/venues/fixture_server.ts";
import { loadVenueList } from "../src/venues/list.ts";
import { classifyVenueError } from "../src/venues/hints.ts";
import { runTask, spawnTask } from "./helpers/proc.ts";

/** A venue list whose every URL points at a closed port (as without internet). */
async function unreachableVenues(
  dir: string,
): Promise<{ path: string; names: string[]; allowEnv: Record<string, string> }> {
  const fixtures = await startFixtureServer();
  const venues = fixtures.venueList(await loadVenueList());
  await fixtures.close();
  const path = `${dir}/unreachable.json`;
  await Deno.writeTextFile(path, JSON.stringify({ venues }));
  // The closed port is on loopback: allowed, so that the failure is the network's.
  return { path, names: venues.map((v) => v.name), allowEnv: fixtures.allowEnv };
}

const LINE = (name: string) =>
  `  ✗ Could not read the schedule of ${name}: network error — the site could not be reached; check the internet connection`;

Deno.test("dev with every venue unreachable: one line per venue, a closing --offline hint, no SDK logs", async (t) => {
  await using server = await startDevServer();
  const tmp = await Deno.makeTempDir({ prefix: "quiet-" });
  try {
    const { path, names, allowEnv } = await unreachableVenues(tmp);
    const env = { TEMPORAL_ADDRESS: server.address, ...allowEnv };
    const args = ["--venues", path, "--date", FIXTURE_DATE];
    await t.step("default: quiet", async () => {
      const r = await runTask("dev", args, { env });
      assert.equal(r.code, 1, r.stderr);
      const out = r.stdout.trimEnd().split("\n");
      assert.deepEqual(out.slice(-names.length - 1), [
        `${names.length} venue(s) failed:`,
        ...names.map(LINE),
      ]);
      const err = r.stderr.trimEnd().split("\n");
      assert.equal(
        err.at(-1),
        "every venue failed on the network: no internet here? Try `deno task dev --offline` to run with the bundled fixtures.",
      );
      assert.ok(err.every((l) => l.startsWith("dev: ") || l === err.at(-1)), r.stderr);
      assert.ok(!/Activity failed|venue fetch failed|taskToken|^\s+at /m.test(r.stderr), r.stderr);
    });
    await t.step("--verbose: the details and the worker's failed-attempt log lines", async () => {
      const r = await runTask("dev", [...args, "--verbose"], { env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /network error — .* \(HttpNetworkError: network error/);
      assert.match(
        r.stderr,
        /^worker: warning: venue fetch failed venue=\S+ error=HttpNetworkError /m,
      );
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("scrape with every venue unreachable: one line per venue and the --offline hint", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "quiet-" });
  try {
    const { path, names, allowEnv } = await unreachableVenues(tmp);
    const r = await runTask("scrape", ["--venues", path, "--date", FIXTURE_DATE], {
      env: allowEnv,
    });
    assert.equal(r.code, 1, r.stderr);
    for (const name of names) assert.ok(r.stdout.split("\n").includes(LINE(name)), r.stdout);
    assert.equal(
      r.stderr,
      "every venue failed on the network: no internet here? Try `deno task scrape --offline` to run with the bundled fixtures.\n",
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a venue failure's class and hint come from its detail", () => {
  const c = (detail: string) => classifyVenueError({ detail });
  assert.equal(c("HttpNetworkError: no answer within 10000 ms (http://x/)").label, "timed out");
  assert.equal(c("HttpNetworkError: network error: dns error (http://x/)").network, true);
  assert.equal(c("HttpStatusError: HTTP 503 Service Unavailable from http://x/").label, "HTTP 503");
  assert.equal(c("HttpStatusError: HTTP 404 from http://x/").network, false);
  assert.equal(c("ParseError: no events table").label, "page changed");
  assert.equal(c("Error: something else").hint, "run with --verbose for the details");
});

Deno.test("worker --offline: start and a schedule run the workflow without internet (the fixtures' week)", async () => {
  await using server = await startDevServer();
  const env = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `offline-${crypto.randomUUID().slice(0, 8)}`,
  };
  await using worker = await spawnTask("worker", ["--offline"], { env });
  await worker.waitFor(/worker: RUNNING/);
  assert.match(
    worker.output(),
    /^worker: offline: every venue is read from our fixtures at http:\/\/127\.0\.0\.1:\d+ \(their week: deno task start --date 2026-03-05\)$/m,
  );
  // The default venue list names the real sites: the worker reads them from the fixtures.
  const r = await runTask("start", ["--date", FIXTURE_DATE], { env });
  assert.equal(r.code, 0, r.stderr + worker.output());
  assert.match(r.stdout, /^\d+ event\(s\) from 7 venue\(s\)\.$/m);
  // A schedule's run goes to the same offline worker.
  const created = await runTask(
    "schedule",
    ["create", "offline", "--every", "1h", "--paused", "--date", FIXTURE_DATE],
    { env },
  );
  assert.equal(created.code, 0, created.stderr);
  const trig = await runTask("schedule", ["trigger", "offline"], { env });
  assert.equal(trig.code, 0, trig.stderr);
  for (let status = "";;) {
    const d = await runTask("schedule", ["describe", "offline", "--json"], { env });
    assert.equal(d.code, 0, d.stderr);
    const runs = JSON.parse(d.stdout).recentRuns as { status: string }[];
    status = runs.at(-1)?.status ?? "";
    if (status && status !== "RUNNING") {
      assert.equal(status, "COMPLETED", d.stdout + worker.output());
      break;
    }
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(await worker.stop(), 0, worker.output());
});
