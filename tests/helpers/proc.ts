/**
 * Runs the project's Deno tasks as subprocesses, the way users run them (`deno task <name>`),
 * with a clean environment: only PATH, a throw-away HOME, and the variables a test passes.
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

/** Output of a finished task. */
export interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

let home: string | undefined;
async function cleanHome(): Promise<string> {
  home ??= await Deno.makeTempDir({ prefix: "atg-home-" });
  return home;
}

async function baseEnv(env: Record<string, string>): Promise<Record<string, string>> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: await cleanHome(),
    NO_COLOR: "1",
    // Keep Deno's own cache (npm metadata, compiled modules) although HOME is a fresh folder.
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`,
    ...env,
  };
}

/** Runs `deno task <task> ...args` to completion. */
export async function runTask(
  task: string,
  args: string[] = [],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<TaskOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "--config", `${ROOT}deno.json`, task, ...args],
    cwd: options.cwd ?? ROOT,
    env: await baseEnv(options.env ?? {}),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A long-running task (a worker). */
export interface RunningTask extends AsyncDisposable {
  /** Everything written to stderr and stdout so far. */
  output(): string;
  /** Resolves when the output matches `re`; rejects after `timeoutMs` or if the task exits. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  status: Promise<Deno.CommandStatus>;
  pid: number;
}

/** Spawns `deno task <task> ...args` and collects its output. */
export async function spawnTask(
  task: string,
  args: string[] = [],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunningTask> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "--config", `${ROOT}deno.json`, task, ...args],
    cwd: options.cwd ?? ROOT,
    env: await baseEnv(options.env ?? {}),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s.pipeThrough(new TextDecoderStream())) text += c;
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]).catch(() => {});
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await pumps;
    return s;
  });
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (!exited) {
      // deno task runs the script as a child: signal the whole process group is not possible
      // here, so signal the task process; it forwards to its child.
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    }
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 20_000);
    const s = await status;
    clearTimeout(killer);
    return s.code;
  };
  return {
    pid: child.pid,
    output: () => text,
    status,
    stop,
    async waitFor(re, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(text)) {
        if (exited) throw new Error(`task ${task} exited before printing ${re}:\n${text}`);
        if (Date.now() > deadline) {
          throw new Error(`task ${task} did not print ${re} in ${timeoutMs} ms:\n${text}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    [Symbol.asyncDispose]: async () => {
      await stop("SIGTERM");
    },
  };
}
