/**
 * `deno compile` of the one binary `around-the-grounds` (subcommands `worker`, `start`,
 * `check-env`): the argument list, and where `denort` (Deno's base runtime, which `deno compile`
 * downloads from dl.deno.land) can be found without a download.
 *
 * The binary gets the `worker` permission set of `deno.json`, rendered as `--allow-*` flags (a
 * test checks that it covers what the `start` and `check-env` tasks get). It embeds the prebuilt
 * workflow bundle, the venue list and the web assets, and `node_modules` without the other
 * platforms' SDK native cores. It never embeds an env file: configuration and secrets come
 * from the environment and `.env` of the directory it runs in.
 *
 * @example
 * ```ts
 * import { compilePlan, findDenort } from "./compile.ts";
 * const denort = await findDenort();
 * if (!denort.path) throw new Error(denort.reason);
 * const plan = await compilePlan();
 * await new Deno.Command("deno", { args: plan.args, cwd: plan.root }).output();
 * ```
 * @module
 */
import { join, relative, resolve } from "node:path";
import { DEFAULT_DIST_DIR, PROJECT_ROOT } from "../temporal/bundle.ts";
import { permissionSetFlags, readPermissionSet } from "./permission_sets.ts";
import { DENO_JSON, taskRunArgs } from "./tasks.ts";

/** Name of the compiled binary. */
export const BINARY_NAME = "around-the-grounds";

/** Entry point of the binary: dispatches `worker`, `start`, `check-env`. */
export const ENTRY_POINT = "tasks/cli_main.ts";

/** The named permission set in `deno.json` the binary gets (that of its widest subcommand). */
export const BINARY_PERMISSION_SET = "worker";

/** Files and folders embedded with `--include`, relative to the project root. */
export const INCLUDES = [
  "dist/workflow-bundle.js",
  "dist/workflow-bundle.json",
  "src/venues/venues.json",
  "web",
] as const;

/** The targets `deno compile` supports; `@temporalio/core-bridge` ships one release per target. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** A compile cannot be planned or run; the message is the one line to print. */
export class CompileError extends Error {
  override name = "CompileError";
}

/** Options of {@link compilePlan}. */
export interface CompilePlanOptions {
  /** Project root (cwd of `deno compile`). Default the project of this module. */
  root?: string;
  /** Output folder. Default `<root>/dist`. */
  outDir?: string;
  /** Target triple. Default this machine's (`Deno.build.target`). */
  target?: string;
  /** `deno.json` to read the permission set from. Default `<root>/deno.json`. */
  configPath?: string;
}

/** What {@link compilePlan} returns. */
export interface CompilePlan {
  /** Arguments after `deno`: `["compile", ...]`. Run with cwd {@link CompilePlan.root}. */
  args: string[];
  root: string;
  /** Path of the binary to be written. */
  output: string;
  target: string;
  permissions: string[];
  /** The `worker` task's `--v8-flags=…` (the same heap settings as `deno task worker`), if any. */
  v8Flags: string[];
  includes: string[];
  excludes: string[];
}

/** Path of `@temporalio/core-bridge`'s `releases/` folder under `root`, if installed. */
export async function coreBridgeReleasesDir(root: string): Promise<string | undefined> {
  const base = join(root, "node_modules", ".deno");
  try {
    for await (const e of Deno.readDir(base)) {
      if (!e.isDirectory || !e.name.startsWith("@temporalio+core-bridge@")) continue;
      const dir = join(base, e.name, "node_modules", "@temporalio", "core-bridge", "releases");
      if (await isDir(dir)) return dir;
    }
  } catch { /* no node_modules/.deno */ }
  return undefined;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The full `deno compile` argument list: `--frozen` lockfile, `--target`, `--output`, the
 * {@link BINARY_PERMISSION_SET} as scoped flags, the `worker` task's `--v8-flags`, `--include` for {@link INCLUDES}, `--exclude` for the
 * other targets' native cores, and the entry point. Never `--env-file`, never `-A`.
 */
export async function compilePlan(options: CompilePlanOptions = {}): Promise<CompilePlan> {
  const root = resolve(options.root ?? PROJECT_ROOT);
  const target = options.target ?? Deno.build.target;
  if (!(TARGETS as readonly string[]).includes(target)) {
    throw new CompileError(`--target ${target}: not one of ${TARGETS.join(", ")}`);
  }
  const outDir = resolve(options.outDir ?? (options.root ? join(root, "dist") : DEFAULT_DIST_DIR));
  const output = join(outDir, BINARY_NAME + (target.includes("windows") ? ".exe" : ""));
  const configPath = options.configPath ?? (options.root ? join(root, "deno.json") : DENO_JSON);
  const permissions = permissionSetFlags(
    await readPermissionSet(BINARY_PERMISSION_SET, configPath),
  );
  const v8Flags = (await taskRunArgs("worker", { configPath })).filter((a) =>
    a.startsWith("--v8-flags=")
  );
  const releases = await coreBridgeReleasesDir(root);
  if (!releases) {
    throw new CompileError(
      "node_modules has no @temporalio/core-bridge: run deno install --frozen first",
    );
  }
  const present: string[] = [];
  for await (const e of Deno.readDir(releases)) if (e.isDirectory) present.push(e.name);
  if (!present.includes(target)) {
    throw new CompileError(`@temporalio/core-bridge has no native core for ${target}`);
  }
  const excludes = present.filter((t) => t !== target).sort().map((t) =>
    relative(root, join(releases, t))
  );
  const includes = [...INCLUDES];
  const args = [
    "compile",
    "--frozen",
    "--target",
    target,
    "--output",
    output,
    ...permissions,
    ...v8Flags,
    ...includes.flatMap((i) => ["--include", i]),
    ...excludes.flatMap((x) => ["--exclude", x]),
    ENTRY_POINT,
  ];
  assertNoSecrets(args);
  return { args, root, output, target, permissions, v8Flags, includes, excludes };
}

/** Refuses argument lists that would bake configuration or secrets into the binary. */
export function assertNoSecrets(args: readonly string[]): void {
  for (const a of args) {
    if (a === "--env-file" || a.startsWith("--env-file=") || a === "--env") {
      throw new CompileError(
        "refusing --env-file: configuration and secrets must come from the environment at run time",
      );
    }
    if (/(^|\/)\.env(\.|$)/.test(a) && !a.endsWith(".env.example")) {
      throw new CompileError(`refusing to embed ${a}: secrets must not be compiled in`);
    }
  }
  if (args.includes("-A") || args.includes("--allow-all")) {
    throw new CompileError(
      "refusing -A/--allow-all: the binary gets the tasks' scoped permissions",
    );
  }
}

/** Where denort was found, or why it was not. */
export interface DenortLookup {
  /** Path to use (set `DENORT_BIN` to it when running `deno compile`). */
  path?: string;
  source?: "DENORT_BIN" | "cache";
  /** One line explaining why denort is not available. */
  reason?: string;
}

/** Facts about the `deno` that will compile (from `deno info --json`). */
export interface DenoFacts {
  denoDir: string;
  version: string;
}

/** Asks `deno info --json` (no network) for the cache folder and version of `deno` on PATH. */
export async function denoFacts(command = "deno"): Promise<DenoFacts> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(command, {
      args: ["info", "--json"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new CompileError(
      `cannot run \`${command} info --json\`: ${
        err instanceof Error ? err.message.split("\n")[0] : err
      }`,
    );
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  return { denoDir: info.denoDir, version: info.denoVersion };
}

/** How to get denort, for messages. */
export function denortHint(facts: DenoFacts, target: string): string {
  return `set DENORT_BIN to an unzipped denort ${facts.version} for ${target}, or put denort-${target}.zip in ${
    join(facts.denoDir, "dl", "release", `v${facts.version}`)
  }/ (from https://dl.deno.land/release/v${facts.version}/denort-${target}.zip)`;
}

/**
 * Finds denort without downloading: `DENORT_BIN` (must exist and must not be the deno CLI
 * itself, which would produce a binary that starts a REPL), else
 * `$DENO_DIR/dl/release/v<version>/denort-<target>.zip` (where `deno compile` caches it).
 */
export async function findDenort(
  options: { env?: Record<string, string | undefined>; facts?: DenoFacts; target?: string } = {},
): Promise<DenortLookup> {
  const env = options.env ?? { DENORT_BIN: Deno.env.get("DENORT_BIN") };
  const target = options.target ?? Deno.build.target;
  const bin = env.DENORT_BIN;
  if (bin) {
    let real: string;
    try {
      real = await Deno.realPath(bin);
      if (!(await Deno.stat(real)).isFile) throw new Deno.errors.NotFound(bin);
    } catch {
      return { reason: `DENORT_BIN=${bin}: file not found` };
    }
    for (const deno of await denoCliPaths()) {
      if (real === deno) {
        return {
          reason: `DENORT_BIN=${bin} is the deno CLI, not denort (the binary would start a REPL)`,
        };
      }
    }
    return { path: real, source: "DENORT_BIN" };
  }
  const facts = options.facts ?? await denoFacts();
  const cached = join(
    facts.denoDir,
    "dl",
    "release",
    `v${facts.version}`,
    `denort-${target}.zip`,
  );
  try {
    if ((await Deno.stat(cached)).isFile) return { path: cached, source: "cache" };
  } catch { /* not cached */ }
  return { reason: `denort not available: ${denortHint(facts, target)}` };
}

async function denoCliPaths(): Promise<string[]> {
  const out: string[] = [];
  for (const p of [Deno.execPath(), ...pathLookup("deno")]) {
    try {
      out.push(await Deno.realPath(p));
    } catch { /* ignore */ }
  }
  return out;
}

function pathLookup(name: string): string[] {
  const path = Deno.env.get("PATH") ?? "";
  return path.split(":").filter(Boolean).map((d) => join(d, name));
}
