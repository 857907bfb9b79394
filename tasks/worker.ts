/**
 * `deno task worker`: runs a worker on the configured task queue until SIGINT/SIGTERM, then
 * drains in-flight activities within the grace period.
 *
 * Workflow code comes from the prebuilt bundle (`deno task build` → `dist/workflow-bundle.js`)
 * when it exists, else it is bundled at start. A stale bundle (a workflow source changed since
 * the build) is refused with one line: run `deno task build`, or pass `--no-bundle`.
 *
 * @example
 * ```sh
 * deno task worker --grace 30000
 * deno task worker --bundle /opt/atg/workflow-bundle.js
 * TEMPORAL_METRICS_BIND=127.0.0.1:9464 TEMPORAL_HEALTH_BIND=127.0.0.1:9465 deno task worker
 * ```
 * @module
 */
import { main, parseFlags, taskArgs, UsageError } from "../src/cli/main.ts";
import { formatIssue, loadConfig, requireValid } from "../src/config/mod.ts";
import { runWorker } from "../src/temporal/worker.ts";
import { displayPath, selectWorkerBundle } from "../src/temporal/bundle.ts";
import { userPath } from "../src/cli/flags.ts";
import { FIXTURE_DATE, startFixtureServer } from "../src/venues/fixture_server.ts";
import { offlineActivities } from "../src/temporal/offline.ts";
import { createLog, setLog } from "../src/ops/log.ts";

const USAGE =
  `Usage: deno task worker [--env-file FILE] [--profile NAME] [--grace MS] [--bundle FILE | --no-bundle] [--offline]

Runs a Temporal worker for FoodTruckWorkflow on TEMPORAL_TASK_QUEUE.
  --env-file FILE  read this .env file instead of ./.env
  --profile NAME   use this profile of the TOML config file (overrides TEMPORAL_PROFILE)
  --grace MS       drain period for in-flight activities on SIGINT/SIGTERM (default 10000);
                   requests still in flight at its end are aborted
  --bundle FILE    prebuilt workflow bundle (default: dist/workflow-bundle.js when it exists)
  --no-bundle      bundle the workflow code at start even if a prebuilt bundle exists
  --offline        read every venue from our bundled fixtures, served locally (no internet
                   needed); their week starts ${FIXTURE_DATE}: \`deno task start --date ${FIXTURE_DATE}\`
A prebuilt bundle whose sources changed since \`deno task build\` is refused.
Optional: TEMPORAL_METRICS_BIND=host:port (Prometheus /metrics),
          TEMPORAL_HEALTH_BIND=host:port (/healthz, 200 only while RUNNING),
          LOG_LEVEL=error|warn|info|debug (default info), LOG_FORMAT=text|json (default text).`;

await main("worker", async () => {
  const { values } = parseFlags(taskArgs(), {
    "env-file": { type: "string" },
    profile: { type: "string" },
    grace: { type: "string" },
    bundle: { type: "string" },
    "no-bundle": { type: "boolean" },
    offline: { type: "boolean" },
  }, USAGE);
  const grace = values.grace === undefined ? 10_000 : Number(values.grace);
  if (!Number.isInteger(grace) || grace < 0) {
    throw new UsageError(`--grace must be milliseconds, got "${values.grace}"`);
  }
  if (values.bundle !== undefined && values["no-bundle"]) {
    throw new UsageError("--bundle and --no-bundle exclude each other");
  }
  const bundle = await selectWorkerBundle({
    path: userPath(values.bundle),
    noBundle: values["no-bundle"],
  });
  const cfg = requireValid(
    await loadConfig({ envFile: userPath(values["env-file"]), profile: values.profile }),
  );
  const log = createLog({
    level: cfg.app.logLevel,
    format: cfg.app.logFormat,
    component: "worker",
  });
  setLog(log);
  for (const w of cfg.warnings) log.warn(formatIssue(w));
  const source = bundle
    ? ` bundle=${displayPath(bundle.path)} sources=${bundle.manifest.sourcesSha256.slice(0, 12)}`
    : "";
  await using fixtures = values.offline ? await startFixtureServer() : undefined;
  if (fixtures) {
    console.error(
      `worker: offline: every venue is read from our fixtures at ${fixtures.origin} (their week: deno task start --date ${FIXTURE_DATE})`,
    );
  }
  await runWorker(cfg, {
    ...(fixtures ? { activities: offlineActivities(fixtures.origin) } : {}),
    logger: log,
    shutdownGraceMs: grace,
    workflowBundleCode: bundle?.code,
    onReady: (i) => {
      if (i.metricsUrl) log.info(`metrics on ${i.metricsUrl}`);
      if (i.healthUrl) log.info(`health on ${i.healthUrl}`);
      log.info(
        `RUNNING on ${i.address} namespace=${i.namespace} taskQueue=${i.taskQueue} identity=${i.identity} auth=${cfg.authMode} workflows=${i.bundle}${source} buildId=${i.buildId} (ready in ${i.startupMs} ms)`,
      );
    },
  });
  log.info("stopped");
});
