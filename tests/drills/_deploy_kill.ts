/**
 * The deploy-kill drill, shared by its test and `deno task bench`: a worker process is SIGKILLed
 * *inside* the deploy activity after its push has landed (the remote's post-receive hook holds
 * the push open until the kill), a second worker takes over, and the drill reports the commits
 * on the branch, how the first attempt ended (heartbeat timeout) and the recovery time.
 * @module
 */
import assert from "node:assert/strict";
import { FIXTURE_DATE } from "../../src/venues/fixture_server.ts";
import type { FixtureServer } from "../../src/venues/fixture_server.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { newWorkflowId, WORKFLOW_TYPE } from "../../src/temporal/starter.ts";
import { childEnv, spawnWatched } from "../harness/child.ts";
import type { WatchedChild } from "../harness/child.ts";
import { taskRunArgs } from "../../src/ops/tasks.ts";
import {
  bareRepo,
  clientFor,
  commitCount,
  configFor,
  fixtureVenues,
  historyEvents,
} from "../temporal/_kit.ts";
import { waitUntil } from "../harness/wait.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The worker script of the deliberately non-idempotent deploy. */
export const NON_IDEMPOTENT_WORKER = new URL("./_non_idempotent_worker.ts", import.meta.url)
  .pathname;

/** Spawns a worker process (the worker task's flags), optionally running another script. */
export async function spawnWorkerProcess(
  env: Record<string, string>,
  script?: string,
): Promise<WatchedChild> {
  const args = (await taskRunArgs("worker")).map((a) =>
    script && a.endsWith("/tasks/worker.ts") ? script : a
  );
  return spawnWatched(script ? args : [...args, "--no-bundle"], {
    cwd: ROOT,
    env: await childEnv(env),
    name: "worker",
  });
}

/** What the drill observed. */
export interface DeployKillOutcome {
  workflowId: string;
  result: FoodTruckWorkflowResult;
  /** Commits on the deploy branch at the end. */
  commits: number;
  /** Commits already on the branch when the worker was killed (the push had landed). */
  commitsAtKill: number;
  /** SIGKILL → workflow completed. */
  recoveredMs: number;
  /** Attempt number of the deploy activity that completed. */
  deployAttempt: number;
  /** How the previous deploy attempt ended, e.g. `TIMEOUT_TYPE_HEARTBEAT`. */
  firstAttemptTimeout?: string;
}

/** Runs the drill against the dev server at `address`, with the given worker script. */
export async function runDeployKillDrill(o: {
  address: string;
  fixtures: FixtureServer;
  workerScript?: string;
}): Promise<DeployKillOutcome> {
  const tmp = await Deno.makeTempDir({ prefix: "drill-deploy-" });
  const mark = `${tmp}/push-landed`, release = `${tmp}/release`;
  // post-receive runs after the ref update: the first push has landed, and git push waits.
  const bare = await bareRepo(tmp, {
    "post-receive": `if [ ! -e '${mark}' ]; then touch '${mark}'; ` +
      `while [ ! -e '${release}' ]; do sleep 0.1; done; fi`,
  });
  const queue = `drill-deploy-${crypto.randomUUID().slice(0, 8)}`;
  // The deploy target is the worker's own configuration; the input only asks to deploy.
  const env = {
    TEMPORAL_ADDRESS: o.address,
    TEMPORAL_TASK_QUEUE: queue,
    GIT_REPOSITORY_URL: bare,
    VENUE_ALLOW_PRIVATE_NETWORKS: "true",
  };
  await using c = await clientFor(await configFor(o.address, queue));
  try {
    await using first = await spawnWorkerProcess(env, o.workerScript);
    await first.waitFor(/worker: RUNNING/, 90_000);
    const handle = await c.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: queue,
      workflowId: newWorkflowId(FIXTURE_DATE),
      args: [{
        venues: await fixtureVenues(o.fixtures, ["stoup-ballard"]),
        date: FIXTURE_DATE,
        deploy: true,
      }],
      workflowExecutionTimeout: 5 * 60_000,
    });
    await waitUntil("the first push to land", () => Deno.stat(mark).then(() => true, () => false), {
      timeoutMs: 90_000,
    });
    const killedAt = Date.now();
    first.kill("SIGKILL");
    await first.status;
    const commitsAtKill = await commitCount(bare);
    await Deno.writeTextFile(release, ""); // let the orphaned git push finish
    await using second = await spawnWorkerProcess(env, o.workerScript);
    await second.waitFor(/worker: RUNNING/, 90_000);
    const result = await handle.result() as FoodTruckWorkflowResult;
    const recoveredMs = Date.now() - killedAt;
    const events = await historyEvents(handle);
    const deployId = events.find((e) =>
      e.activityTaskScheduledEventAttributes?.activityType?.name === "deployWebData"
    )?.eventId;
    const started = events.find((e) =>
      e.activityTaskStartedEventAttributes?.scheduledEventId === deployId
    )?.activityTaskStartedEventAttributes;
    return {
      workflowId: handle.workflowId,
      result,
      commits: await commitCount(bare),
      commitsAtKill,
      recoveredMs,
      deployAttempt: started?.attempt ?? 0,
      firstAttemptTimeout: started?.lastFailure?.timeoutFailureInfo?.timeoutType,
    };
  } finally {
    await Deno.writeTextFile(release, "").catch(() => {});
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** The drill's verdict: the push landed before the kill, and the branch has exactly one commit. */
export function assertExactlyOnce(o: DeployKillOutcome): void {
  assert.equal(o.commitsAtKill, 1, "the push had landed when the worker was killed");
  assert.equal(o.commits, 1, `exactly one commit lands (found ${o.commits})`);
  assert.equal(o.result.deploy?.committed, true, JSON.stringify(o.result.deploy));
}
