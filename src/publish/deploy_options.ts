/**
 * The options of the git deploy ({@link DeployOptions}) and their resolution, one concern per
 * function: the remote and its credentials, the branch, the files, the limits.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./deploy_options.ts";
 *
 * const cfg = resolveOptions({ repositoryUrl: "/srv/site.git", files: { "index.html": "<p>" } });
 * console.log(cfg.branch, [...cfg.files.keys()]); // "main" ["public/index.html"]
 * ```
 *
 * @module
 */

import { configError } from "./deploy_error.ts";
import { parseJsonObject, toBytes } from "./deploy_compare.ts";
import { checkBranchName, type ParsedRepositoryUrl, parseRepositoryUrl } from "./repository_url.ts";

/** Options of `deployToGit` (`./git_deploy.ts`). */
export interface DeployOptions {
  /**
   * The repository (`GIT_REPOSITORY_URL`): `https://…`, `http://…` (only without a token),
   * `ssh://…`, scp-like `git@host:owner/repo.git`, `file://…`, or a local path to a (bare)
   * repository. Credentials in it (any scheme, any case) are refused: see
   * {@link parseRepositoryUrl}.
   */
  repositoryUrl: string;
  /**
   * Access token (`GIT_TOKEN`), used only for `https` remotes, sent as HTTP Basic auth
   * `x-access-token:<token>` (GitHub; GitLab and Gitea accept any user name) to the URL's origin
   * only, with redirects off. Surrounding whitespace is trimmed. Default: none.
   */
  token?: string;
  /** Branch to deploy to; created when the remote is empty or lacks it. Default `"main"`. */
  branch?: string;
  /**
   * Folder of the repository holding the files. Default `"public"`. Its content mirrors
   * `files` exactly: other files in it are removed. `""` (the repository root) only writes
   * `files` and removes nothing.
   */
  subdir?: string;
  /** Author and committer name. Default `"Around the Grounds"`. */
  authorName?: string;
  /** Author and committer e-mail. Default `"bot@around-the-grounds.invalid"`. */
  authorEmail?: string;
  /**
   * Commit message. Default `"Update food truck data (<N> events)"` with N the length of
   * `data.json`'s `events` array (`"Update food truck data"` without one).
   */
  message?: string;
  /** Files to publish: path relative to `subdir` (`/`-separated) → content. Must not be empty. */
  files: Record<string, string | Uint8Array>;
  /**
   * Returns `true` when the remote's files (`oldFiles`, the whole `subdir`, or for the root only
   * the paths in `files`) already match `newFiles`, so nothing is committed. Contents are decoded
   * as UTF-8. Default {@link defaultCompare}: same paths, byte-equal contents, except `data.json`
   * compared as JSON ignoring its top-level `updated` field.
   */
  compare?: (oldFiles: Record<string, string>, newFiles: Record<string, string>) => boolean;
  /**
   * Bytes of the branch's existing files read to compare them with `files` (the whole `subdir`,
   * or for the root only the paths in `files`). Beyond it nothing more is read, `prepare` is not
   * called, and the content counts as changed. Default 33554432 (32 MiB).
   */
  maxCompareBytes?: number;
  /**
   * Rebuilds `files` from the remote's current ones (same shape as `compare`'s `oldFiles`) after
   * every fetch, before the comparison, e.g. to carry time stamps over; returning `oldFiles`
   * publishes nothing. Default: `files` as given.
   */
  prepare?: (oldFiles: Record<string, string>) => Record<string, string | Uint8Array>;
  /** Push attempts after a rejected one (someone pushed in between). Default 3. */
  pushRetries?: number;
  /**
   * Where to clone. Default: a fresh temp dir, removed afterwards. A given dir must be missing,
   * empty, or a clone left by an earlier call (it is then wiped and cloned again); it is kept.
   */
  workDir?: string;
  /** Timeout of each git command in milliseconds. Default 60000. */
  timeoutMs?: number;
  /**
   * Aborts the deploy, e.g. an activity's cancellation signal: the running git command and its
   * helpers (its whole process group) are killed and the call rejects with kind `"aborted"`.
   * Default: none.
   */
  signal?: AbortSignal;
}

/** The defaults of {@link DeployOptions}. */
export const DEFAULTS = {
  branch: "main",
  subdir: "public",
  authorName: "Around the Grounds",
  authorEmail: "bot@around-the-grounds.invalid",
  pushRetries: 3,
  timeoutMs: 60_000,
  maxCompareBytes: 32 * 1024 * 1024,
};

/** {@link DeployOptions} checked, with their defaults applied. */
export interface Resolved {
  /** URL or absolute path given to git: no credentials in it. */
  remote: string;
  /** `remote` for messages. */
  display: string;
  /** Host (or path) for messages. */
  host: string;
  hasToken: boolean;
  /** Strings that must never appear in output. */
  secrets: string[];
  /** Extra git config entries passed through the environment. */
  config: [string, string][];
  branch: string;
  /** `""` for the repository root, else a normalized relative path. */
  subdir: string;
  addPaths: string[];
  /** Path in the repository (under `subdir`) → content. */
  files: Map<string, Uint8Array>;
  message: string;
  authorName: string;
  authorEmail: string;
  pushRetries: number;
  timeoutMs: number;
  maxCompareBytes: number;
}

/**
 * Checks `opts` and applies the defaults.
 *
 * @throws {GitDeployError} of kind `"config"`, one line naming the option and the fix.
 */
export function resolveOptions(opts: DeployOptions): Resolved {
  const token = checkToken(opts.token);
  const parsed = parseRepositoryUrl(opts.repositoryUrl ?? "", { hasToken: !!token });
  const credentials = resolveCredentials(token, parsed);
  const branch = resolveBranch(opts.branch ?? DEFAULTS.branch);
  const subdir = normalizePath(opts.subdir ?? DEFAULTS.subdir, "subdir", true);
  const files = resolveFiles(opts.files ?? {});
  return {
    remote: parsed.remote,
    display: parsed.display,
    host: parsed.host,
    ...credentials,
    branch,
    subdir,
    addPaths: subdir ? [subdir] : [...files.keys()],
    files: new Map([...files].map(([p, c]) => [inSubdir(subdir, p), c])),
    message: opts.message ?? defaultMessage(files.get("data.json")),
    authorName: opts.authorName ?? DEFAULTS.authorName,
    authorEmail: opts.authorEmail ?? DEFAULTS.authorEmail,
    ...resolveLimits(opts),
  };
}

/** The token, trimmed (`""` for none); refuses inner whitespace or control characters. */
function checkToken(given: string | undefined): string {
  const token = given?.trim() ?? "";
  if (token && /[\s\0]/.test(token)) {
    throw configError(
      "GIT_TOKEN contains whitespace or control characters: set it to the token alone",
    );
  }
  return token;
}

/**
 * The token's git configuration: an `Authorization` header for the https origin only, redirects
 * off, and the forms of the token that must be scrubbed from output. Nothing for other transports.
 */
function resolveCredentials(
  token: string,
  parsed: ParsedRepositoryUrl,
): Pick<Resolved, "hasToken" | "secrets" | "config"> {
  const secrets: string[] = [];
  const config: [string, string][] = [];
  if (parsed.kind === "https" && token) {
    const basic = btoa(
      String.fromCharCode(...new TextEncoder().encode(`x-access-token:${token}`)),
    );
    secrets.push(basic, token, encodeURIComponent(token));
    // Scoped to the configured origin only, and never carried across a redirect.
    config.push([
      `http.${new URL(parsed.remote).origin}/.extraHeader`,
      `Authorization: Basic ${basic}`,
    ]);
    config.push(["http.followRedirects", "false"]);
  }
  return { hasToken: !!token, secrets: secrets.filter((s) => s.length >= 3), config };
}

function resolveBranch(branch: string): string {
  const problem = checkBranchName(branch);
  if (problem) {
    throw configError(
      `branch ${JSON.stringify(branch)} is not a valid branch name (${problem}): ` +
        "fix the deploy branch",
    );
  }
  return branch;
}

/** The files by normalized path (relative to `subdir`); refuses duplicates and an empty list. */
function resolveFiles(given: DeployOptions["files"]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(given)) {
    const norm = normalizePath(path, "file path", false);
    if (files.has(norm)) throw configError(`file path "${path}" is given twice: remove one`);
    files.set(norm, toBytes(content));
  }
  if (files.size === 0) throw configError("nothing to deploy: the files list is empty");
  return files;
}

function resolveLimits(
  opts: DeployOptions,
): Pick<Resolved, "pushRetries" | "timeoutMs" | "maxCompareBytes"> {
  const pushRetries = opts.pushRetries ?? DEFAULTS.pushRetries;
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  if (!Number.isInteger(pushRetries) || pushRetries < 0) {
    throw configError(`pushRetries must be a whole number ≥ 0, got ${pushRetries}`);
  }
  if (!(timeoutMs > 0)) throw configError(`timeoutMs must be > 0, got ${timeoutMs}`);
  return {
    pushRetries,
    timeoutMs,
    maxCompareBytes: opts.maxCompareBytes ?? DEFAULTS.maxCompareBytes,
  };
}

/** `path` inside the repository: under `subdir` unless that is the root (`""`). */
export function inSubdir(subdir: string, path: string): string {
  return subdir ? `${subdir}/${path}` : path;
}

/**
 * `path` normalized (`/`-separated, no `.` or empty parts). Refuses absolute paths, `..`, `.git`,
 * backslashes and line breaks; and an empty path unless `allowRoot`.
 */
export function normalizePath(path: string, what: string, allowRoot: boolean): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (!allowRoot && parts.length === 0) throw configError(`${what} "${path}" is empty`);
  if (
    path.startsWith("/") || path.includes("\\") || /[\0\r\n]/.test(path) ||
    parts.some((p) => p === ".." || p.toLowerCase() === ".git")
  ) {
    throw configError(`${what} "${path}" must be a relative path inside the repository`);
  }
  return parts.join("/");
}

function defaultMessage(dataJson: Uint8Array | undefined): string {
  const events = dataJson ? parseJsonObject(dataJson)?.events : undefined;
  if (!Array.isArray(events)) return "Update food truck data";
  return `Update food truck data (${events.length} event${events.length === 1 ? "" : "s"})`;
}
