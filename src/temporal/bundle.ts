/**
 * The prebuilt workflow bundle: `deno task build` runs the SDK's `bundleWorkflowCode` once and
 * writes `dist/workflow-bundle.js` plus `dist/workflow-bundle.json`, a manifest with the sha256
 * of every project source file webpack put into the bundle. The worker loads the bundle instead
 * of bundling at start, and refuses a stale one (a source changed since the build) with a
 * one-line {@link BundleError}: it never runs workflow code that differs from the checkout.
 *
 * Inside a `deno compile` binary the bundle is embedded next to this module (the compile task
 * always rebuilds it first), so only its own checksum and SDK version are checked there.
 *
 * The bundler (webpack) is loaded only when {@link buildBundle} runs, by its file path rather than
 * through `@temporalio/worker`'s index.
 *
 * @example
 * ```ts
 * import { Worker } from "@temporalio/worker";
 * import { buildBundle, loadBundle } from "./bundle.ts";
 * const built = await buildBundle(); // writes dist/workflow-bundle.{js,json}
 * const { code, manifest } = await loadBundle(built.bundlePath); // throws BundleError when stale
 * console.log(manifest.sourcesSha256);
 * await Worker.create({ workflowBundle: { code }, taskQueue: "food-trucks" });
 * ```
 * @module
 */
import workerPkg from "@temporalio/worker/lib/pkg.js";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** The project root (the folder holding `src/`): sources are hashed relative to it. */
export const PROJECT_ROOT: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** The workflow entry module, relative to {@link PROJECT_ROOT}. */
export const WORKFLOWS_MODULE = "src/temporal/workflows.ts";

/** The workflow interceptor module bundled beside the workflows, relative to the root. */
export const RUN_OBSERVER_MODULE = "src/temporal/run_observer.ts";

/** Default output folder of `deno task build`: `<project>/dist`. */
export const DEFAULT_DIST_DIR: string = join(PROJECT_ROOT, "dist");

/** Default bundle path, `<project>/dist/workflow-bundle.js` (embedded in a compiled binary). */
export const DEFAULT_BUNDLE_PATH: string = join(DEFAULT_DIST_DIR, "workflow-bundle.js");

/** Version of `@temporalio/worker` this process runs; a bundle must be built with the same. */
export const SDK_VERSION: string =
  (workerPkg as unknown as { default: { version: string } }).default.version;

/** Format version of the manifest. */
export const MANIFEST_FORMAT = 1;

/** `dist/workflow-bundle.json`: what the bundle was built from. */
export interface BundleManifest {
  format: number;
  /** `@temporalio/worker` version used to build (must equal the worker's). */
  sdkVersion: string;
  /** Workflow entry module, relative to the project root. */
  workflowsModule: string;
  /** sha256 over the SDK version, the npm packages and every project source file in the bundle. */
  sourcesSha256: string;
  /** Project source files webpack included (relative path → sha256 of the content). */
  files: Record<string, string>;
  /** npm packages webpack included, as `name@version`. */
  packages: string[];
  /** sha256 of `workflow-bundle.js`. */
  bundleSha256: string;
  bundleBytes: number;
  /** ISO time of the build (informational; not part of any hash). */
  builtAt: string;
}

/** A bundle that cannot be used: missing, stale, corrupt, or built with another SDK version. */
export class BundleError extends Error {
  override name = "BundleError";
  constructor(message: string, readonly kind: "missing" | "stale" | "corrupt" | "sdk") {
    super(message);
  }
}

/** Hex sha256 of bytes or text. */
export async function sha256(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The combined hash recorded as `sourcesSha256`; order-independent in its inputs. */
export async function combinedSourcesHash(
  sdkVersion: string,
  packages: readonly string[],
  files: Record<string, string>,
): Promise<string> {
  const lines = [
    `around-the-grounds workflow bundle v${MANIFEST_FORMAT}`,
    `sdk @temporalio/worker@${sdkVersion}`,
    ...[...packages].sort().map((p) => `package ${p}`),
    ...Object.keys(files).sort().map((f) => `file ${f} ${files[f]}`),
  ];
  return await sha256(lines.join("\n"));
}

/** Hashes `paths` (relative to `root`) → relative path → sha256. Throws Deno errors for unreadable files. */
export async function hashFiles(
  root: string,
  paths: readonly string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of [...paths].sort()) out[p] = await sha256(await Deno.readFile(join(root, p)));
  return out;
}

/** Options of {@link buildBundle}. */
export interface BuildBundleOptions {
  /** Output folder. Default {@link DEFAULT_DIST_DIR}. */
  outDir?: string;
  /** Project root whose workflow module is bundled. Default {@link PROJECT_ROOT}. */
  root?: string;
  /** Progress lines (webpack's own output is dropped unless it warns). Default: none. */
  log?: (line: string) => void;
}

/** Result of {@link buildBundle}. */
export interface BuiltBundle {
  bundlePath: string;
  manifestPath: string;
  manifest: BundleManifest;
  ms: number;
}

/** A quiet logger for webpack: only warnings and errors, one line each. */
function bundlerLogger(log: (line: string) => void) {
  const drop = () => {};
  const keep = (message: string) => log(`bundler: ${message.split("\n")[0]}`);
  return { log: drop, trace: drop, debug: drop, info: drop, warn: keep, error: keep };
}

/**
 * Runs the SDK's `bundleWorkflowCode` on the workflow module under `root`; returns the code and
 * the path of every file webpack included.
 */
async function runBundler(
  root: string,
  log: (line: string) => void,
): Promise<{ code: string; included: Set<string> }> {
  const included = new Set<string>();
  const { bundleWorkflowCode } = await import("@temporalio/worker/lib/workflow/bundler.js");
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(root, WORKFLOWS_MODULE),
    // Reports finished runs to the worker's metrics (src/temporal/run_observer.ts).
    workflowInterceptorModules: [join(root, RUN_OBSERVER_MODULE)],
    logger: bundlerLogger(log),
    webpackConfigHook: (config) => {
      config.plugins = [...(config.plugins ?? []), {
        apply(compiler) {
          compiler.hooks.afterCompile.tap("around-the-grounds-manifest", (compilation) => {
            for (const m of compilation.modules) {
              const resource = (m as { resource?: string }).resource;
              if (resource) included.add(resource.split("?")[0]);
            }
          });
        },
      }];
      return config;
    },
  });
  return { code, included };
}

/**
 * Sorts the files webpack included into npm packages (`name@version`) and project sources
 * (paths relative to `root`); throws {@link BundleError} when the workflow module is not among them.
 */
async function classifyIncluded(
  root: string,
  included: Iterable<string>,
): Promise<{ sources: string[]; packages: Set<string> }> {
  const sources: string[] = [];
  const packages = new Set<string>();
  for (const file of included) {
    const pkg = /[\\/]node_modules[\\/]\.deno[\\/]([^\\/]+)[\\/]/.exec(file)?.[1] ??
      /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file)?.[1];
    if (pkg) {
      packages.add(pkg.replace(/^(@[^+]+)\+/, "$1/"));
      continue;
    }
    const rel = relative(root, file);
    if (rel.startsWith("..") || isAbsolute(rel)) continue;
    // The SDK's generated entry point lives in webpack's in-memory file system only.
    if (!(await isFile(file))) continue;
    sources.push(rel.split(sep).join("/"));
  }
  if (!sources.includes(WORKFLOWS_MODULE)) {
    throw new BundleError(
      `the bundler did not report ${WORKFLOWS_MODULE} among its inputs; cannot hash the sources`,
      "corrupt",
    );
  }
  return { sources, packages };
}

/**
 * Bundles the workflow module with webpack (the SDK's `bundleWorkflowCode`), records every file
 * webpack included, and writes `workflow-bundle.js` and `workflow-bundle.json` to `outDir`.
 */
export async function buildBundle(options: BuildBundleOptions = {}): Promise<BuiltBundle> {
  const started = performance.now();
  const root = options.root ?? PROJECT_ROOT;
  const outDir = options.outDir ?? DEFAULT_DIST_DIR;
  const { code, included } = await runBundler(root, options.log ?? (() => {}));
  const { sources, packages } = await classifyIncluded(root, included);
  const files = await hashFiles(root, sources);
  const bytes = new TextEncoder().encode(code);
  const manifest: BundleManifest = {
    format: MANIFEST_FORMAT,
    sdkVersion: SDK_VERSION,
    workflowsModule: WORKFLOWS_MODULE,
    sourcesSha256: await combinedSourcesHash(SDK_VERSION, [...packages], files),
    files,
    packages: [...packages].sort(),
    bundleSha256: await sha256(bytes),
    bundleBytes: bytes.length,
    builtAt: new Date().toISOString(),
  };
  await Deno.mkdir(outDir, { recursive: true });
  const bundlePath = join(outDir, "workflow-bundle.js");
  const manifestPath = manifestPathFor(bundlePath);
  // Write the code first and the manifest last: a build interrupted in between leaves a
  // manifest that no longer matches, which the worker reports instead of running.
  await Deno.writeFile(bundlePath, bytes);
  await Deno.writeTextFile(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  return { bundlePath, manifestPath, manifest, ms: Math.round(performance.now() - started) };
}

/** `x/workflow-bundle.js` → `x/workflow-bundle.json`. */
export function manifestPathFor(bundlePath: string): string {
  return bundlePath.replace(/\.js$/, "") + ".json";
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** True inside a `deno compile` binary. */
export function isCompiledBinary(): boolean {
  return Deno.build.standalone === true;
}

/** The path as the user should read it: relative to the current directory when inside it. */
export function displayPath(path: string): string {
  try {
    const rel = relative(Deno.cwd(), path);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  } catch {
    return path;
  }
}

/** Options of {@link loadBundle}. */
export interface LoadBundleOptions {
  /** Project root to re-hash the sources from. Default {@link PROJECT_ROOT}. */
  root?: string;
  /** Compare the sources with the manifest. Default: true, except inside a compiled binary. */
  checkSources?: boolean;
}

/** A verified bundle. */
export interface LoadedBundle {
  code: string;
  manifest: BundleManifest;
  path: string;
}

/**
 * Reads a bundle and its manifest and verifies, in order: the manifest exists and parses, the
 * code matches its checksum, the SDK version matches this worker's, and (in a checkout) every
 * source file still has the hash it had at build time. Any failure is a one-line
 * {@link BundleError} that says to run `deno task build`.
 */
export async function loadBundle(
  path: string,
  options: LoadBundleOptions = {},
): Promise<LoadedBundle> {
  const shown = displayPath(path);
  const rebuild = isCompiledBinary()
    ? "rebuild the binary with deno task compile"
    : "run deno task build";
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new BundleError(`${shown}: ${fsReason(err)} (${rebuild})`, "missing");
  }
  const manifestPath = manifestPathFor(path);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(manifestPath));
  } catch (err) {
    const why = err instanceof SyntaxError ? "not valid JSON" : fsReason(err);
    throw new BundleError(
      `${displayPath(manifestPath)}: ${why}; cannot tell whether ${shown} is current (${rebuild})`,
      "missing",
    );
  }
  if (manifest.format !== MANIFEST_FORMAT || typeof manifest.files !== "object") {
    throw new BundleError(
      `${displayPath(manifestPath)}: unknown manifest format (${rebuild})`,
      "corrupt",
    );
  }
  if ((await sha256(bytes)) !== manifest.bundleSha256) {
    throw new BundleError(
      `${shown} does not match the checksum in ${displayPath(manifestPath)} (${rebuild})`,
      "corrupt",
    );
  }
  if (manifest.sdkVersion !== SDK_VERSION) {
    throw new BundleError(
      `${shown} was built with @temporalio/worker ${manifest.sdkVersion}, this worker runs ${SDK_VERSION}: ${rebuild}`,
      "sdk",
    );
  }
  if (options.checkSources ?? !isCompiledBinary()) {
    const changed = await changedSources(options.root ?? PROJECT_ROOT, manifest);
    if (changed.length) {
      const more = changed.length > 1 ? ` and ${changed.length - 1} more` : "";
      throw new BundleError(
        `${shown} is stale (${changed[0]}${more} changed since the build): ${rebuild}`,
        "stale",
      );
    }
  }
  return { code: new TextDecoder().decode(bytes), manifest, path };
}

/** Source files (relative paths) whose content differs from the manifest, or that are gone. */
export async function changedSources(root: string, manifest: BundleManifest): Promise<string[]> {
  const changed: string[] = [];
  for (const [rel, hash] of Object.entries(manifest.files).sort(([a], [b]) => a.localeCompare(b))) {
    let now: string | undefined;
    try {
      now = await sha256(await Deno.readFile(resolve(root, rel)));
    } catch {
      now = undefined;
    }
    if (now !== hash) changed.push(now === undefined ? `${rel} (removed)` : rel);
  }
  return changed;
}

function fsReason(err: unknown): string {
  if (err instanceof Deno.errors.NotFound) return "file not found";
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Error && err.name === "NotCapable") return "no read permission";
  return err instanceof Error ? err.message.split("\n")[0] : String(err);
}

/** Options of {@link selectWorkerBundle}: the worker's `--bundle PATH` / `--no-bundle` flags. */
export interface SelectBundleOptions {
  /** An explicit bundle (must exist and be current). */
  path?: string;
  /** Bundle at start even when a prebuilt bundle exists. Default false. */
  noBundle?: boolean;
  /** The default bundle looked for when no path is given. Default {@link DEFAULT_BUNDLE_PATH}. */
  defaultPath?: string;
}

/**
 * Chooses the worker's workflow code: `path` when given; none with `noBundle`; otherwise the
 * default bundle when it exists (always inside a compiled binary). Returns `undefined` for
 * "bundle at start". Throws {@link BundleError} for a missing, stale or corrupt bundle.
 */
export async function selectWorkerBundle(
  options: SelectBundleOptions = {},
): Promise<LoadedBundle | undefined> {
  if (options.noBundle) {
    if (isCompiledBinary()) {
      throw new BundleError(
        "--no-bundle: a compiled binary cannot bundle at start (it has no workflow sources)",
        "missing",
      );
    }
    return undefined;
  }
  if (options.path) return await loadBundle(resolve(options.path));
  const path = options.defaultPath ?? DEFAULT_BUNDLE_PATH;
  if (!isCompiledBinary() && !(await isFile(path))) return undefined;
  return await loadBundle(path);
}
