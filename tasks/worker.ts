/**
 * `deno task worker`: runs a worker on the configured task queue until SIGINT/SIGTERM, then
 * drains in-flight activities within the grace period.
 * @module
 */
import { main, parseFlags, UsageError } from "../src/cli.ts";
import { formatIssue, loadConfig, requireValid } from "../src/config/mod.ts";
import { runWorker } from "../src/temporal/worker.ts";

const USAGE = `Usage: deno task worker [--env-file FILE] [--grace MS]

Runs a Temporal worker for FoodTruckWorkflow on TEMPORAL_TASK_QUEUE.
  --env-file FILE  read this .env file instead of ./.env
  --grace MS       drain period for in-flight activities on SIGINT/SIGTERM (default 10000)`;

await main("worker", async () => {
  const { values } = parseFlags(Deno.args, {
    "env-file": { type: "string" },
    grace: { type: "string" },
  }, USAGE);
  const grace = values.grace === undefined ? 10_000 : Number(values.grace);
  if (!Number.isInteger(grace) || grace < 0) {
    throw new UsageError(`--grace must be milliseconds, got "${values.grace}"`);
  }
  const cfg = requireValid(await loadConfig({ envFile: values["env-file"] }));
  for (const w of cfg.warnings) console.error(`worker: warning: ${formatIssue(w)}`);
  await runWorker(cfg, {
    shutdownGraceMs: grace,
    onReady: (i) =>
      console.error(
        `worker: RUNNING on ${i.address} namespace=${i.namespace} taskQueue=${i.taskQueue} identity=${i.identity} auth=${cfg.authMode} workflows=${i.bundle} (ready in ${i.startupMs} ms)`,
      ),
  });
  console.error("worker: stopped");
});
