/**
 * The scale-out drill, shared by its test and `deno task bench`: N worker processes on one task
 * queue, M runs started at once, optionally one worker SIGKILLed after K runs completed. Reports
 * every run's status and which worker read its venue (the identity on the completed
 * `fetchVenue` attempt), so the split over the workers can be shown.
 * @module
 */
import { FIXTURE_DATE } from "../../src/venues/fixture_server.ts";
import type { FixtureServer } from "../../src/venues/fixture_server.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { WORKFLOW_TYPE } from "../../src/temporal/starter.ts";
import type { WatchedChild } from "../harness/child.ts";
import { clientFor, configFor, fixtureVenues, historyEvents, slowSite } from "../temporal/_kit.ts";
import { spawnWorkerProcess } from "./_deploy_kill.ts";

/** What the drill observed. */
export interface ScaleOutOutcome {
  /** Runs that completed with the venue's events. */
  completed: number;
  /** Runs started. */
  runs: number;
  /** Worker label (`w1`…) → runs whose venue it read; `w1` is the one killed when asked. */
  split: Record<string, number>;
  /** First start → last result, in ms. */
  elapsedMs: number;
  /** Whether a worker was killed mid-way, and after how many completed runs. */
  killedAfter?: number;
}

/** Runs the drill against the dev server at `address`. */
export async function runScaleOut(o: {
  address: string;
  fixtures: FixtureServer;
  workers: number;
  runs: number;
  /** SIGKILL worker w1 once this many runs have completed. Default: no kill. */
  killAfter?: number;
  /** Delay of the venue site per request (ms); default 0. */
  venueDelayMs?: number;
}): Promise<ScaleOutOutcome> {
  const queue = `scale-${crypto.randomUUID().slice(0, 8)}`;
  const env = {
    TEMPORAL_ADDRESS: o.address,
    TEMPORAL_TASK_QUEUE: queue,
    VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
  };
  await using c = await clientFor(await configFor(o.address, queue));
  await using site = slowSite(o.fixtures, o.venueDelayMs ?? 0);
  const venues = site.venues(await fixtureVenues(o.fixtures, ["stoup-ballard"]));
  const workers: WatchedChild[] = [];
  try {
    for (let i = 0; i < o.workers; i++) workers.push(await spawnWorkerProcess(env));
    await Promise.all(workers.map((w) => w.waitFor(/worker: RUNNING/, 120_000)));
    const labels = new Map(workers.map((w, i) => [String(w.pid), `w${i + 1}`]));
    const started = performance.now();
    const handles = await Promise.all(
      Array.from({ length: o.runs }, (_, i) =>
        c.client.workflow.start(WORKFLOW_TYPE, {
          taskQueue: queue,
          workflowId: `${queue}-${i}`,
          args: [{ venues, date: FIXTURE_DATE }],
          workflowExecutionTimeout: 5 * 60_000,
        })),
    );
    let done = 0;
    let killedAfter: number | undefined;
    const results = await Promise.all(handles.map(async (h) => {
      const r = await h.result() as FoodTruckWorkflowResult;
      done++;
      if (o.killAfter !== undefined && killedAfter === undefined && done >= o.killAfter) {
        killedAfter = done;
        workers[0].kill("SIGKILL");
      }
      return r;
    }));
    const elapsedMs = performance.now() - started;
    const split: Record<string, number> = Object.fromEntries(
      [...labels.values()].map((l) => [l, 0]),
    );
    for (const h of handles) {
      const events = await historyEvents(h);
      const fetch = events.find((e) =>
        e.activityTaskScheduledEventAttributes?.activityType?.name === "fetchVenue"
      )?.eventId;
      const identity: string = events.find((e) =>
        e.activityTaskStartedEventAttributes?.scheduledEventId === fetch
      )?.activityTaskStartedEventAttributes?.identity ?? "";
      const label = labels.get(identity.split("@")[0]) ?? identity;
      split[label] = (split[label] ?? 0) + 1;
    }
    const completed = results.filter((r) =>
      r.errors.length === 0 && r.events.some((e) =>
        e.venueKey === "stoup-ballard"
      )
    ).length;
    return { completed, runs: o.runs, split, elapsedMs, killedAfter };
  } finally {
    for (const w of workers) await w.stop("SIGKILL").catch(() => {});
  }
}

/** `w1 21, w2 20, w3 19` */
export function formatSplit(split: Record<string, number>): string {
  return Object.entries(split).map(([k, v]) => `${k} ${v}`).join(", ");
}
