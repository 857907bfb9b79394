/**
 * `deno task dev`: starts a dev server if needed, a worker, runs the workflow once, prints the
 * result, and stops what it started. `--offline` serves our fixtures instead of the venues' sites.
 * @module
 */
import { main, parseFlags } from "../src/cli/main.ts";
import { runDev } from "../src/cli/dev.ts";
import { parseDateFlagOptional, RESULT_FLAGS, userPath } from "../src/cli/flags.ts";

const USAGE =
  `Usage: deno task dev [--offline] [--env-file FILE] [--profile NAME] [--venues FILE] [--date YYYY-MM-DD] [--json] [--verbose]

Runs everything once on a local Temporal dev server (started if nothing answers at TEMPORAL_ADDRESS).
  --offline          read the venues from our fixtures served locally (no internet needed)
  --env-file FILE    read this .env file instead of ./.env
  --profile NAME     use this profile of the TOML config file (overrides TEMPORAL_PROFILE)
  --venues FILE      venue list (default: src/venues/venues.json)
  --date YYYY-MM-DD  window start as a Pacific day (default today; offline: the fixtures' week)
  --json             print the result as JSON
  --verbose          show per-venue error details`;

await main("dev", async () => {
  const { values } = parseFlags(Deno.args, {
    offline: { type: "boolean" },
    "env-file": { type: "string" },
    profile: { type: "string" },
    ...RESULT_FLAGS,
  }, USAGE);
  return await runDev({
    offline: values.offline,
    envFile: userPath(values["env-file"]),
    profile: values.profile,
    venuesPath: userPath(values.venues),
    date: parseDateFlagOptional(values.date),
    json: values.json,
    verbose: values.verbose,
  });
});
