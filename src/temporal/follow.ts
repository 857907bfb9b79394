/**
 * What `deno task start` does around the workflow run: checks that a worker polls the task
 * queue before starting (and while waiting), shows one progress line with the elapsed time, and
 * on Ctrl-C stops waiting — the run goes on — and says how to follow it.
 *
 * @example
 * ```ts
 * import { requireWorker, waitFollowing } from "./follow.ts";
 * import { connectClient } from "../config/connect.ts";
 * import { loadConfig, requireValid } from "../config/mod.ts";
 * const cfg = requireValid(await loadConfig());
 * const { client } = await connectClient(cfg);
 * // Starts the workflow, calls onStarted(workflowId), and waits for its result.
 * declare function run(onStarted: (workflowId: string) => void): Promise<unknown>;
 * await requireWorker(client, cfg); // throws NoWorkerError (exit 2) when nobody polls
 * const outcome = await waitFollowing(client, cfg, (onStarted) => run(onStarted), {
 *   waitForWorker: false,
 * });
 * if (outcome.kind === "interrupted") Deno.exit(130);
 * ```
 * @module
 */
import type { Client } from "@temporalio/client";
import type { TemporalConfig } from "../config/mod.ts";
import { splitHostPort } from "../config/mod.ts";
import { FatalError } from "../core/exit.ts";
import { onStopSignals } from "../core/signals.ts";

/** `TASK_QUEUE_TYPE_WORKFLOW` of Temporal's API: the pollers that run workflow tasks. */
const TASK_QUEUE_TYPE_WORKFLOW = 1;
/** `TASK_QUEUE_KIND_NORMAL`. */
const TASK_QUEUE_KIND_NORMAL = 1;
/**
 * A poller seen longer ago than this no longer counts. A live worker re-polls at least every
 * ~70 s (the server's long-poll timeout), and the server lists a gone poller for minutes.
 */
const POLLER_FRESH_MS = 90_000;

/** No worker polls the task queue: the run would wait for nothing. Exit code 2. */
export class NoWorkerError extends FatalError {
  override name = "NoWorkerError";
  /** Exit code 2, the connection class. */
  constructor(cfg: Pick<TemporalConfig, "taskQueue" | "address" | "namespace">) {
    super(noWorkerMessage(cfg), 2);
  }
}

/** `no worker is polling <queue> on <address>/<namespace> — run \`deno task worker\``. */
export function noWorkerMessage(
  cfg: Pick<TemporalConfig, "taskQueue" | "address" | "namespace">,
): string {
  return `no worker is polling ${cfg.taskQueue} on ${cfg.address}/${cfg.namespace} — run \`deno task worker\``;
}

/** Number of workers that polled `cfg.taskQueue` for workflow tasks recently. */
export async function countPollers(client: Client, cfg: TemporalConfig): Promise<number> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: cfg.namespace,
    taskQueue: { name: cfg.taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  const now = Date.now();
  return (res.pollers ?? []).filter((p) => {
    const t = p.lastAccessTime;
    if (!t?.seconds) return true;
    const ms = Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
    return now - ms < POLLER_FRESH_MS;
  }).length;
}

/** Throws {@link NoWorkerError} unless a worker polls `cfg.taskQueue`. */
export async function requireWorker(client: Client, cfg: TemporalConfig): Promise<void> {
  if ((await countPollers(client, cfg)) === 0) throw new NoWorkerError(cfg);
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * How to follow a run from elsewhere: a `temporal workflow show` command with the address and
 * namespace when they are not the CLI's defaults, and the Web UI link of a local dev server
 * (its UI port is the gRPC port + 1000, as `temporal server start-dev` and `deno task dev` use).
 */
export function followLines(cfg: TemporalConfig, workflowId: string): string[] {
  const hp = splitHostPort(cfg.address);
  const flags = [
    ...(cfg.address !== "localhost:7233" ? [`--address ${cfg.address}`] : []),
    ...(cfg.namespace !== "default" ? [`--namespace ${cfg.namespace}`] : []),
    ...(cfg.tlsEnabled ? ["--tls"] : []),
  ];
  const lines = [
    `follow it: temporal workflow show -w ${workflowId}${flags.map((f) => ` ${f}`).join("")}`,
  ];
  if (hp && LOCAL_HOSTS.has(hp.host) && !cfg.tlsEnabled && hp.port + 1000 <= 65535) {
    lines.push(
      `Web UI (dev server): http://localhost:${hp.port + 1000}/namespaces/${
        encodeURIComponent(cfg.namespace)
      }/workflows/${encodeURIComponent(workflowId)}`,
    );
  }
  return lines;
}

/** Options of {@link waitFollowing}. */
export interface FollowOptions {
  /** Keep waiting when no worker polls (a worker may come later). Default false: give up. */
  waitForWorker?: boolean;
  /** Whether a worker polled before the start (from {@link countPollers}). Default true. */
  polling?: boolean;
  /** How often pollers are checked while waiting. Default 2000 ms. */
  checkEveryMs?: number;
  /** Where progress lines go. Default: stderr (rewritten in place on a terminal). */
  progress?: ProgressLine;
  /** Name in front of lines. Default `"start"`. */
  task?: string;
}

/** How {@link waitFollowing} ended. */
export type FollowOutcome<T> =
  | { kind: "done"; value: T }
  | { kind: "interrupted"; workflowId?: string; signal: Deno.Signal }
  | { kind: "no worker"; workflowId: string };

/** One progress line: on a terminal rewritten in place; otherwise printed when it changes. */
export interface ProgressLine {
  /** Shows `text`; `key` is the part that, when changed, makes a new line where not a terminal. */
  show(key: string, text: string): void;
  /** Ends the progress line (so that what follows starts on a fresh line). */
  end(): void;
}

/** A {@link ProgressLine} on stderr. */
export function stderrProgress(): ProgressLine {
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  let lastKey: string | undefined;
  let open = false;
  return {
    show(key, text) {
      if (tty) {
        Deno.stderr.writeSync(enc.encode(`\r\x1b[2K${text}`));
        open = true;
      } else if (key !== lastKey) {
        console.error(text);
      }
      lastKey = key;
    },
    end() {
      if (open) Deno.stderr.writeSync(enc.encode("\n"));
      open = false;
    },
  };
}

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Shows the waiting line: the run and its elapsed time, or that no worker polls. */
function showWaiting(
  progress: ProgressLine,
  task: string,
  cfg: TemporalConfig,
  workflowId: string,
  startedAt: number,
  polling: boolean,
): void {
  const elapsed = secs(Date.now() - startedAt);
  if (polling) {
    progress.show("run", `${task}: waiting for ${workflowId} on ${cfg.taskQueue} (${elapsed})`);
  } else {
    progress.show(
      "no worker",
      `${task}: ${noWorkerMessage(cfg)}; ${workflowId} waits for one (${elapsed})`,
    );
  }
}

/**
 * Runs `run` (which starts the workflow, calls `onStarted(id)`, and resolves with the result)
 * while watching: one progress line with the elapsed time; every `checkEveryMs` a poller check
 * (with none, and without `waitForWorker`, it stops waiting: `"no worker"`); SIGINT/SIGTERM stop
 * waiting (`"interrupted"`). The run itself is never cancelled: it goes on on the server.
 */
export async function waitFollowing<T>(
  client: Client,
  cfg: TemporalConfig,
  run: (onStarted: (workflowId: string) => void) => Promise<T>,
  options: FollowOptions = {},
): Promise<FollowOutcome<T>> {
  const progress = options.progress ?? stderrProgress();
  const task = options.task ?? "start";
  const every = options.checkEveryMs ?? 2000;
  let workflowId: string | undefined;
  let startedAt = 0;
  let polling = options.polling ?? true;
  let stop!: (o: FollowOutcome<T>) => void;
  const stopped = new Promise<FollowOutcome<T>>((r) => (stop = r));
  const unlisten = onStopSignals((signal) => stop({ kind: "interrupted", workflowId, signal }));
  const render = () => {
    if (workflowId) showWaiting(progress, task, cfg, workflowId, startedAt, polling);
  };
  let checking = false;
  const tick = setInterval(async () => {
    render();
    if (!workflowId || checking || Date.now() - lastCheck < every) return;
    checking = true;
    lastCheck = Date.now();
    try {
      polling = (await countPollers(client, cfg)) > 0;
      if (!polling && !options.waitForWorker) stop({ kind: "no worker", workflowId });
      render();
    } catch {
      /* a failed check is not a verdict; the result wait reports real errors */
    } finally {
      checking = false;
    }
  }, 1000);
  let lastCheck = Date.now();
  const running = run((id) => {
    workflowId = id;
    startedAt = Date.now();
    lastCheck = startedAt;
    render();
  }).then((value): FollowOutcome<T> => ({ kind: "done", value }));
  // Once we stop waiting the result promise may still reject (connection closed): not an error.
  running.catch(() => {});
  try {
    return await Promise.race([running, stopped]);
  } finally {
    clearInterval(tick);
    progress.end();
    unlisten();
  }
}
