/**
 * `deno task start`: runs `FoodTruckWorkflow` once on the configured Temporal and prints the
 * result like `scrape`. Exit codes: 0 all venues read, 2 some failed but events found,
 * 1 nothing found and errors (or a fatal error).
 * @module
 */
import { main, parseFlags } from "../src/cli.ts";
import { formatIssue, loadConfig, requireValid } from "../src/config/mod.ts";
import { connectClient } from "../src/config/connect.ts";
import { runFoodTruckWorkflow } from "../src/temporal/starter.ts";
import { optionalValue, parseDateFlag, RESULT_FLAGS } from "../src/flags.ts";
import { buildWorkflowInput } from "../src/temporal/input.ts";
import { DEFAULT_PREVIEW_DIR, reportResult } from "../src/preview_cli.ts";

const USAGE =
  `Usage: deno task start [--env-file FILE] [--venues FILE] [--date YYYY-MM-DD] [--json] [--verbose]

Starts FoodTruckWorkflow, waits for it, and prints the food trucks for the week.
  --env-file FILE    read this .env file instead of ./.env
  --venues FILE      venue list (default: src/venues/venues.json)
  --date YYYY-MM-DD  compute the window as of this Pacific day (default: today)
  --json             print the result as JSON
  --verbose          show per-venue error details
  --preview [DIR]    also write the web page and data.json to DIR (default ${DEFAULT_PREVIEW_DIR}/)
  --deploy           the worker publishes the page and data.json to its own GIT_REPOSITORY_URL
Exit codes: 0 all venues read, 2 some venues failed, 1 nothing found or a fatal error.`;

await main("start", async () => {
  const { values } = parseFlags(optionalValue(Deno.args, "--preview", DEFAULT_PREVIEW_DIR), {
    preview: { type: "string" },
    deploy: { type: "boolean" },
    "env-file": { type: "string" },
    ...RESULT_FLAGS,
  }, USAGE);
  const date = parseDateFlag(values.date);
  const cfg = requireValid(await loadConfig({ envFile: values["env-file"] }));
  const input = await buildWorkflowInput(cfg, {
    venuesPath: values.venues,
    date,
    deploy: values.deploy,
  });
  for (const w of cfg.warnings) console.error(`start: warning: ${formatIssue(w)}`);
  const { client, close } = await connectClient(cfg);
  try {
    const result = await runFoodTruckWorkflow(client, cfg, { ...input, date }, {
      onStarted: (id) =>
        values.verbose && console.error(`start: workflow ${id} started on ${cfg.taskQueue}`),
    });
    return await reportResult(result, values);
  } finally {
    await close();
  }
});
