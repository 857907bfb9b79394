/**
 * Replay: every history recorded from a real dev server (`deno task record-histories` →
 * `tests/fixtures/histories/*.json`: all venues ok, some failing, deploy, AI on, cancelled,
 * venue deadline) replays against the current workflow code. A change to `workflows.ts` that
 * alters the commands of a recorded run fails here with a determinism error, in CI, before a
 * running workflow could hit it in production (wrap such a change in `patched()`, see
 * docs/changing-workflows.md).
 */
import assert from "node:assert/strict";
import { Worker } from "@temporalio/worker";
import { historyFromJSON } from "@temporalio/common/lib/proto-utils.js";
import { WORKFLOWS_PATH } from "../../src/temporal/worker.ts";
import { installRuntime } from "../../src/temporal/worker.ts";
import { createLog } from "../../src/ops/log.ts";
import { HISTORIES_DIR } from "../histories/record.ts";

/** The recorded scenarios: the replay test insists on all of them being present. */
const SCENARIOS = ["ai-on", "all-ok", "cancelled", "deadline", "deploy", "some-failing"];

Deno.test("recorded histories replay against the current workflow code", async () => {
  installRuntime(createLog({ level: "error" }));
  const names = [...Deno.readDirSync(HISTORIES_DIR)]
    .filter((e) => e.name.endsWith(".json"))
    .map((e) => e.name.replace(/\.json$/, ""))
    .sort();
  assert.deepEqual(names, SCENARIOS);
  const histories = names.map((name) => ({
    workflowId: name,
    history: historyFromJSON(JSON.parse(Deno.readTextFileSync(`${HISTORIES_DIR}${name}.json`))),
  }));
  const results: Record<string, string> = {};
  for await (
    const r of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)
  ) {
    results[r.workflowId] = r.error ? `${r.error.name}: ${r.error.message}` : "ok";
  }
  assert.deepEqual(results, Object.fromEntries(SCENARIOS.map((n) => [n, "ok"])));
});
