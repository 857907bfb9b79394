/**
 * `deno task scrape`: reads the venues without Temporal and prints the week.
 * Exit codes: 0 all venues read, 2 some failed but events found, 1 nothing found and errors.
 * @module
 */
import { main, parseFlags } from "../src/cli/main.ts";
import { scrapeAll } from "../src/venues/pipeline.ts";
import { loadVenueList } from "../src/venues/list.ts";
import { FIXTURE_DATE, startFixtureServer } from "../src/venues/fixture_server.ts";
import { optionalValue, parseDateFlagOptional, RESULT_FLAGS, userPath } from "../src/cli/flags.ts";
import { pacificToday } from "../src/core/time.ts";
import { HttpClient } from "../src/net/http.ts";
import { readVenueFetchSettings } from "../src/config/app.ts";
import { ConfigError } from "../src/config/mod.ts";
import type { ConfigIssue } from "../src/config/resolve.ts";
import {
  applyAiTouches,
  DEFAULT_PREVIEW_DIR,
  previewAiSettings,
  reportResult,
} from "../src/cli/preview.ts";

const USAGE =
  `Usage: deno task scrape [--offline] [--venues FILE] [--date YYYY-MM-DD] [--json] [--verbose]

Reads every venue's schedule directly (no Temporal) and prints today through today + 7 days.
  --offline          serve our fixtures locally and read them instead of the venues' sites
  --venues FILE      venue list (default: src/venues/venues.json)
  --date YYYY-MM-DD  compute the window as of this Pacific day (default today; offline: ${FIXTURE_DATE})
  --json             print the result as JSON
  --verbose          show descriptions and per-venue error details
  --preview [DIR]    also write the web page, data.json and calendar feeds to DIR (default ${DEFAULT_PREVIEW_DIR}/);
                     with ANTHROPIC_API_KEY set, runs the AI touches first (vision names, haiku)
Exit codes: 0 all venues read, 2 some venues failed, 1 nothing found or a fatal error.`;

await main("scrape", async () => {
  const { values } = parseFlags(optionalValue(Deno.args, "--preview", DEFAULT_PREVIEW_DIR), {
    preview: { type: "string" },
    offline: { type: "boolean" },
    ...RESULT_FLAGS,
  }, USAGE);
  const date = parseDateFlagOptional(values.date);
  const issues: ConfigIssue[] = [];
  const fetchSettings = readVenueFetchSettings({
    ...pick("VENUE_ALLOW_PRIVATE_NETWORKS"),
    ...pick("VENUE_MAX_BODY_BYTES"),
  }, issues);
  if (issues.length) throw new ConfigError(issues);
  let venues = await loadVenueList(userPath(values.venues));
  await using fixtures = values.offline ? await startFixtureServer() : undefined;
  if (fixtures) venues = fixtures.venueList(venues);
  let result = await scrapeAll(venues, {
    date: date ?? (fixtures ? FIXTURE_DATE : pacificToday()),
    http: new HttpClient({
      // Offline, the venues are our fixture server on loopback: allow exactly its origin.
      allowPrivateNetworks: fixtures ? fixtures.allowList : fetchSettings.allowPrivateNetworks,
      maxBodyBytes: fetchSettings.maxBodyBytes,
    }),
  });
  if (values.preview !== undefined) {
    // Vision images go through the same guard as the venues.
    result = await applyAiTouches(result, {
      ...previewAiSettings(),
      allowPrivateNetworks: fixtures ? fixtures.allowList : fetchSettings.allowPrivateNetworks,
    });
  }
  return await reportResult(result, {
    ...values,
    preview: userPath(values.preview),
    offlineHint: "`deno task scrape --offline`",
  });
});

/** `{ name: value }` when the variable is set, else `{}`. */
function pick(name: string): Record<string, string> {
  const v = Deno.env.get(name);
  return v === undefined ? {} : { [name]: v };
}
