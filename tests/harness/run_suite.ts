/**
 * The suite runner behind `deno task test`: every test file in its own `deno test` process,
 * a few at a time, with one summary at the end.
 *
 * Why not `deno test --parallel`: that runs test files as isolates (threads) of ONE process,
 * and the Temporal SDK's native module (`@temporalio/core-bridge`, loaded by every file that
 * runs a worker or replays a history in-process) is, most likely, not safe to load and tear down
 * in several isolates at once: CI's `--parallel` run died with SIGSEGV (exit 139) mid-suite. One process per file gives each
 * file its own copy of the native module, and a crash fails that file only, by name.
 *
 * The files are type-checked once (`deno check`), then run with `--no-check`. Each file's
 * output is printed in one piece when the file ends, so files never interleave; the last line
 * has `deno test`'s own summary shape (`ok | N passed | M failed | K ignored (T)`), summed.
 *
 * @example
 * ```sh
 * deno task test                                 # the whole suite, one process per core
 * deno task test tests/config/ tests/time_test.ts   # some folders or files
 * DENO_JOBS=1 deno task test                     # one file at a time
 * ```
 *
 * Arguments starting with `-` go to every `deno test` (e.g. the permission flags, `--filter`);
 * the rest are files or folders (default `tests/`). `--no-check` skips the type-check.
 * Environment: `DENO_JOBS` (default: the number of cores) files at once,
 * `TEST_FILE_TIMEOUT_S` (default 600) before a file's process is killed and counted as failed.
 *
 * @module
 */

/** A test file's outcome. */
export interface FileResult {
  /** The file, as given to `deno test`. */
  file: string;
  /** Tests passed, failed and ignored, from the file's summary line (0 when there was none). */
  passed: number;
  failed: number;
  ignored: number;
  /** Exit code, or `null` when the process ended by a signal. */
  code: number | null;
  /** The signal that ended the process, if any (e.g. `"SIGSEGV"`); `"timeout"` when killed by us. */
  signal: string | null;
  /** Wall time in milliseconds. */
  ms: number;
  /** Everything the process printed, stdout then stderr. */
  output: string;
}

/** The name patterns `deno test` uses for test files: `*_test.ts`, `*.test.ts`, `test.ts` (and js/tsx…). */
const TEST_FILE = /(^|[._])test\.(ts|tsx|mts|js|mjs|jsx)$/;

/**
 * The test files under `paths` (files are taken as given, folders walked), sorted largest first
 * so the long files start early and the short ones fill the gaps. Skips `fixtures` folders and
 * dot-folders.
 */
export async function collectTestFiles(paths: string[]): Promise<string[]> {
  const found = new Map<string, number>();
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir.replace(/\/$/, "")}/${entry.name}`;
      if (entry.isDirectory) {
        if (entry.name === "fixtures" || entry.name.startsWith(".")) continue;
        await walk(path);
      } else if (entry.isFile && TEST_FILE.test(entry.name)) {
        found.set(path, (await Deno.stat(path)).size);
      }
    }
  }
  for (const path of paths) {
    const info = await Deno.stat(path);
    if (info.isDirectory) await walk(path);
    else found.set(path, info.size);
  }
  return [...found].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([f]) => f);
}

/** The counts from `deno test`'s last summary line in `output` (zeros when there is none). */
export function parseSummary(output: string): { passed: number; failed: number; ignored: number } {
  // deno-lint-ignore no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const lines = plain.split("\n").filter((l) => /^(ok|FAILED) \| \d+ passed/.test(l));
  const last = lines.at(-1) ?? "";
  const count = (word: string) => Number(last.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  return { passed: count("passed"), failed: count("failed"), ignored: count("ignored") };
}

/** Whether a file's run counts as a failure: a failed test, a non-zero exit, a signal or a timeout. */
export function fileFailed(r: FileResult): boolean {
  return r.failed > 0 || r.code !== 0 || r.signal !== null;
}

/** Runs one test file in its own process; never throws for the file's own failures. */
export async function runFile(
  file: string,
  denoArgs: string[],
  timeoutMs: number,
): Promise<FileResult> {
  const started = performance.now();
  const child = new Deno.Command("deno", {
    args: ["test", ...denoArgs, file],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, timeoutMs);
  const [out, err, status] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.status,
  ]);
  clearTimeout(timer);
  const output = out + err;
  return {
    file,
    ...parseSummary(output),
    code: status.signal === null ? status.code : null,
    signal: timedOut ? "timeout" : status.signal,
    ms: performance.now() - started,
    output,
  };
}

/** Runs `files` with at most `jobs` processes at once; `onDone` sees each result as it ends. */
export async function runAll(
  files: string[],
  denoArgs: string[],
  opts: { jobs: number; timeoutMs: number; onDone?: (r: FileResult) => void },
): Promise<FileResult[]> {
  const queue = [...files];
  const results: FileResult[] = [];
  const lane = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const r = await runFile(file, denoArgs, opts.timeoutMs);
      results.push(r);
      opts.onDone?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, lane));
  return results;
}

/** The closing lines: each failed file with why, then the summed `ok|FAILED | …` line. */
export function summarize(results: FileResult[], ms: number): string {
  const sum = (k: "passed" | "failed" | "ignored") => results.reduce((n, r) => n + r[k], 0);
  const bad = results.filter(fileFailed);
  const lines = bad.map((r) => {
    const why = r.signal === "timeout"
      ? "killed after the file timeout"
      : r.signal
      ? `crashed with ${r.signal}`
      : r.failed > 0
      ? `${r.failed} failed`
      : `exit ${r.code}`;
    return `  ${r.file}: ${why}`;
  });
  const head = bad.length ? [`${bad.length} of ${results.length} test files failed:`] : [];
  const verdict = bad.length ? "FAILED" : "ok";
  const extra = bad.length - bad.filter((r) => r.failed > 0).length;
  const failed = sum("failed") + extra; // a crashed file counts at least once
  return [
    ...head,
    ...lines,
    `${verdict} | ${sum("passed")} passed | ${failed} failed | ${sum("ignored")} ignored ` +
    `(${results.length} files, ${Math.round(ms / 1000)}s)`,
  ].join("\n");
}

if (import.meta.main) {
  const flags = Deno.args.filter((a) => a.startsWith("-"));
  const paths = Deno.args.filter((a) => !a.startsWith("-"));
  const noCheck = flags.includes("--no-check");
  const denoArgs = ["--no-check", ...flags.filter((f) => f !== "--no-check")];
  const jobs = Number(Deno.env.get("DENO_JOBS") || navigator.hardwareConcurrency || 2);
  const timeoutMs = 1000 * Number(Deno.env.get("TEST_FILE_TIMEOUT_S") || 600);
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(
      `DENO_JOBS must be a whole number of at least 1, got "${Deno.env.get("DENO_JOBS")}"`,
    );
    Deno.exit(1);
  }
  if (!(timeoutMs > 0)) {
    console.error(`TEST_FILE_TIMEOUT_S must be a positive number of seconds`);
    Deno.exit(1);
  }
  let files: string[];
  try {
    files = await collectTestFiles(paths.length ? paths : ["tests/"]);
  } catch (err) {
    console.error(`cannot read the test paths: ${(err as Error).message}`);
    Deno.exit(1);
  }
  const started = performance.now();
  if (!noCheck) {
    const check = await new Deno.Command("deno", { args: ["check", ...files] }).spawn()
      .status;
    if (!check.success) {
      console.error("type-check failed (see above); nothing was run");
      Deno.exit(1);
    }
  }
  console.log(`running ${files.length} test files, ${jobs} at a time, each in its own process`);
  const results = await runAll(files, denoArgs, {
    jobs,
    timeoutMs,
    onDone: (r) => {
      console.log(r.output.trimEnd());
      if (r.signal) console.log(`!! ${r.file}: ended by ${r.signal}`);
    },
  });
  console.log("\n" + summarize(results, performance.now() - started));
  Deno.exit(results.some(fileFailed) ? 1 : 0);
}
