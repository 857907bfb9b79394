/**
 * `deno task bench-startup`: measures how long `deno task worker` takes to reach RUNNING with a
 * prebuilt workflow bundle and when bundling at start. Starts its own dev server on a free port,
 * builds a bundle into a temp folder, then spawns the worker (`deno run` with the worker task's
 * permissions from deno.json) N times per mode, alternating, timing spawn → `worker: RUNNING`.
 * A measurement script, not a test.
 *
 * @example
 * ```sh
 * deno task bench-startup            # 5 runs per mode
 * deno task bench-startup --runs 10 --json
 * ```
 * @module
 */
import { join } from "node:path";
import { main, parseFlags, UsageError } from "../src/cli/main.ts";
import { buildBundle, PROJECT_ROOT } from "../src/temporal/bundle.ts";
import { startDevServer } from "../src/temporal/dev_server.ts";
import { taskRunArgs } from "../src/ops/tasks.ts";

const USAGE = `Usage: deno task bench-startup [--runs N] [--json]

Times \`deno task worker\` from spawn to "worker: RUNNING", with a prebuilt bundle and with
bundling at start, against a dev server it starts itself.
  --runs N  runs per mode (default 5)
  --json    print the measurements as JSON`;

/** One measured start. */
interface Sample {
  mode: "prebuilt" | "bundled at start";
  /** Spawn → RUNNING line, as an operator sees it (includes Deno start and module loading). */
  wallMs: number;
  /** The worker's own "ready in N ms" (config loaded → polling). */
  readyMs: number;
}

async function timeOne(
  mode: Sample["mode"],
  runArgs: string[],
  workerArgs: string[],
  env: Record<string, string>,
): Promise<Sample> {
  const t0 = performance.now();
  const child = new Deno.Command("deno", {
    args: [...runArgs, ...workerArgs],
    cwd: PROJECT_ROOT,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  let wallMs: number | undefined;
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (wallMs === undefined) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`worker exited before RUNNING:\n${text}`);
      text += value;
      if (/worker: RUNNING.*\n/.test(text)) wallMs = performance.now() - t0;
    }
  } finally {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    reader.cancel().catch(() => {});
    await child.status;
  }
  const ready = /\(ready in (\d+) ms\)/.exec(text);
  return { mode, wallMs: Math.round(wallMs), readyMs: ready ? Number(ready[1]) : NaN };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: Math.round(median), min: s[0], max: s[s.length - 1] };
}

await main("bench-startup", async () => {
  const { values } = parseFlags(Deno.args, {
    runs: { type: "string" },
    json: { type: "boolean" },
  }, USAGE);
  const runs = values.runs === undefined ? 5 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new UsageError(`--runs must be a positive integer, got "${values.runs}"`);
  }
  const runArgs = await taskRunArgs("worker");
  const tmp = await Deno.makeTempDir({ prefix: "atg-bench-" });
  await using server = await startDevServer();
  try {
    const built = await buildBundle({ outDir: tmp });
    console.error(`bench-startup: bundle built in ${built.ms} ms; dev server ${server.address}`);
    const env = {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? tmp,
      NO_COLOR: "1",
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `bench-${crypto.randomUUID().slice(0, 8)}`,
    };
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      for (
        const [mode, args] of [
          ["bundled at start", ["--no-bundle"]],
          ["prebuilt", ["--bundle", join(tmp, "workflow-bundle.js")]],
        ] as const
      ) {
        const s = await timeOne(mode, runArgs, [...args], env);
        samples.push(s);
        console.error(
          `bench-startup: run ${
            i + 1
          } ${mode}: RUNNING after ${s.wallMs} ms (ready in ${s.readyMs} ms)`,
        );
      }
    }
    const summary = (["bundled at start", "prebuilt"] as const).map((mode) => {
      const mine = samples.filter((s) => s.mode === mode);
      return {
        mode,
        runs: mine.length,
        wall: stats(mine.map((s) => s.wallMs)),
        ready: stats(mine.map((s) => s.readyMs)),
      };
    });
    if (values.json) {
      console.log(JSON.stringify({ deno: Deno.version.deno, samples, summary }, null, 2));
    } else {
      console.log(
        `worker start → RUNNING, ${runs} runs each (Deno ${Deno.version.deno}, ${Deno.build.target})`,
      );
      console.log(
        "| workflows | spawn → RUNNING median (min–max) | worker's own ready-in median (min–max) |",
      );
      console.log("|---|---|---|");
      for (const s of summary) {
        console.log(
          `| ${s.mode} | ${s.wall.median} ms (${s.wall.min}–${s.wall.max}) | ${s.ready.median} ms (${s.ready.min}–${s.ready.max}) |`,
        );
      }
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
