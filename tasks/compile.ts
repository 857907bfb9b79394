/**
 * `deno task compile`: rebuilds the workflow bundle, then `deno compile`s the one binary
 * `dist/around-the-grounds` (subcommands `worker`, `start`, `check-env`) with the tasks' scoped
 * permissions baked in and the bundle, venue list and web assets embedded. No env file and no
 * secret is embedded: the binary reads its configuration from the environment and `.env` at run
 * time.
 *
 * `deno compile` needs `denort`, which it downloads from dl.deno.land; where that site is not
 * reachable, set `DENORT_BIN` or pre-seed the Deno cache. Without denort the task prints one
 * line and exits 2.
 *
 * @example
 * ```sh
 * deno task compile                 # dist/around-the-grounds
 * deno task compile --dry-run       # print the deno compile command only
 * DENORT_BIN=/opt/denort deno task compile --out-dir /tmp/out
 * ```
 * @module
 */
import { FatalError, main, parseFlags } from "../src/cli/main.ts";
import { buildBundle, displayPath } from "../src/temporal/bundle.ts";
import { compilePlan, findDenort } from "../src/ops/compile.ts";

const USAGE = `Usage: deno task compile [--out-dir DIR] [--target TRIPLE] [--dry-run]

Builds dist/workflow-bundle.js, then compiles dist/around-the-grounds (subcommands worker, start,
check-env) with the tasks' permissions; configuration comes from env/.env at run time.
  --out-dir DIR     where to write the binary (default: dist/)
  --target TRIPLE   e.g. aarch64-unknown-linux-gnu (default: this machine)
  --dry-run         print the deno compile command and exit (needs no denort)
Needs denort: DENORT_BIN=/path/to/denort, or denort-<target>.zip in the Deno cache.
Exit codes: 0 compiled, 1 error, 2 denort not available.`;

/** Quotes a word for display in a shell command line. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./*-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}

await main("compile", async () => {
  const { values } = parseFlags(Deno.args, {
    "out-dir": { type: "string" },
    target: { type: "string" },
    "dry-run": { type: "boolean" },
  }, USAGE);
  const plan = await compilePlan({ outDir: values["out-dir"], target: values.target });
  if (values["dry-run"]) {
    console.log(["deno", ...plan.args].map(shellWord).join(" "));
    return 0;
  }
  const denort = await findDenort({ target: plan.target });
  if (!denort.path) throw new FatalError(`cannot compile: ${denort.reason}`, 2);
  console.error(`compile: denort from ${denort.source}: ${denort.path}`);
  const built = await buildBundle({ log: (l) => console.error(`compile: ${l}`) });
  console.error(
    `compile: bundle ${displayPath(built.bundlePath)} (sources sha256 ${
      built.manifest.sourcesSha256.slice(0, 12)
    })`,
  );
  const status = await new Deno.Command("deno", {
    args: plan.args,
    cwd: plan.root,
    env: denort.source === "DENORT_BIN" ? { DENORT_BIN: denort.path } : {},
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) throw new FatalError(`deno compile failed (exit ${status.code})`);
  const size = (await Deno.stat(plan.output)).size;
  console.error(
    `compile: wrote ${displayPath(plan.output)} (${
      (size / 1024 / 1024).toFixed(0)
    } MiB) for ${plan.target}`,
  );
});
