/**
 * Replay: every history recorded from a real dev server (`deno task record-histories` →
 * `tests/fixtures/histories/*.json`: all venues ok, some failing, deploy, AI on, cancelled,
 * venue deadline) replays against the current workflow code, and so do the same scenarios
 * recorded before `LIGHT_RUN_PATCH` (`before-light-run-1/`), which take the old path. A change to
 * `workflows.ts` that alters the commands of a recorded run fails here with a determinism error,
 * in CI, before a running workflow could hit it in production (wrap such a change in
 * `patched()`, see docs/changing-workflows.md).
 */
import assert from "node:assert/strict";
import { Worker } from "@temporalio/worker";
import { historyFromJSON } from "@temporalio/common/lib/proto-utils.js";
import { WORKFLOWS_PATH } from "../../src/temporal/worker.ts";
import { installRuntime } from "../../src/temporal/worker.ts";
import { createLog } from "../../src/ops/log.ts";
import { HISTORIES_DIR } from "../histories/record.ts";
import { LIGHT_RUN_PATCH } from "../../src/temporal/workflows.ts";

/** The recorded scenarios: the replay test insists on all of them being present. */
const SCENARIOS = ["ai-on", "all-ok", "cancelled", "deadline", "deploy", "some-failing"];

/** The history files of `dir`, by scenario name. */
function readHistories(dir: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    [...Deno.readDirSync(dir)]
      .filter((e) => e.isFile && e.name.endsWith(".json"))
      .map((e) => [e.name.replace(/\.json$/, ""), JSON.parse(Deno.readTextFileSync(dir + e.name))]),
  );
}

const BEFORE_LIGHT_RUN = `${HISTORIES_DIR}before-light-run-1/`;

async function replayAll(dir: string): Promise<Record<string, string>> {
  const files = readHistories(dir);
  assert.deepEqual(Object.keys(files).sort(), SCENARIOS, dir);
  const histories = Object.entries(files).map(([workflowId, json]) => ({
    workflowId,
    history: historyFromJSON(json),
  }));
  const results: Record<string, string> = {};
  for await (
    const r of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)
  ) {
    results[r.workflowId] = r.error ? `${r.error.name}: ${r.error.message}` : "ok";
  }
  return results;
}

const allOk = Object.fromEntries(SCENARIOS.map((n) => [n, "ok"]));

Deno.test("recorded histories replay against the current workflow code", async () => {
  installRuntime(createLog({ level: "error" }));
  assert.deepEqual(await replayAll(HISTORIES_DIR), allOk);
});

Deno.test("histories recorded before LIGHT_RUN_PATCH still replay (the old path)", async () => {
  installRuntime(createLog({ level: "error" }));
  assert.deepEqual(await replayAll(BEFORE_LIGHT_RUN), allOk);
});

/** Event types of a history file, without the `EVENT_TYPE_` prefix. */
function eventTypes(json: Record<string, unknown>): string[] {
  return (json.events as { eventType: string }[]).map((e) =>
    e.eventType.replace("EVENT_TYPE_", "")
  );
}

Deno.test("the light path: a patch marker, no aiTouches step, no deadline timer that cannot fire", () => {
  const now = readHistories(HISTORIES_DIR);
  const before = readHistories(BEFORE_LIGHT_RUN);
  // A `core_patch` marker whose payload (base64 JSON) names the patch.
  const patchMarkers = (json: Record<string, unknown>) =>
    (json.events as { markerRecordedEventAttributes?: Record<string, unknown> }[])
      .map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === "core_patch")
      .filter((m) =>
        atob(JSON.stringify(m).match(/"data":"([^"]+)"/)?.[1] ?? "").includes(LIGHT_RUN_PATCH)
      )
      .length;
  const localActivityMarkers = (json: Record<string, unknown>) =>
    JSON.stringify(json).split('"core_local_activity"').length - 1;
  for (const name of SCENARIOS) {
    assert.ok(patchMarkers(now[name]) > 0, `${name}: recorded with ${LIGHT_RUN_PATCH}`);
    assert.equal(patchMarkers(before[name]), 0, `${name}: recorded before the patch`);
    assert.equal(localActivityMarkers(now[name]), 0, `${name}: no aiTouches local activity`);
  }
  // The old runs asked aiTouches (a local activity marker) once the venues were read.
  assert.ok(localActivityMarkers(before["all-ok"]) > 0);
  // One venue with the default deadline: the timer could never fire, so there is none now.
  for (const name of ["deploy", "ai-on"]) {
    assert.ok(eventTypes(before[name]).includes("TIMER_STARTED"), `${name} before`);
    assert.ok(!eventTypes(now[name]).includes("TIMER_STARTED"), `${name} now`);
  }
  // Seven venues (more than run at once), or a short deadline: the timer stays.
  for (const name of ["all-ok", "some-failing", "deadline"]) {
    assert.ok(eventTypes(now[name]).includes("TIMER_STARTED"), name);
  }
  assert.ok(eventTypes(now.deadline).includes("TIMER_FIRED"));
  assert.ok(eventTypes(now["ai-on"]).filter((t) => t === "ACTIVITY_TASK_SCHEDULED").length >= 2);
});
