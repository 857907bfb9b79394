/**
 * `deno task check-env`: prints every setting with its (redacted) value and source, the auth
 * mode and validation results, then connects (unless `--offline`) and checks the namespace.
 * `--json` prints the same as one JSON document for scripts (secrets redacted).
 * Exit codes: 0 ok, 1 invalid configuration, 2 cannot connect or not authorized.
 * @module
 */
import { main, parseFlags, taskArgs, UsageError } from "../src/cli/main.ts";
import { describeConfig, formatIssue, loadConfig } from "../src/config/mod.ts";
import type { TemporalConfig } from "../src/config/mod.ts";
import { configReport, type ReportConnection } from "../src/config/report.ts";
import { userPath } from "../src/cli/flags.ts";

const USAGE =
  `Usage: deno task check-env [--env-file FILE] [--profile NAME] [--offline] [--timeout MS] [--json]

Shows the Temporal connection settings, where each comes from, and whether they work.
  --env-file FILE  read this .env file instead of ./.env
  --profile NAME   use this profile of the TOML config file (overrides TEMPORAL_PROFILE)
  --offline        validate only; do not connect
  --timeout MS     timeout of each connection step (default 5000)
  --json           print one JSON document (settings with sources, secrets redacted; issues;
                   connection result) instead of text
Exit codes: 0 ok, 1 invalid configuration, 2 cannot connect or not authorized.`;

/** Connects (loaded only when connecting: keeps `--offline` free of the gRPC client). */
async function connect(cfg: TemporalConfig, timeoutMs: number): Promise<ReportConnection> {
  const { checkConnection } = await import("../src/cli/check_env.ts");
  const r = await checkConnection(cfg, { timeoutMs });
  return { checked: true, ...r };
}

await main("check-env", async () => {
  const { values } = parseFlags(taskArgs(), {
    "env-file": { type: "string" },
    profile: { type: "string" },
    offline: { type: "boolean" },
    timeout: { type: "string" },
    json: { type: "boolean" },
  }, USAGE);
  const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError(
      `--timeout must be a positive number of milliseconds, got "${values.timeout}"`,
    );
  }
  if (values.profile !== undefined && values.profile.trim() === "") {
    throw new UsageError("--profile needs a profile name");
  }
  const cfg = await loadConfig({ envFile: userPath(values["env-file"]), profile: values.profile });
  if (values.json) {
    const connection: ReportConnection = cfg.errors.length || values.offline
      ? { checked: false }
      : await connect(cfg, timeoutMs);
    const report = configReport(cfg, connection);
    console.log(JSON.stringify(report, null, 2));
    return report.exitCode;
  }
  console.log("Temporal configuration");
  for (const line of describeConfig(cfg)) console.log(line);
  console.log("\nValidation");
  if (!cfg.errors.length && !cfg.warnings.length) console.log("  ✓ no problems found");
  for (const w of cfg.warnings) console.log(`  ! warning: ${formatIssue(w)}`);
  for (const e of cfg.errors) console.log(`  ✗ ${formatIssue(e)}`);
  if (cfg.errors.length) {
    console.log(
      `\n✗ ${cfg.errors.length} configuration problem(s); fix them and run check-env again.`,
    );
    return 1;
  }
  if (values.offline) {
    console.log("\n✓ configuration is valid (offline: connection not checked)");
    return 0;
  }
  console.log(`\nConnection`);
  const r = await connect(cfg, timeoutMs);
  if (r.checked && r.ok) {
    console.log(
      `  ✓ connected to ${cfg.address}, namespace "${r.namespace}"${
        r.serverVersion ? `, server ${r.serverVersion}` : ""
      } (${r.ms} ms)`,
    );
    return 0;
  }
  if (r.checked && !r.ok) console.log(`  ✗ ${r.failure}: ${r.message}`);
  return 2;
});
