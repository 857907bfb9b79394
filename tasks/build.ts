/**
 * `deno task build`: bundles the workflow code once (webpack, through the SDK's
 * `bundleWorkflowCode`) into `dist/workflow-bundle.js`, with `dist/workflow-bundle.json` recording
 * the sha256 of every source file it was built from. The worker then starts without bundling,
 * and refuses the bundle once a source changes.
 *
 * @example
 * ```sh
 * deno task build                 # dist/workflow-bundle.js + dist/workflow-bundle.json
 * deno task build --out-dir /tmp/b
 * ```
 * @module
 */
import { main, parseFlags } from "../src/cli/main.ts";
import { buildBundle, displayPath } from "../src/temporal/bundle.ts";

const USAGE = `Usage: deno task build [--out-dir DIR]

Bundles the workflow code into DIR/workflow-bundle.js and writes DIR/workflow-bundle.json with
the sha256 of the sources it was built from (the worker refuses a stale bundle).
  --out-dir DIR  output folder (default: dist/ of the project; the task may write only there)`;

await main("build", async () => {
  const { values } = parseFlags(Deno.args, { "out-dir": { type: "string" } }, USAGE);
  const built = await buildBundle({
    outDir: values["out-dir"],
    log: (l) => console.error(`build: ${l}`),
  });
  const m = built.manifest;
  console.error(
    `build: wrote ${displayPath(built.bundlePath)} (${(m.bundleBytes / 1024).toFixed(0)} KiB, ${
      Object.keys(m.files).length
    } source files, sources sha256 ${m.sourcesSha256.slice(0, 12)}) in ${built.ms} ms`,
  );
});
