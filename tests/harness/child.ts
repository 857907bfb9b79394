/**
 * Child Deno processes for the tests, the drills and the benchmarks: a clean environment,
 * stdout and stderr collected into one string, waiting until the output matches, and stopping
 * with a signal, then SIGKILL if the child outlives a grace period.
 *
 * @example
 * ```ts
 * import { childEnv, spawnWatched } from "./child.ts";
 * await using worker = spawnWatched(["run", "-A", "tasks/worker.ts"], {
 *   env: await childEnv({ TEMPORAL_ADDRESS: "127.0.0.1:7233" }),
 *   name: "worker",
 * });
 * await worker.waitFor(/worker: RUNNING/); // rejects if the worker exits first
 * const code = await worker.stop(); // SIGTERM, SIGKILL after 20 s
 * ```
 * @module
 */

let home: Promise<string> | undefined;

/** Options of {@link childEnv}. */
export interface ChildEnvOptions {
  /** HOME of the child. Default: a throw-away folder (`atg-home-*`) made once per process. */
  home?: string;
}

/**
 * A clean environment for a child (use with `clearEnv`): PATH (default `/usr/bin:/bin`), HOME
 * (see {@link ChildEnvOptions.home}), `NO_COLOR=1`, DENO_DIR (default `$HOME/.cache/deno` of
 * this process, so Deno's cache is kept although HOME is a fresh folder), then `extra`.
 */
export async function childEnv(
  extra: Record<string, string> = {},
  options: ChildEnvOptions = {},
): Promise<Record<string, string>> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: options.home ?? await (home ??= Deno.makeTempDir({ prefix: "atg-home-" })),
    NO_COLOR: "1",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`,
    ...extra,
  };
}

/** Options of {@link spawnWatched}. */
export interface SpawnWatchedOptions {
  /** The whole environment of the child (nothing is inherited); see {@link childEnv}. */
  env: Record<string, string>;
  /** Working folder. Default: this process's. */
  cwd?: string;
  /** What to call the child in error messages. Default `"child"`. */
  name?: string;
  /** The executable to run instead of Deno (e.g. `node`). Default: this process's Deno. */
  command?: string;
}

/** A running child started by {@link spawnWatched}. Disposing it calls `stop()`. */
export interface WatchedChild extends AsyncDisposable {
  /** Process id of the child. */
  readonly pid: number;
  /** Everything written to stdout and stderr so far (interleaved as it arrived). */
  output(): string;
  /**
   * Resolves as soon as the output matches `re`; rejects if the child exits first, or after
   * `timeoutMs` (default 60000), with the output so far in the message.
   */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` unless the child has exited. */
  kill(signal: Deno.Signal): void;
  /**
   * Sends `signal` (default SIGTERM), then SIGKILL if the child still runs after `forceAfterMs`
   * (default 20000); resolves with the exit code once the child is gone and its output is read.
   */
  stop(signal?: Deno.Signal, forceAfterMs?: number): Promise<number>;
  /** Resolves when the child has exited and all its output has been read. */
  readonly status: Promise<Deno.CommandStatus>;
}

/**
 * Spawns `deno <args>` (this process's Deno executable, or `options.command`) with exactly
 * `options.env`, stdin closed, and stdout and stderr collected.
 */
export function spawnWatched(args: string[], options: SpawnWatchedOptions): WatchedChild {
  const name = options.name ?? "child";
  const child = new Deno.Command(options.command ?? Deno.execPath(), {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let gone = false; // the process has exited
  let done = false; // ... and its output has been read to the end
  // Resolved (and replaced) whenever output arrives or the child is done.
  let notify!: () => void;
  let changed = new Promise<void>((r) => notify = r);
  const bump = () => {
    const n = notify;
    changed = new Promise<void>((r) => notify = r);
    n();
  };
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s.pipeThrough(new TextDecoderStream())) {
      text += c;
      bump();
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]).catch(() => {});
  const status = child.status.then(async (s) => {
    gone = true;
    await pumps;
    done = true;
    bump();
    return s;
  });
  const kill = (signal: Deno.Signal) => {
    if (gone) return;
    try {
      child.kill(signal);
    } catch { /* already gone */ }
  };
  const stop = async (signal: Deno.Signal = "SIGTERM", forceAfterMs = 20_000) => {
    kill(signal);
    const killer = setTimeout(() => kill("SIGKILL"), forceAfterMs);
    try {
      return (await status).code;
    } finally {
      clearTimeout(killer);
    }
  };
  return {
    pid: child.pid,
    output: () => text,
    status,
    kill,
    stop,
    async waitFor(re, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(text)) {
        if (done) throw new Error(`${name} exited before printing ${re}:\n${text}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${name} did not print ${re} in ${timeoutMs} ms:\n${text}`);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([changed, new Promise((r) => timer = setTimeout(r, left))]);
        clearTimeout(timer);
      }
    },
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}
