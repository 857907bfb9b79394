/**
 * The worker comparison of `deno task bench` (issue 19): the same minimal workflow + activity
 * worker (`bench/minimal/`) under Node and under Deno, on the same `@temporalio` SDK from the
 * project's `node_modules`, beside the project worker (`tasks/worker.ts` with a prebuilt bundle,
 * running `FoodTruckWorkflow` on one fixture venue). Samples are interleaved (each round starts
 * every kind once, in a rotating order) and summarised by medians.
 *
 * Per sample: cold start (spawn → the worker's RUNNING line), idle RSS (VmRSS 2 s after
 * RUNNING), `runs` sequential workflow runs (runs/s, worker CPU per run from `/proc/<pid>/stat` of
 * the worker's process tree), peak RSS (VmHWM after the runs).
 *
 * @example
 * ```ts ignore
 * import { compareWorkers, minimalWorkerKinds } from "./workers.ts";
 * const kinds = await minimalWorkerKinds({ address, client, bundlePath, root });
 * const result = await compareWorkers(kinds, { rounds: 3, runs: 200, extraColdStarts: 2 });
 * console.log(result.map((k) => `${k.name}: ${k.runsPerSecond} runs/s`).join("\n"));
 * ```
 * @module
 */
import { bundleWorkflowCode } from "@temporalio/worker";
import type { Client } from "@temporalio/client";
import { childEnv, spawnWatched } from "../tests/harness/child.ts";
import type { WatchedChild } from "../tests/harness/child.ts";

/** The project folder (children run there, so Deno finds deno.json and its import map). */
export const ROOT: string = new URL("../", import.meta.url).pathname;

/**
 * The dev server's dynamic config that lifts its ~10 runs/s ceiling (its transfer-queue polling):
 * `--dynamic-config-value history.transferProcessorMaxPollRPS=1000`.
 */
export const RAISED_POLL_LIMIT: Record<string, number> = {
  "history.transferProcessorMaxPollRPS": 1000,
};

/** {@link RAISED_POLL_LIMIT} as the server's command-line flag, for reports. */
export const RAISED_POLL_FLAG: string = Object.entries(RAISED_POLL_LIMIT)
  .map(([key, value]) => `--dynamic-config-value ${key}=${value}`).join(" ");

/** Path of the minimal worker that runs under both Node and Deno. */
export const MINIMAL_WORKER: string = new URL("./minimal/worker.mjs", import.meta.url).pathname;
/** Path of the minimal workflow (bundled once, the bundle shared by both runtimes). */
export const MINIMAL_WORKFLOWS: string =
  new URL("./minimal/workflows.mjs", import.meta.url).pathname;
/** The Deno permissions of the minimal worker (what a worker process needs, nothing more). */
export const MINIMAL_DENO_FLAGS: string[] = [
  "--allow-env",
  "--allow-read",
  "--allow-ffi",
  "--allow-sys",
  "--allow-net",
];

/** A worker to measure: how to start it, how to see it is polling, one workflow run. */
export interface WorkerKind {
  /** Label in the results table. */
  name: string;
  /** Starts the worker on `taskQueue`. */
  start(taskQueue: string): Promise<WatchedChild>;
  /** Matches the worker's output once it polls. */
  ready: RegExp;
  /** Runs one workflow on `taskQueue` and waits for its result; throws on a wrong result. */
  runOnce(taskQueue: string): Promise<void>;
}

/** One sample of one worker kind. */
export interface WorkerSample {
  coldMs: number;
  idleRssMiB: number;
  peakRssMiB: number;
  runsPerSecond: number;
  cpuMsPerRun: number;
}

/** Medians over the samples of one kind. */
export interface WorkerFigures {
  name: string;
  /** Median cold start over all starts (samples plus the extra cold starts). */
  coldMs: number;
  coldStarts: number;
  idleRssMiB: number;
  peakRssMiB: number;
  runsPerSecond: number;
  cpuMsPerRun: number;
  samples: WorkerSample[];
}

/** Options of {@link compareWorkers}. */
export interface CompareOptions {
  /** Rounds; each starts every kind once for a full sample. Default 3. */
  rounds?: number;
  /** Sequential workflow runs per sample (after 3 warm-up runs). Default 200. */
  runs?: number;
  /** Extra start → RUNNING → stop measurements per kind and round. Default 2. */
  extraColdStarts?: number;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/** The median of `xs` (NaN when empty). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Reads a /proc file through `cat`: Deno allows direct reads of /proc only with --allow-all. */
export async function readProc(path: string): Promise<string> {
  const out = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
    .output();
  if (!out.success) throw new Error(`cannot read ${path}`);
  return new TextDecoder().decode(out.stdout);
}

/** VmRSS and VmHWM of a process in MiB. */
export async function rssMiB(pid: number): Promise<{ rss: number; hwm: number }> {
  const s = await readProc(`/proc/${pid}/status`);
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s*(\\d+)`, "m").exec(s)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

let clockTicks: Promise<number> | undefined;

/**
 * CPU time (user + system, all threads) in ms of process `pid` and its descendants, from
 * `/proc/<pid>/stat` of every process (so a `deno task` layer counts with its child).
 */
export async function treeCpuMs(pid: number): Promise<number> {
  clockTicks ??= new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output()
    .then((o) => Number(new TextDecoder().decode(o.stdout).trim()) || 100, () => 100);
  const hz = await clockTicks;
  // One `cat` of every /proc/N/stat; processes that vanish meanwhile are skipped (cat says so on
  // stderr and exits non-zero, the rest of the output is fine).
  const out = await new Deno.Command("sh", {
    args: ["-c", "cat /proc/[0-9]*/stat"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const close = line.lastIndexOf(")"); // the command name may contain spaces and parentheses
    if (close < 0) continue;
    const f = line.slice(close + 2).split(" "); // f[0] = field 3 (state)
    procs.set(Number(line.slice(0, line.indexOf(" "))), {
      ppid: Number(f[1]),
      ticks: Number(f[11]) + Number(f[12]), // fields 14 utime, 15 stime
    });
  }
  if (!procs.has(pid)) throw new Error(`process ${pid} is gone`);
  let ticks = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    ticks += procs.get(p)?.ticks ?? 0;
    for (const [child, info] of procs) if (info.ppid === p) todo.push(child);
  }
  return (ticks * 1000) / hz;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `kind` and waits until it polls; returns the child and the time it took. */
async function startTimed(
  kind: WorkerKind,
  taskQueue: string,
): Promise<{ child: WatchedChild; ms: number }> {
  const t = performance.now();
  const child = await kind.start(taskQueue);
  try {
    await child.waitFor(kind.ready, 60_000);
  } catch (err) {
    await child.stop("SIGKILL");
    throw err;
  }
  return { child, ms: performance.now() - t };
}

/** One full sample of `kind` (see the module doc). */
async function sample(kind: WorkerKind, runs: number): Promise<WorkerSample> {
  const queue = `bench-${kind.name.replace(/\W+/g, "-")}-${crypto.randomUUID().slice(0, 8)}`;
  const { child, ms } = await startTimed(kind, queue);
  let result: WorkerSample | undefined;
  try {
    await sleep(2000);
    const idle = await rssMiB(child.pid);
    for (let i = 0; i < 3; i++) await kind.runOnce(queue);
    const cpu0 = await treeCpuMs(child.pid);
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await kind.runOnce(queue);
    const elapsed = performance.now() - t0;
    const cpu1 = await treeCpuMs(child.pid);
    const after = await rssMiB(child.pid);
    result = {
      coldMs: ms,
      idleRssMiB: idle.rss,
      peakRssMiB: after.hwm,
      runsPerSecond: runs / (elapsed / 1000),
      cpuMsPerRun: (cpu1 - cpu0) / runs,
    };
  } finally {
    const code = await child.stop("SIGTERM", 15_000);
    if (result && code !== 0) {
      result = undefined;
      console.error(`${kind.name} exited ${code}:\n${child.output().slice(-2000)}`);
    }
  }
  if (!result) throw new Error(`${kind.name} did not stop cleanly (see above)`);
  return result;
}

/**
 * Measures every kind, interleaved: per round, each kind (in an order rotated by one each
 * round) gets `extraColdStarts` start → RUNNING → stop measurements, then one full sample.
 */
export async function compareWorkers(
  kinds: WorkerKind[],
  options: CompareOptions = {},
): Promise<WorkerFigures[]> {
  const rounds = options.rounds ?? 3;
  const runs = options.runs ?? 200;
  const extra = options.extraColdStarts ?? 2;
  const log = options.log ?? (() => {});
  const samples = new Map(kinds.map((k) => [k.name, [] as WorkerSample[]]));
  const colds = new Map(kinds.map((k) => [k.name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]);
    for (const kind of order) {
      for (let i = 0; i < extra; i++) {
        const { child, ms } = await startTimed(kind, `bench-cold-${crypto.randomUUID()}`);
        await child.stop("SIGTERM", 15_000);
        colds.get(kind.name)!.push(ms);
      }
      const s = await sample(kind, runs);
      samples.get(kind.name)!.push(s);
      colds.get(kind.name)!.push(s.coldMs);
      log(
        `round ${round + 1}/${rounds} ${kind.name}: start ${s.coldMs.toFixed(0)} ms, idle ${
          s.idleRssMiB.toFixed(0)
        } MiB, peak ${s.peakRssMiB.toFixed(0)} MiB, ${s.runsPerSecond.toFixed(1)} runs/s, ${
          s.cpuMsPerRun.toFixed(1)
        } ms CPU/run`,
      );
    }
  }
  return kinds.map((k) => {
    const ss = samples.get(k.name)!;
    const cs = colds.get(k.name)!;
    return {
      name: k.name,
      coldMs: median(cs),
      coldStarts: cs.length,
      idleRssMiB: median(ss.map((s) => s.idleRssMiB)),
      peakRssMiB: median(ss.map((s) => s.peakRssMiB)),
      runsPerSecond: median(ss.map((s) => s.runsPerSecond)),
      cpuMsPerRun: median(ss.map((s) => s.cpuMsPerRun)),
      samples: ss,
    };
  });
}

/** Bundles the minimal workflow once into `outPath` (shared by the Node and the Deno worker). */
export async function buildMinimalBundle(outPath: string): Promise<string> {
  const quiet = () => {};
  const { code } = await bundleWorkflowCode({
    workflowsPath: MINIMAL_WORKFLOWS,
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  await Deno.writeTextFile(outPath, code);
  return outPath;
}

/** Options of {@link minimalWorkerKinds}. */
export interface MinimalKindsOptions {
  /** The Temporal server, `host:port`. */
  address: string;
  /** A client of that server (namespace `default`). */
  client: Client;
  /** The prebuilt bundle of the minimal workflow ({@link buildMinimalBundle}). */
  bundlePath: string;
  /** The `node` executable. Default `node` (on PATH). */
  node?: string;
}

/** The minimal worker under Node and under Deno, same file, same SDK, same bundle. */
export function minimalWorkerKinds(options: MinimalKindsOptions): WorkerKind[] {
  const env = (taskQueue: string) =>
    childEnv({
      BENCH_ADDRESS: options.address,
      BENCH_TASK_QUEUE: taskQueue,
      BENCH_BUNDLE: options.bundlePath,
    });
  const runOnce = async (taskQueue: string) => {
    const r = await options.client.workflow.execute("minimalWorkflow", {
      taskQueue,
      workflowId: `bench-minimal-${crypto.randomUUID()}`,
      args: ["bench"],
    });
    if (r !== "Hello, bench!") throw new Error(`minimal workflow returned ${JSON.stringify(r)}`);
  };
  const ready = /minimal: RUNNING/;
  return [
    {
      name: "Node minimal",
      ready,
      runOnce,
      start: async (q) =>
        spawnWatched([MINIMAL_WORKER], {
          command: options.node ?? "node",
          cwd: ROOT,
          env: await env(q),
          name: "node minimal worker",
        }),
    },
    {
      name: "Deno minimal",
      ready,
      runOnce,
      start: async (q) =>
        spawnWatched(["run", ...MINIMAL_DENO_FLAGS, MINIMAL_WORKER], {
          cwd: ROOT,
          env: await env(q),
          name: "deno minimal worker",
        }),
    },
  ];
}
