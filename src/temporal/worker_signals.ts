/**
 * How a running worker hears that it should stop, and says what it is doing (used by
 * `worker.ts`): the stop and client-certificate rotation flags of one `runWorker` call with their
 * SIGINT/SIGTERM and `AbortSignal` listeners, the absorbing of a repeated signal during a drain,
 * a shutdown that waits for the worker to be RUNNING, and one log line per state change.
 *
 * @example
 * ```ts
 * import { WorkerRunState } from "./worker_signals.ts";
 * const state = new WorkerRunState();
 * state.listen({ signal: AbortSignal.timeout(1_000) }, 10_000, console.log);
 * // ... run worker generations (setting `state.worker`) while `!state.stopped` ...
 * state.close();
 * ```
 * @module
 */
import type { State, Worker } from "@temporalio/worker";
import type { TemporalConfig } from "../config/mod.ts";
import { delay } from "../core/delay.ts";
import { onStopSignals } from "../core/signals.ts";

/** How one `runWorker` call learns to stop and to recycle, across its worker generations. */
export class WorkerRunState {
  /** Set once SIGINT/SIGTERM or the abort signal asked to stop: no next generation. Default false. */
  stopped = false;
  /** The configuration with a changed client certificate, for the next generation. Default none. */
  rotated: TemporalConfig | undefined;
  /** The worker of the current generation once created (health and signal lines read it). */
  worker: Worker | undefined;
  #watch: ReturnType<typeof setInterval> | undefined;
  #unlisten: () => void = () => {};
  #unabsorb: () => void = () => {};
  readonly #stop = () => {
    this.stopped = true;
  };

  /**
   * Starts listening: an abort of `signal` sets {@link stopped}, and so do SIGINT/SIGTERM unless
   * `handleSignals` is false (default true); those signals are also logged, and repeated ones
   * absorbed (see {@link absorbRepeatedSignals}).
   */
  listen(
    options: { handleSignals?: boolean; signal?: AbortSignal },
    graceMs: number,
    log: (line: string) => void,
  ): void {
    const handle = options.handleSignals !== false;
    if (handle) this.#unabsorb = absorbRepeatedSignals(() => this.worker, graceMs, log);
    options.signal?.addEventListener("abort", this.#stop, { once: true });
    if (handle) this.#unlisten = onStopSignals(this.#stop);
  }

  /** Logs `worker`'s state changes from now on (see {@link watchState}), not the previous one's. */
  watch(worker: Worker, graceMs: number, log: (line: string) => void): void {
    this.unwatch();
    this.#watch = watchState(worker, graceMs, log);
  }

  /** Stops logging state changes. */
  unwatch(): void {
    if (this.#watch !== undefined) clearInterval(this.#watch);
  }

  /** Removes the signal listeners and the state watch (the once-only abort listener stays). */
  close(): void {
    this.#unlisten();
    this.unwatch();
    this.#unabsorb();
  }
}

const inFlight = (n: number) => `${n} activit${n === 1 ? "y" : "ies"} in flight`;

/**
 * The SDK Runtime handles the first SIGINT/SIGTERM (starts the drain) and then stops listening,
 * so a second signal (systemd and `deno task` may both deliver one) would kill the process and
 * abandon the activities in flight. While a worker runs, this keeps a listener: the first signal
 * is logged, later ones are logged and ignored (SIGKILL still stops at once). Returns the remover.
 */
export function absorbRepeatedSignals(
  worker: () => Worker | undefined,
  graceMs: number,
  log: (line: string) => void,
): () => void {
  let count = 0;
  return onStopSignals((sig) => {
    count++;
    const n = worker()?.getStatus().numInFlightActivities ?? 0;
    log(
      count === 1
        ? `${sig} received: draining (${inFlight(n)}, grace ${graceMs} ms)`
        : `${sig} again: still draining (${inFlight(n)}); SIGKILL stops at once`,
    );
  });
}

/**
 * `worker.shutdown()` throws unless the worker is RUNNING: a stop asked for before `run()` got
 * going waits for it; one asked for while already stopping is a no-op.
 */
export function shutdownWhenRunning(worker: Worker): void {
  const state = worker.getState();
  if (state === "INITIALIZED") setTimeout(() => shutdownWhenRunning(worker), 10);
  else if (state === "RUNNING") worker.shutdown();
}

/** Resolves once the worker is RUNNING, or has already left for a stopping state. */
export async function waitRunning(worker: Worker): Promise<void> {
  while (worker.getState() === "INITIALIZED") await delay(5);
}

/**
 * Logs each state change after RUNNING, with the activities still in flight, checking every
 * 50 ms. Returns the interval (clear it to stop).
 */
export function watchState(
  worker: Worker,
  graceMs: number,
  log: (line: string) => void,
): ReturnType<typeof setInterval> {
  let last: State = worker.getState();
  return setInterval(() => {
    const now = worker.getState();
    if (now === last) return;
    last = now;
    const n = worker.getStatus().numInFlightActivities;
    const detail = now === "STOPPING" || now === "DRAINING"
      ? ` (shutdown requested; ${inFlight(n)}, grace ${graceMs} ms)`
      : n
      ? ` (${inFlight(n)})`
      : "";
    log(`${now}${detail}`);
  }, 50);
}
