/**
 * The `deno.json` task lines proposed for `build`, `compile` and `bench-startup`, and a helper
 * that runs a task script with the permission set from `deno.json` when the task is there (else
 * with the proposed line), so these tests check the real permission sets once deno.json has them.
 * @module
 */
import { DENO_JSON, parseRunCommand, readTaskCommand } from "../../src/ops/tasks.ts";

/** Environment names the workflow bundler (webpack, swc) and the SDK read while bundling. */
export const BUNDLER_ENV =
  "GRPC_*,TEMPORAL_TRACE_NATIVE_CALLS,GRACEFUL_FS_PLATFORM,TEST_GRACEFUL_FS_GLOBAL_PATCH,BROWSERSLIST,BROWSERSLIST_CONFIG,BROWSERSLIST_ROOT_PATH,BROWSERSLIST_DISABLE_CACHE,SKIP_VALIDATION,NAPI_RS_FORCE_WASI,SWC_BINARY_PATH";

/** Proposed task commands (to be added to deno.json). */
export const PROPOSED_TASKS: Record<string, string> = {
  build:
    `deno run --allow-env=${BUNDLER_ENV} --allow-read --allow-ffi --allow-sys=uid,gid --allow-write=dist tasks/build.ts`,
  compile:
    `deno run --allow-env=DENORT_BIN,PATH,${BUNDLER_ENV} --allow-read --allow-ffi --allow-sys=uid,gid --allow-write=dist --allow-run=deno tasks/compile.ts`,
  "bench-startup":
    `deno run --allow-env=PATH,HOME,${BUNDLER_ENV} --allow-read --allow-write --allow-ffi --allow-sys=uid,gid --allow-net=127.0.0.1 --allow-run=deno,temporal tasks/bench_startup.ts`,
};

/** The task's command from deno.json, or the proposed one while deno.json lacks it. */
export async function taskCommand(name: string): Promise<string> {
  try {
    return await readTaskCommand(name, DENO_JSON);
  } catch {
    const proposed = PROPOSED_TASKS[name];
    if (!proposed) throw new Error(`no task ${name} in deno.json and none proposed`);
    return proposed;
  }
}

/** `deno run` arguments for a task, with `--allow-write=dist` optionally re-scoped. */
export async function taskRunArgs(
  name: string,
  options: { writeScope?: string } = {},
): Promise<string[]> {
  const { flags, script, args } = parseRunCommand(await taskCommand(name));
  const scoped = flags.map((f) =>
    f === "--allow-write=dist" && options.writeScope ? `--allow-write=${options.writeScope}` : f
  );
  return ["run", ...scoped, script, ...args];
}
