/**
 * The `patched()` example of docs/changing-workflows.md, tested on a real dev server: a run
 * recorded by version 1 fails to replay on a version 2 that added a step in place, replays on a
 * version 2 that guards the step with `patched()`, and new runs of that version take the step.
 */
import assert from "node:assert/strict";
import { NativeConnection, Worker } from "@temporalio/worker";
import { DeterminismViolationError } from "@temporalio/workflow";
import { startDevServer } from "../harness/dev_server.ts";
import { installRuntime } from "../../src/temporal/worker.ts";
import { createLog } from "../../src/ops/log.ts";
import { patchDemoActivities } from "./patching/activities.ts";
import { clientFor, configFor, eventTypes } from "./_kit.ts";
import { historyToJSON } from "@temporalio/common/lib/proto-utils.js";

const path = (f: string) => new URL(`./patching/${f}`, import.meta.url).pathname;

Deno.test({
  name: "patched(): a version-1 history replays on the patched version 2, not on the unsafe one",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    installRuntime(createLog({ level: "error" }));
    await using server = await startDevServer();
    const queue = `patch-${crypto.randomUUID().slice(0, 8)}`;
    await using c = await clientFor(await configFor(server.address, queue));
    const connection = await NativeConnection.connect({ address: server.address });
    try {
      const run = async (workflows: string, id: string) => {
        const worker = await Worker.create({
          connection,
          taskQueue: queue,
          workflowsPath: path(workflows),
          activities: patchDemoActivities,
        });
        const handle = await c.client.workflow.start("PatchDemoWorkflow", {
          taskQueue: queue,
          workflowId: id,
          args: ["stoup"],
        });
        const result = await worker.runUntil(handle.result());
        return { result, history: await handle.fetchHistory() };
      };
      const v1 = await run("workflows_v1.ts", `patch-v1-${queue}`);
      assert.deepEqual(v1.result, ["read stoup"]);

      await assert.rejects(
        Worker.runReplayHistory({ workflowsPath: path("workflows_v2_unsafe.ts") }, v1.history),
        DeterminismViolationError,
      );
      await Worker.runReplayHistory({ workflowsPath: path("workflows_v2_patched.ts") }, v1.history);

      const v2 = await run("workflows_v2_patched.ts", `patch-v2-${queue}`);
      assert.deepEqual(v2.result, ["read stoup", "checked read stoup"]);
      const events = JSON.parse(historyToJSON(v2.history)).events;
      assert.ok(eventTypes(events).includes("MARKER_RECORDED"), "the patch marker is recorded");
      await Worker.runReplayHistory({ workflowsPath: path("workflows_v2_patched.ts") }, v2.history);
    } finally {
      await connection.close();
    }
  },
});
