/**
 * `deno task schedule` end to end on a real Temporal dev server: a worker (`deno task worker`)
 * runs the scheduled FoodTruckWorkflow over the venues served from our fixtures; the commands run
 * as subprocesses with a clean environment.
 */
import assert from "node:assert/strict";
import { Client, Connection } from "@temporalio/client";
import { startDevServer } from "../harness/dev_server.ts";
import { freePort } from "../harness/ports.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import type { ScheduleInfo, ScheduleListEntry } from "../../src/temporal/schedules.ts";
import { formatEvery, parseEvery } from "../../src/temporal/schedules.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";
import type { TaskOutput } from "../helpers/proc.ts";
import { waitUntil } from "../harness/wait.ts";

/** Runs `deno task schedule …` with the clean environment of tests/helpers/proc.ts. */
function schedule(args: string[], env: Record<string, string>): Promise<TaskOutput> {
  return runTask("schedule", args, { env });
}

/** stderr, trimmed (the tasks run `deno run -q`: Deno prints no progress lines of its own). */
function err(r: TaskOutput): string {
  return r.stderr.trim();
}

function ok(r: TaskOutput): string {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** How the test polls the schedules (the dev server's describe and list are not free). */
const POLL = { timeoutMs: 30_000, intervalMs: 300 };

Deno.test("interval parsing accepts h/m/s forms and rejects the rest", () => {
  assert.equal(parseEvery("30m"), 1_800_000);
  assert.equal(parseEvery("1h"), 3_600_000);
  assert.equal(parseEvery("90s"), 90_000);
  assert.equal(parseEvery("1h30m"), 5_400_000);
  assert.equal(formatEvery(90_000), "1m30s");
  assert.equal(formatEvery(5_400_000), "1h30m");
  for (const bad of ["", "abc", "30", "0s", "500ms", "1m1h", "-5m", "1.5h"]) {
    assert.throws(() => parseEvery(bad), /--every must be a duration like 30m, 1h, 90s or 1h30m/);
  }
});

Deno.test({
  name: "deno task schedule on a real dev server: create, runs, pause, trigger, update, delete",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    // Nothing listens on this port: the connection error must come quickly with exit 2.
    const closed = schedule(["list"], { TEMPORAL_ADDRESS: `127.0.0.1:${freePort()}` });
    await using server = await startDevServer();
    await using fixtures = await startFixtureServer();
    const tmp = await Deno.makeTempDir({ prefix: "schedule-" });
    const venuesFile = `${tmp}/venues.json`;
    await Deno.writeTextFile(
      venuesFile,
      JSON.stringify({ venues: fixtures.venueList(await loadVenueList()) }),
    );
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `schedule-${crypto.randomUUID().slice(0, 8)}`,
      ...fixtures.allowEnv, // the venues are the local fixture server
    };
    await using worker = await spawnTask("worker", [], { env });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const describe = async (id: string): Promise<ScheduleInfo> =>
      JSON.parse(ok(await schedule(["describe", id, "--json"], env)));

    try {
      await t.step("bad flags: one-line usage errors, exit 1", async () => {
        const [every, none, cmd] = await Promise.all([
          schedule(["create", "x", "--every", "5 minutes"], env),
          schedule(["create", "x"], env),
          schedule(["frobnicate"], env),
        ]);
        assert.equal(every.code, 1);
        assert.equal(
          err(every),
          'schedule: --every must be a duration like 30m, 1h, 90s or 1h30m (hours, minutes, seconds; at least 1s), got "5 minutes"',
        );
        assert.equal(none.code, 1);
        assert.match(err(none), /^schedule: say when to run: --every .* or --cron/);
        assert.equal(cmd.code, 1);
        assert.match(err(cmd), /^schedule: unknown command "frobnicate" \(expected create, list/);
      });

      await t.step("create runs every 2s; create again says it exists (exit 1)", async () => {
        const out = ok(
          await schedule([
            "create",
            "s1",
            "--every",
            "2s",
            "--venues",
            venuesFile,
            "--date",
            FIXTURE_DATE,
            "--note",
            "from the test",
          ], env),
        );
        assert.match(out, /^created schedule s1: every 2s, FoodTruckWorkflow on schedule-\w+/);
        const again = await schedule(["create", "s1", "--every", "2s"], env);
        assert.equal(again.code, 1);
        assert.equal(
          err(again),
          "schedule: schedule s1 already exists (use --update to change it, or delete it first)",
        );
      });

      await t.step("a scheduled run completes; its result has the fixture's events", async () => {
        await worker.waitFor(/worker: RUNNING/, 60_000);
        const info = await waitUntil("a completed scheduled run", async () => {
          const d = await describe("s1");
          return d.recentRuns.some((r) => r.status === "COMPLETED") ? d : undefined;
        }, POLL);
        assert.equal(info.spec, "every 2s");
        assert.equal(info.note, "from the test");
        assert.equal(info.venues.length, 7);
        const run = info.recentRuns.find((r) => r.status === "COMPLETED")!;
        assert.match(run.workflowId, /^food-trucks-scheduled-s1-/);
        const result: FoodTruckWorkflowResult = await client.workflow
          .getHandle(run.workflowId, run.runId).result();
        assert.equal(result.from, FIXTURE_DATE);
        assert.deepEqual(result.errors, []);
        assert.ok(result.events.length >= 10, `only ${result.events.length} events`);
      });

      await t.step("pause with a note: describe shows paused, the note, no next runs", async () => {
        assert.match(
          ok(await schedule(["pause", "s1", "--note", "maintenance window"], env)),
          /^paused schedule s1 \(note: maintenance window\)/,
        );
        const text = ok(await schedule(["describe", "s1"], env));
        assert.match(text, /^schedule s1 \(namespace default\)$/m);
        assert.match(text, /^ {2}state +paused$/m);
        assert.match(text, /^ {2}note +maintenance window$/m);
        assert.match(text, /^ {2}next runs +none$/m);
        assert.match(text, /^ {2}spec +every 2s$/m);
        assert.match(text, /^ {2}recent runs +\S+ {2}food-trucks-scheduled-s1-\S+ {2}[A-Z_]+$/m);
      });

      await t.step("trigger starts a new run while paused", async () => {
        // Let a run that was due just before the pause finish appearing.
        await new Promise((r) => setTimeout(r, 500));
        const before = await describe("s1");
        assert.match(ok(await schedule(["trigger", "s1"], env)), /^triggered schedule s1/);
        const after = await waitUntil("the triggered run", async () => {
          const d = await describe("s1");
          return d.actionsTaken > before.actionsTaken ? d : undefined;
        }, POLL);
        const known = new Set(before.recentRuns.map((r) => r.workflowId));
        const fresh = after.recentRuns.filter((r) => !known.has(r.workflowId));
        assert.equal(fresh.length, 1, JSON.stringify(after.recentRuns));
        assert.match(fresh[0].workflowId, /^food-trucks-scheduled-s1-/);
        assert.equal(after.paused, true);
      });

      await t.step("update changes the interval and the cron; a bad cron is refused", async () => {
        assert.match(
          ok(await schedule(["update", "s1", "--every", "1h"], env)),
          /^updated schedule s1: every 1h$/m,
        );
        const hourly = await describe("s1");
        assert.equal(hourly.everyMs, 3_600_000);
        assert.equal(hourly.note, "maintenance window", "update keeps the state");
        assert.equal(hourly.paused, true);
        ok(await schedule(["update", "s1", "--cron", "0 7 * * MON-FRI"], env));
        assert.match(
          ok(await schedule(["describe", "s1"], env)),
          /^ {2}spec +cron 0 7 \* \* MON-FRI \(America\/Los_Angeles\)$/m,
        );
        const bad = await schedule(["update", "s1", "--cron", "61 * * * *"], env);
        assert.equal(bad.code, 1);
        assert.equal(
          err(bad),
          'schedule: the server rejected --cron "61 * * * *": Minute is not in range [0-59]',
        );
      });

      await t.step("create --update replaces the definition in place", async () => {
        assert.match(
          ok(
            await schedule(
              ["create", "s1", "--every", "5m", "--update", "--paused", "--note", "replaced"],
              env,
            ),
          ),
          /^updated schedule s1: every 5m, .*, paused$/m,
        );
        const d = await describe("s1");
        assert.equal(d.everyMs, 300_000);
        assert.equal(d.note, "replaced");
        assert.equal(d.date, undefined, "without --date each run computes its own today");
        assert.ok(d.actionsTaken >= 2, "the history of runs is kept");
      });

      await t.step("--deploy stores only deploy: true, never the target or a token", async () => {
        const deployEnv = {
          ...env,
          GIT_REPOSITORY_URL: "https://git.example.com/trucks.git",
          GIT_BRANCH: "pages",
          GIT_TOKEN: "tok-never-in-the-schedule",
        };
        const created = await schedule(
          ["create", "s2", "--every", "1h", "--deploy", "--paused", "--venues", venuesFile],
          deployEnv,
        );
        assert.match(
          ok(created),
          /deploy to the worker's GIT_REPOSITORY_URL, paused$/m,
        );
        const d = await describe("s2");
        assert.equal(d.deploy, true);
        const raw = await client.schedule.getHandle("s2").describe();
        const action = JSON.stringify(raw.action);
        for (const secretOrTarget of ["tok-never", "git.example.com", "pages"]) {
          assert.ok(!action.includes(secretOrTarget), `${secretOrTarget} in the stored input`);
        }
        assert.ok(!created.stdout.includes("tok-never"));
        // The starter needs no deploy settings at all: the target is the worker's.
        const noRepo = await schedule(
          ["create", "s3", "--every", "1h", "--deploy", "--paused", "--venues", venuesFile],
          env,
        );
        assert.equal(noRepo.code, 0, noRepo.stderr);
        ok(await schedule(["delete", "s3"], env));
      });

      await t.step(
        "credentials in GIT_REPOSITORY_URL: exit 1, one line, never printed",
        async () => {
          for (
            const url of [
              "HTTP://x-access-token:S3CRETx@git.example.com/site.git",
              "Https://S3CRETx@git.example.com/site.git",
              "ssh://git:S3CRETx@git.example.com/site.git",
            ]
          ) {
            const r = await schedule(
              ["create", "s4", "--every", "1h", "--deploy", "--venues", venuesFile],
              { ...env, GIT_REPOSITORY_URL: url },
            );
            assert.equal(r.code, 1, url);
            assert.match(r.stderr, /GIT_REPOSITORY_URL: contains credentials/);
            assert.ok(!(r.stdout + r.stderr).includes("S3CRET"), url);
          }
          const list = ok(await schedule(["list"], env));
          assert.ok(!/^s4 /m.test(list), "no schedule was created");
        },
      );

      await t.step(
        "a legacy schedule input naming a target: describe says ignored, prints no URL",
        async () => {
          await client.schedule.create({
            scheduleId: "legacy",
            spec: { intervals: [{ every: "1h" }] },
            state: { paused: true },
            action: {
              type: "startWorkflow",
              workflowType: "FoodTruckWorkflow",
              taskQueue: env.TEMPORAL_TASK_QUEUE,
              workflowId: "food-trucks-scheduled-legacy",
              args: [{
                venues: [],
                deploy: { repositoryUrl: "https://x-access-token:S3CRETy@evil.example/x.git" },
              }],
            },
          });
          const d = await describe("legacy");
          assert.equal(d.deploy, "legacy-target");
          const text = ok(await schedule(["describe", "legacy"], env));
          assert.match(text, /the stored input names a target: ignored/);
          assert.ok(!text.includes("S3CRETy") && !text.includes("evil.example"));
          ok(await schedule(["delete", "legacy"], env));
        },
      );

      await t.step("list shows both schedules", async () => {
        const entries = await waitUntil("both schedules listed", async () => {
          const l: ScheduleListEntry[] = JSON.parse(ok(await schedule(["list", "--json"], env)));
          return l.length === 2 ? l : undefined;
        }, POLL);
        assert.deepEqual(entries.map((e) => [e.id, e.spec, e.paused]), [
          ["s1", "every 5m", true],
          ["s2", "every 1h", true],
        ]);
        const text = ok(await schedule(["list"], env));
        assert.match(text, /^ID +SPEC +STATE +NEXT RUN +NOTE$/m);
        assert.match(text, /^s1 +every 5m +paused +- +replaced$/m);
      });

      await t.step("unpause: active again, with next runs", async () => {
        ok(await schedule(["unpause", "s1", "--note", "back"], env));
        const d = await describe("s1");
        assert.equal(d.paused, false);
        assert.equal(d.note, "back");
        assert.ok(d.nextRuns.length > 0);
      });

      await t.step("delete; then every command on the id says it is unknown (exit 1)", async () => {
        assert.match(ok(await schedule(["delete", "s1"], env)), /^deleted schedule s1$/m);
        ok(await schedule(["delete", "s2"], env));
        const results = await Promise.all([
          schedule(["describe", "s1"], env),
          schedule(["pause", "s1"], env),
          schedule(["trigger", "s1"], env),
          schedule(["update", "s1", "--every", "1m"], env),
          schedule(["delete", "s1"], env),
        ]);
        for (const r of results) {
          assert.equal(r.code, 1, r.stdout + r.stderr);
          assert.equal(err(r), "schedule: no schedule with id s1 in namespace default");
        }
      });

      await t.step("nothing listening: one line, exit 2", async () => {
        const r = await closed;
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(
          err(r),
          /^schedule: cannot connect to (127\.0\.0\.1:\d+): nothing listening: nothing is listening on \1 \(is the server running\? is TEMPORAL_ADDRESS right\?\)$/,
        );
      });

      await t.step("a namespace that does not exist: one line naming it, exit 2", async () => {
        const missing = { ...env, TEMPORAL_NAMESPACE: "no-such-ns" };
        const results = await Promise.all([
          schedule(["list"], missing),
          schedule(["describe", "s1"], missing),
          schedule(["create", "s9", "--every", "1h"], missing),
        ]);
        for (const r of results) {
          assert.equal(r.code, 2, r.stdout + r.stderr);
          assert.equal(
            err(r),
            `schedule: cannot connect to ${server.address}: namespace not found: namespace ` +
              `"no-such-ns" does not exist on ${server.address} (check TEMPORAL_NAMESPACE)`,
          );
        }
      });

      await t.step("the worker stops cleanly", async () => {
        assert.equal(await worker.stop("SIGTERM"), 0, worker.output());
      });
    } finally {
      await connection.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
