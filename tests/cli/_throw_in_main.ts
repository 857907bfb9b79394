/**
 * Test script for tests/cli/exit_codes_test.ts: runs `main("demo", ...)` with a body that throws
 * the task error named by the first argument.
 * @module
 */
import { main, UsageError } from "../../src/cli/main.ts";
import { ConnectionFailedError } from "../../src/config/classify.ts";
import { ConfigError } from "../../src/config/mod.ts";
import { NoWorkerError } from "../../src/temporal/follow.ts";
import { WorkflowCancelledError } from "../../src/temporal/starter.ts";

const cfg = { taskQueue: "q", address: "localhost:7233", namespace: "default" };
const errors: Record<string, () => Error> = {
  usage: () => new UsageError("--port must be an integer"),
  connection: () => new ConnectionFailedError("localhost:1", "nothing listening", "refused\nmore"),
  noWorker: () => new NoWorkerError(cfg),
  cancelled: () => new WorkflowCancelledError("wf-1"),
  config: () => new ConfigError([{ variable: "TEMPORAL_ADDRESS", message: "bad" }]),
  plain: () => new Error("boom"),
};

await main("demo", () => {
  throw errors[Deno.args[0]]();
});
