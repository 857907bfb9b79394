/**
 * `deno task start`: runs `FoodTruckWorkflow` once on the configured Temporal and prints the
 * result like `scrape`. A worker must be polling the task queue (`deno task worker`): without
 * one, start says so at once (exit 2) unless `--wait-for-worker`. Ctrl-C stops waiting; the run
 * goes on and start prints how to follow it (exit 130).
 * Exit codes: 0 all venues read, 2 some failed (or the result was truncated) but events found,
 * or cannot connect / no worker, 1 nothing found and errors (or a fatal error), 3 the run was
 * cancelled, 130 interrupted. While a run with the same derived id is open, start attaches to it.
 * @module
 */
import { main, parseFlags, taskArgs, UsageError } from "../src/cli/main.ts";
import { formatIssue, loadConfig, requireValid } from "../src/config/mod.ts";
import type { TemporalConfig } from "../src/config/mod.ts";
import { connectClient } from "../src/config/connect.ts";
import { runFoodTruckWorkflow } from "../src/temporal/starter.ts";
import { optionalValue, parseDateFlag, RESULT_FLAGS, userPath } from "../src/cli/flags.ts";
import { buildWorkflowInput } from "../src/temporal/input.ts";
import { DEFAULT_PREVIEW_DIR, reportResult } from "../src/cli/preview.ts";
import { FIXTURE_DATE } from "../src/venues/fixture_server.ts";
import {
  countPollers,
  followLines,
  type FollowOutcome,
  NoWorkerError,
  noWorkerMessage,
  waitFollowing,
} from "../src/temporal/follow.ts";

const USAGE =
  `Usage: deno task start [--env-file FILE] [--profile NAME] [--venues FILE] [--date YYYY-MM-DD] [--json] [--verbose]
                       [--preview [DIR]] [--deploy] [--wait-for-worker]

Starts FoodTruckWorkflow, waits for it, and prints the food trucks for the week.
The workflow id is food-trucks-<date>-<print|deploy>-<hash of the input>: while a run with the
same day and input is still open, start attaches to it and waits for its result instead of
starting a duplicate (id conflict policy USE_EXISTING); once it has closed, a new run starts.
Needs a worker polling TEMPORAL_TASK_QUEUE: run \`deno task worker\` in another terminal
(\`deno task dev\` does both in one process).
  --env-file FILE    read this .env file instead of ./.env
  --profile NAME     use this profile of the TOML config file (overrides TEMPORAL_PROFILE)
  --venues FILE      venue list (default: src/venues/venues.json)
  --date YYYY-MM-DD  compute the window as of this Pacific day (default: today)
  --json             print the result as JSON
  --verbose          show per-venue error details
  --preview [DIR]    also write the web page and data.json to DIR (default ${DEFAULT_PREVIEW_DIR}/)
  --deploy           the worker publishes the page and data.json to its own GIT_REPOSITORY_URL
  --workflow-id ID   use this workflow id instead of the derived one (same attach rule)
  --wait-for-worker  start even when no worker polls the task queue, and wait for one
Paths are relative to the folder you run the command from.
Ctrl-C stops waiting; the run goes on, and start prints how to follow it.
Exit codes: 0 all venues read, 2 some venues failed or the result was truncated, or cannot
connect / no worker polling, 1 nothing found or a fatal error, 3 the run was cancelled
(e.g. temporal workflow cancel), 130 interrupted.`;

/** The flags, checked: a real `--date`, a sane `--workflow-id`. */
function startFlags() {
  const { values } = parseFlags(optionalValue(taskArgs(), "--preview", DEFAULT_PREVIEW_DIR), {
    preview: { type: "string" },
    deploy: { type: "boolean" },
    "workflow-id": { type: "string" },
    "env-file": { type: "string" },
    "wait-for-worker": { type: "boolean" },
    profile: { type: "string" },
    ...RESULT_FLAGS,
  }, USAGE);
  const workflowId = values["workflow-id"];
  if (workflowId !== undefined && !/^[\x21-\x7e]{1,200}$/.test(workflowId)) {
    throw new UsageError("--workflow-id must be 1-200 visible ASCII characters without spaces");
  }
  return { values, date: parseDateFlag(values.date), workflowId };
}

/** Exit code and lines for a wait that ended without a result: interrupted, or no worker. */
function reportUnfinished(
  cfg: TemporalConfig,
  outcome: Exclude<FollowOutcome<unknown>, { kind: "done" }>,
): number {
  const id = outcome.workflowId;
  if (!id) {
    console.error(
      `start: ${
        outcome.kind === "interrupted" ? outcome.signal : "stopped"
      }: stopped before the workflow was started`,
    );
    return 130;
  }
  console.error(
    outcome.kind === "no worker"
      ? `start: ${noWorkerMessage(cfg)}; workflow ${id} stays queued until one polls`
      : `start: ${outcome.signal}: stopped waiting; workflow ${id} keeps running`,
  );
  for (const l of followLines(cfg, id)) console.error(`  ${l}`);
  return outcome.kind === "no worker" ? 2 : 130;
}

await main("start", async () => {
  const { values, date, workflowId } = startFlags();
  const cfg = requireValid(
    await loadConfig({ envFile: userPath(values["env-file"]), profile: values.profile }),
  );
  const input = await buildWorkflowInput(cfg, {
    venuesPath: userPath(values.venues),
    date,
    deploy: values.deploy,
  });
  for (const w of cfg.warnings) console.error(`start: warning: ${formatIssue(w)}`);
  const { client, close } = await connectClient(cfg);
  // Closing the channel under the result's pending long poll makes grpc-js throw from a timer:
  // when start stops waiting, the exit closes it instead.
  let pending = false;
  try {
    const polling = (await countPollers(client, cfg)) > 0;
    if (!polling && !values["wait-for-worker"]) throw new NoWorkerError(cfg);
    const outcome = await waitFollowing(
      client,
      cfg,
      (onStarted) =>
        runFoodTruckWorkflow(client, cfg, { ...input, date }, {
          ...(workflowId ? { workflowId } : {}),
          onStarted: (id, attached) => {
            if (attached) console.error(`start: attached to the running workflow ${id}`);
            else if (values.verbose) {
              console.error(`start: workflow ${id} started on ${cfg.taskQueue}`);
            }
            onStarted(id);
          },
        }),
      { waitForWorker: values["wait-for-worker"], polling },
    );
    pending = outcome.kind !== "done";
    if (outcome.kind !== "done") return reportUnfinished(cfg, outcome);
    return await reportResult(outcome.value, {
      ...values,
      preview: userPath(values.preview),
      offlineHint:
        `a worker started with \`deno task worker --offline\` (then start --date ${FIXTURE_DATE})`,
    });
  } finally {
    if (!pending) await close();
  }
});
