/**
 * Deploy the published web files (`index.html`, `app.js`, `style.css`, `data.json`, …) to a
 * branch of a git repository, safely retryable.
 *
 * Every call starts from the remote's current tip (a fresh shallow fetch), writes the files under
 * `subdir` (default `public/`), and commits and pushes only when something really changed; by
 * default `data.json` is compared ignoring its top-level `updated` stamp, so a run that found the
 * same events commits nothing. A retried call after a successful push therefore finds the remote
 * already up to date and does nothing. When the push is rejected because someone pushed in
 * between, the change is re-applied on top of the new remote tip (a rebase of our one commit that
 * cannot conflict: we rewrite our files) and pushed again, up to `pushRetries` times.
 *
 * Credentials never reach the command line, the clone's `.git/config`, or error messages: the
 * token travels to git in its environment as a `http.<origin>/.extraHeader` config entry
 * (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`), and all git output is scrubbed of
 * it before it is used in an error. git runs with a clean environment (temporary `HOME`, no
 * system config, no prompts) and never through a shell.
 *
 * Permissions: `--allow-run=git,kill` (`kill` ends a cancelled git with its helpers; without it
 * only git itself is killed), read and write access to the temp dir (or `workDir`); the
 * environment variables `PATH`, `SSH_AUTH_SOCK`, `GIT_SSH_COMMAND` and the proxy variables are
 * passed to git only when `--allow-env` grants them (never prompted for).
 *
 * @example
 * ```ts
 * import { deployToGit, GitDeployError } from "./git_deploy.ts";
 * const [html, js, css, json] = ["<!doctype html>", "", "", "{}"];
 * try {
 *   const result = await deployToGit({
 *     repositoryUrl: Deno.env.get("GIT_REPOSITORY_URL")!,
 *     token: Deno.env.get("GIT_TOKEN"),
 *     files: { "index.html": html, "app.js": js, "style.css": css, "data.json": json },
 *   });
 *   console.log(result.message); // "Pushed 1a2b3c4 to main: Update food truck data (42 events)"
 * } catch (err) {
 *   if (err instanceof GitDeployError) console.error(err.message); // one line, no secrets
 *   else throw err;
 * }
 * ```
 * @module
 */

import { writeAtomic } from "./atomic_write.ts";

/** Options of {@link deployToGit}. */
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
  compare?: (
    oldFiles: Record<string, string>,
    newFiles: Record<string, string>,
  ) => boolean;
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
  prepare?: (
    oldFiles: Record<string, string>,
  ) => Record<string, string | Uint8Array>;
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
  /**
   * Test hook, called right before every push with the clone's directory and the 1-based
   * attempt number; lets a test push a concurrent commit. Default: none.
   */
  beforePush?: (
    context: { workDir: string; attempt: number },
  ) => void | Promise<void>;
}

/** Outcome of {@link deployToGit}. */
export interface DeployResult {
  /** Whether a commit was pushed (`false`: the remote already had this content). */
  committed: boolean;
  /** The branch's commit after the deploy (full sha); `""` if the branch still does not exist. */
  commit: string;
  /** One line for logs, e.g. `"Pushed 1a2b3c4 to main: Update food truck data (42 events)"`. */
  message: string;
  /** Push attempts made (0 when nothing was committed on the first look). */
  pushAttempts: number;
}

/** What went wrong, for callers deciding whether to retry. */
export type GitDeployErrorKind =
  | "config" // bad option value: fix the configuration
  | "git-missing" // git is not installed or may not be run
  | "unreachable" // remote not found, refused, DNS, …
  | "auth" // credentials missing or rejected
  | "timeout" // a git command exceeded timeoutMs
  | "rejected" // the remote refused the push (protected branch, hook, …)
  | "contention" // pushes kept being rejected because others kept pushing
  | "aborted" // options.signal fired
  | "unsafe-repository" // the branch holds a symbolic link where the deploy reads or writes
  | "git"; // any other git failure

/** A one-line, user-facing deploy failure that never contains the token. */
export class GitDeployError extends Error {
  override name = "GitDeployError";
  /** Whether trying again later may succeed (network trouble, timeouts, contention). */
  readonly retryable: boolean;
  constructor(message: string, readonly kind: GitDeployErrorKind) {
    super(message);
    this.retryable = kind === "unreachable" || kind === "timeout" ||
      kind === "contention" || kind === "git";
  }
}

const DEFAULTS = {
  branch: "main",
  subdir: "public",
  authorName: "Around the Grounds",
  authorEmail: "bot@around-the-grounds.invalid",
  pushRetries: 3,
  timeoutMs: 60_000,
  maxCompareBytes: 32 * 1024 * 1024,
};

/**
 * Publish `opts.files` to `opts.branch` of `opts.repositoryUrl` under `opts.subdir`. Commits and
 * pushes only when the content changed (see {@link DeployOptions.compare}); idempotent, so an
 * activity may call it again after a crash at any point.
 *
 * @throws {GitDeployError} with a one-line message naming `GIT_REPOSITORY_URL` / `GIT_TOKEN`.
 */
export async function deployToGit(opts: DeployOptions): Promise<DeployResult> {
  const cfg = resolveOptions(opts);
  const home = await Deno.makeTempDir({ prefix: `${TEMP_PREFIX}home-` });
  const ownDir = opts.workDir === undefined;
  let dir: string | undefined;
  // Keep our temp dirs fresh so that another process's removeStaleTempDirs() leaves them alone.
  const touch = setInterval(() => {
    const now = new Date();
    for (const d of [home, ownDir ? dir : undefined]) {
      if (d) Deno.utime(d, now, now).catch(() => {});
    }
  }, STALE_AFTER_MS / 4);
  try {
    dir = ownDir
      ? await Deno.makeTempDir({ prefix: `${TEMP_PREFIX}deploy-` })
      : await prepareWorkDir(opts.workDir!);
    const git = new Git(cfg, dir, home, opts.signal);
    await git.run(["init", "-q", "-b", cfg.branch, "."], "init");
    await git.run(["remote", "add", "origin", cfg.remote], "remote add");
    for (let attempt = 1;; attempt++) {
      const tip = await syncWithRemote(git, cfg);
      await assertNoSymlinks(dir, cfg);
      const label = tip ? tip.slice(0, 7) : "(new branch)";
      if (await unchanged(dir, cfg, opts.compare, opts.prepare)) {
        return nothingToDo(tip, cfg, attempt - 1, label);
      }
      await assertNoSymlinks(dir, cfg); // again: `prepare` may have named other paths
      await writeFiles(dir, cfg);
      await git.run(["add", "-A", "--", ...cfg.addPaths], "add");
      const diff = await git.run(["diff", "--cached", "--quiet"], "diff", true);
      if (diff.code === 0) return nothingToDo(tip, cfg, attempt - 1, label);
      await git.run(
        ["commit", "-q", "--no-verify", "-m", cfg.message],
        "commit",
      );
      await opts.beforePush?.({ workDir: dir, attempt });
      const push = await git.run(
        ["push", "--porcelain", "origin", `HEAD:refs/heads/${cfg.branch}`],
        "push",
        true,
      );
      if (push.code === 0) {
        const head = (await git.run(["rev-parse", "HEAD"], "rev-parse")).stdout
          .trim();
        return {
          committed: true,
          commit: head,
          message: `Pushed ${head.slice(0, 7)} to ${cfg.branch}: ${cfg.message}`,
          pushAttempts: attempt,
        };
      }
      if (!isRetryableRejection(push.stdout + push.stderr)) {
        throw git.failure("push", push);
      }
      if (attempt > cfg.pushRetries) {
        throw new GitDeployError(
          `GIT_REPOSITORY_URL ${cfg.display}: the push to ${cfg.branch} was rejected ` +
            `${attempt} times because others kept pushing; try again later`,
          "contention",
        );
      }
      await delay(100 * 2 ** (attempt - 1) + Math.random() * 100, opts.signal);
    }
  } finally {
    clearInterval(touch);
    await Deno.remove(home, { recursive: true }).catch(() => {});
    if (ownDir && dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Prefix of the temp dirs a deploy creates (its clone and git's private `HOME`). */
export const TEMP_PREFIX = "atg-git-";

/** A deploy temp dir untouched for this long belongs to no running deploy. */
export const STALE_AFTER_MS = 120_000;

/**
 * Removes deploy temp dirs (`atg-git-*` in the system temp dir, `TMPDIR`) left behind by a
 * process that died mid-deploy (e.g. `kill -9`): those not modified for
 * {@link STALE_AFTER_MS}. A running deploy touches its dirs every 30 s, so other workers on the
 * same host keep theirs. Called when the worker starts. Never throws.
 *
 * @returns the removed paths.
 */
export async function removeStaleTempDirs(now: Date = new Date()): Promise<string[]> {
  const removed: string[] = [];
  try {
    // The temp dir without reading TMPDIR (no env permission needed): the parent of a new one.
    const probe = await Deno.makeTempDir({ prefix: `${TEMP_PREFIX}probe-` });
    const parent = probe.slice(0, probe.lastIndexOf("/"));
    await Deno.remove(probe);
    for await (const e of Deno.readDir(parent)) {
      if (!e.name.startsWith(TEMP_PREFIX) || !e.isDirectory) continue;
      const path = `${parent}/${e.name}`;
      const info = await Deno.lstat(path).catch(() => undefined);
      if (!info?.mtime || now.getTime() - info.mtime.getTime() < STALE_AFTER_MS) continue;
      await Deno.remove(path, { recursive: true }).then(() => removed.push(path), () => {});
    }
  } catch {
    // Best effort: a temp dir we cannot list is not worth failing the worker for.
  }
  return removed;
}

function nothingToDo(
  tip: string | null,
  cfg: Resolved,
  pushAttempts: number,
  label: string,
): DeployResult {
  return {
    committed: false,
    commit: tip ?? "",
    message: `Nothing to publish: ${cfg.branch} at ${label} already has this content`,
    pushAttempts,
  };
}

/**
 * The default {@link DeployOptions.compare}: `true` when both sides have the same paths and
 * byte-equal contents, except that `data.json` (at any depth) is compared as JSON with its
 * top-level `updated` field ignored (byte-equal if either side is not a JSON object).
 */
export function defaultCompare(
  oldFiles: Record<string, string | Uint8Array>,
  newFiles: Record<string, string | Uint8Array>,
): boolean {
  const oldKeys = Object.keys(oldFiles).sort();
  const newKeys = Object.keys(newFiles).sort();
  if (
    oldKeys.length !== newKeys.length ||
    oldKeys.some((k, i) => k !== newKeys[i])
  ) return false;
  for (const path of newKeys) {
    const a = toBytes(oldFiles[path]), b = toBytes(newFiles[path]);
    if (bytesEqual(a, b)) continue;
    if (!/(^|\/)data\.json$/.test(path)) return false;
    const ja = parseJsonObject(a), jb = parseJsonObject(b);
    if (!ja || !jb) return false;
    delete ja.updated;
    delete jb.updated;
    if (stableStringify(ja) !== stableStringify(jb)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Options

interface Resolved {
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
  files: Map<string, Uint8Array>;
  message: string;
  authorName: string;
  authorEmail: string;
  pushRetries: number;
  timeoutMs: number;
  maxCompareBytes: number;
}

function configError(message: string): GitDeployError {
  return new GitDeployError(message, "config");
}

function resolveOptions(opts: DeployOptions): Resolved {
  const token = opts.token?.trim() ?? "";
  if (token && /[\s\0]/.test(token)) {
    throw configError(
      "GIT_TOKEN contains whitespace or control characters: set it to the token alone",
    );
  }
  const parsed = parseRepositoryUrl(opts.repositoryUrl ?? "", { hasToken: !!token });
  const { remote, host } = parsed;
  const secrets: string[] = [];
  const config: [string, string][] = [];
  if (parsed.kind === "https" && token) {
    const basic = btoa(
      String.fromCharCode(...new TextEncoder().encode(`x-access-token:${token}`)),
    );
    secrets.push(basic, token, encodeURIComponent(token));
    // Scoped to the configured origin only, and never carried across a redirect.
    config.push([`http.${new URL(remote).origin}/.extraHeader`, `Authorization: Basic ${basic}`]);
    config.push(["http.followRedirects", "false"]);
  }
  const display = parsed.display;

  const branch = opts.branch ?? DEFAULTS.branch;
  const branchProblem = checkBranchName(branch);
  if (branchProblem) {
    throw configError(
      `branch ${
        JSON.stringify(branch)
      } is not a valid branch name (${branchProblem}): fix the deploy branch`,
    );
  }
  const subdir = normalizePath(opts.subdir ?? DEFAULTS.subdir, "subdir", true);
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(opts.files ?? {})) {
    const norm = normalizePath(path, "file path", false);
    if (files.has(norm)) {
      throw configError(`file path "${path}" is given twice: remove one`);
    }
    files.set(norm, toBytes(content));
  }
  if (files.size === 0) {
    throw configError("nothing to deploy: the files list is empty");
  }
  const pushRetries = opts.pushRetries ?? DEFAULTS.pushRetries;
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  if (!Number.isInteger(pushRetries) || pushRetries < 0) {
    throw configError(
      `pushRetries must be a whole number ≥ 0, got ${pushRetries}`,
    );
  }
  if (!(timeoutMs > 0)) {
    throw configError(`timeoutMs must be > 0, got ${timeoutMs}`);
  }
  const join = (p: string) => (subdir ? `${subdir}/${p}` : p);
  return {
    remote,
    display,
    host,
    hasToken: !!token,
    secrets: secrets.filter((s) => s.length >= 3),
    config,
    branch,
    subdir,
    addPaths: subdir ? [subdir] : [...files.keys()],
    files: new Map([...files].map(([p, c]) => [join(p), c])),
    message: opts.message ?? defaultMessage(files.get("data.json")),
    authorName: opts.authorName ?? DEFAULTS.authorName,
    authorEmail: opts.authorEmail ?? DEFAULTS.authorEmail,
    pushRetries,
    timeoutMs,
    maxCompareBytes: opts.maxCompareBytes ?? DEFAULTS.maxCompareBytes,
  };
}

// ---------------------------------------------------------------------------------------------
// Repository URL and branch rules (shared with the config module's validation)

/** What {@link parseRepositoryUrl} found. */
export interface ParsedRepositoryUrl {
  /** Transport: `https`, `http`, `ssh` (also scp-like `git@host:path`), `git`, `file` or `path`. */
  kind: "https" | "http" | "ssh" | "git" | "file" | "path";
  /** URL or absolute path handed to git (http(s) normalized: lower-case scheme). */
  remote: string;
  /** Host (or path) for messages. */
  host: string;
  /** The URL for messages (it never holds credentials: those are refused). */
  display: string;
}

/**
 * Checks a repository URL (`GIT_REPOSITORY_URL`) and says how git will reach it. Refused, with a
 * one-line {@link GitDeployError} of kind `"config"` that never repeats a secret:
 * credentials in the URL in any scheme and any case (`HTTP://user:pw@`, `Https://TOKEN@`,
 * `ssh://git:password@`, `git:password@host:path`), git remote helpers (`ext::…`), schemes other
 * than https, http, ssh, git and file, and — when `hasToken` — plain `http://` (the token is only
 * ever sent over https).
 */
export function parseRepositoryUrl(
  repositoryUrl: string,
  { hasToken = false }: { hasToken?: boolean } = {},
): ParsedRepositoryUrl {
  const raw = repositoryUrl.trim();
  if (!raw) {
    throw configError(
      "GIT_REPOSITORY_URL is empty: set it to the repository to deploy to (https://…, git@…, or a path)",
    );
  }
  // deno-lint-ignore no-control-regex
  if (raw.startsWith("-") || /[\0-\x1f\x7f\\]/.test(raw)) {
    throw configError(`GIT_REPOSITORY_URL is not a repository URL or path: fix its value`);
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*::/.test(raw)) {
    throw configError(
      `GIT_REPOSITORY_URL uses a git remote helper ("<transport>::…"): use https://, ssh://, git@host:path, file:// or a path`,
    );
  }
  const credentials = () =>
    configError(
      "GIT_REPOSITORY_URL contains credentials (a user name or password before @): remove them " +
        "from the URL and put the token in GIT_TOKEN or GIT_TOKEN_FILE",
    );
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(raw);
  if (schemeMatch) {
    const scheme = schemeMatch[1].toLowerCase();
    const authority = schemeMatch[2];
    const at = authority.lastIndexOf("@");
    const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
    if (!["http", "https", "ssh", "git", "file"].includes(scheme)) {
      throw configError(
        `GIT_REPOSITORY_URL uses the unsupported scheme "${scheme}://": use https://, ssh://, git@host:path, file:// or a path`,
      );
    }
    // ssh may name a user (git@); a password there, or any user info elsewhere, is a credential.
    if (userinfo !== undefined && (scheme !== "ssh" || userinfo.includes(":"))) {
      throw credentials();
    }
    if (scheme === "http" || scheme === "https") {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw configError(`GIT_REPOSITORY_URL is not a valid URL: fix its value`);
      }
      if (url.username || url.password) throw credentials();
      if (scheme === "http" && hasToken) {
        throw configError(
          "GIT_REPOSITORY_URL is plain http://: GIT_TOKEN is only ever sent over https; " +
            "use the https:// URL (or unset GIT_TOKEN / GIT_TOKEN_FILE for a server that needs none)",
        );
      }
      return { kind: scheme, remote: url.href, host: url.host, display: url.href };
    }
    if (scheme === "file") return { kind: "file", remote: raw, host: raw, display: raw };
    const host = /^[^@]*@/.test(authority) ? authority.slice(at + 1) : authority;
    return {
      kind: scheme as "ssh" | "git",
      remote: raw,
      host: host.replace(/:\d+$/, ""),
      display: raw,
    };
  }
  if (!raw.startsWith("/") && /^[^/]+:/.test(raw)) {
    // scp-like: [user@]host:path (a colon before any slash); `user:password@host:path` refused.
    const at = raw.indexOf("@"), slash = raw.indexOf("/");
    if (at >= 0 && (slash < 0 || at < slash) && raw.slice(0, at).includes(":")) {
      throw credentials();
    }
    const host = /^(?:[^@/]*@)?([^:/]+):/.exec(raw)?.[1] ?? raw;
    return { kind: "ssh", remote: raw, host, display: raw };
  }
  const remote = raw.startsWith("/") ? raw : `${Deno.cwd()}/${raw}`;
  return { kind: "path", remote, host: remote, display: raw };
}

/**
 * Why `name` is not a branch name `git check-ref-format --branch` accepts, or `undefined` when
 * it is. Also refuses `@` (git's shorthand for HEAD).
 */
export function checkBranchName(name: string): string | undefined {
  if (name === "") return "empty";
  if (name.startsWith("-")) return "starts with -";
  if (name === "@" || name === "HEAD") return `"${name}" is reserved`;
  if (/[\0-\x20\x7f~^:?*[\\]/.test(name)) {
    return "contains a space, control character or one of ~ ^ : ? * [ \\";
  }
  if (name.includes("..")) return "contains ..";
  if (name.includes("@{")) return "contains @{";
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) {
    return "has an empty path component";
  }
  if (name.endsWith(".")) return "ends with .";
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return "a component starts with .";
    if (part.endsWith(".lock")) return "a component ends with .lock";
  }
  return undefined;
}

function normalizePath(path: string, what: string, allowRoot: boolean): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (!allowRoot && parts.length === 0) {
    throw configError(`${what} "${path}" is empty`);
  }
  if (
    path.startsWith("/") || path.includes("\\") || /[\0\r\n]/.test(path) ||
    parts.some((p) => p === ".." || p.toLowerCase() === ".git")
  ) {
    throw configError(
      `${what} "${path}" must be a relative path inside the repository`,
    );
  }
  return parts.join("/");
}

function defaultMessage(dataJson: Uint8Array | undefined): string {
  const events = dataJson ? parseJsonObject(dataJson)?.events : undefined;
  if (!Array.isArray(events)) return "Update food truck data";
  return `Update food truck data (${events.length} event${events.length === 1 ? "" : "s"})`;
}

async function prepareWorkDir(workDir: string): Promise<string> {
  const dir = workDir.startsWith("/") ? workDir : `${Deno.cwd()}/${workDir}`;
  const entries: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) entries.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (entries.length > 0) {
    if (!entries.includes(".git")) {
      throw configError(
        `workDir ${dir} is not empty and is not an earlier deploy clone: use an empty or missing folder`,
      );
    }
    await Deno.remove(dir, { recursive: true });
  }
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Working tree

/** Fetch the branch's tip and make the work tree exactly that; `null` when the branch is missing. */
async function syncWithRemote(git: Git, cfg: Resolved): Promise<string | null> {
  const tracking = `refs/remotes/origin/${cfg.branch}`;
  const fetch = await git.run(
    [
      "fetch",
      "-q",
      "--depth=1",
      "--no-tags",
      "origin",
      `+refs/heads/${cfg.branch}:${tracking}`,
    ],
    "fetch",
    true,
  );
  if (fetch.code === 0) {
    await git.run(["reset", "-q", "--hard", tracking], "reset");
    await git.run(["clean", "-q", "-ffdx"], "clean");
    return (await git.run(["rev-parse", tracking], "rev-parse")).stdout.trim();
  }
  if (!/couldn't find remote ref/i.test(fetch.stderr)) {
    throw git.failure("fetch", fetch);
  }
  // Empty remote or no such branch (possibly deleted since an earlier attempt): start it afresh.
  await git.run(
    ["update-ref", "-d", `refs/heads/${cfg.branch}`],
    "update-ref",
    true,
  );
  await git.run(["update-ref", "-d", tracking], "update-ref", true);
  await git.run(["read-tree", "--empty"], "read-tree");
  await git.run(["clean", "-q", "-ffdx"], "clean");
  return null;
}

/** A path of the clone, for one-line messages (control characters escaped, length bounded). */
function showPath(path: string): string {
  const shown = JSON.stringify(path);
  return shown.length > 120 ? `${shown.slice(0, 117)}..."` : shown;
}

function symlinkError(cfg: Resolved, path: string): GitDeployError {
  return new GitDeployError(
    `GIT_REPOSITORY_URL ${cfg.display}: ${cfg.branch} has a symbolic link at ${
      showPath(path)
    }; the deploy never follows links (remove it from the branch)`,
    "unsafe-repository",
  );
}

/** `lstat` that answers `undefined` for a missing path. */
async function lstatOrNone(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw err;
  }
}

/**
 * Refuses a clone in which any path the deploy reads or writes is, or passes through, a symbolic
 * link: the folders leading to `subdir`, everything inside it, and (for the root) each file path.
 */
async function assertNoSymlinks(dir: string, cfg: Resolved): Promise<void> {
  const checkChain = async (rel: string) => {
    const parts = rel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join("/");
      const info = await lstatOrNone(`${dir}/${path}`);
      if (!info) return;
      if (info.isSymlink) throw symlinkError(cfg, path);
    }
  };
  if (!cfg.subdir) {
    for (const path of cfg.files.keys()) await checkChain(path);
    return;
  }
  await checkChain(cfg.subdir);
  const walk = async (rel: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(`${dir}/${rel}`));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return;
      throw err;
    }
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.isSymlink) throw symlinkError(cfg, path);
      if (e.isDirectory) await walk(path);
    }
  };
  await walk(cfg.subdir);
}

/**
 * The regular files under `rel` (no links: {@link assertNoSymlinks} ran first), or `undefined`
 * when together they exceed `budget.left` bytes (then nothing more is read).
 */
async function readTree(
  root: string,
  rel: string,
  out: Map<string, Uint8Array>,
  budget: { left: number },
): Promise<boolean> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(`${root}/${rel}`));
  } catch (err) {
    if (
      err instanceof Deno.errors.NotFound ||
      err instanceof Deno.errors.NotADirectory
    ) return true;
    throw err;
  }
  for (const e of entries) {
    const path = `${rel}/${e.name}`;
    if (e.isDirectory) {
      if (!await readTree(root, path, out, budget)) return false;
    } else if (e.isFile) {
      const content = await readCapped(`${root}/${path}`, budget);
      if (!content) return false;
      out.set(path, content);
    }
  }
  return true;
}

/** Reads a regular file if it fits in `budget.left` (then charged); `undefined` if not. */
async function readCapped(
  path: string,
  budget: { left: number },
): Promise<Uint8Array | undefined> {
  const info = await Deno.lstat(path);
  if (!info.isFile || info.size > budget.left) return undefined;
  budget.left -= info.size;
  const content = await Deno.readFile(path);
  return content.length <= info.size ? content : undefined;
}

async function unchanged(
  dir: string,
  cfg: Resolved,
  compare: DeployOptions["compare"],
  prepare?: DeployOptions["prepare"],
): Promise<boolean> {
  const old = new Map<string, Uint8Array>();
  const budget = { left: cfg.maxCompareBytes };
  if (cfg.subdir) {
    // Over the budget: treat as changed; the folder is rewritten without reading the rest.
    if (!await readTree(dir, cfg.subdir, old, budget)) return false;
  } else {
    for (const path of cfg.files.keys()) {
      const info = await lstatOrNone(`${dir}/${path}`);
      if (!info) continue;
      const content = await readCapped(`${dir}/${path}`, budget);
      if (!content) return false;
      old.set(path, content);
    }
  }
  const strip = (m: Map<string, Uint8Array>) => {
    const n = cfg.subdir ? cfg.subdir.length + 1 : 0;
    return Object.fromEntries([...m].map(([p, c]) => [p.slice(n), c]));
  };
  const text = (r: Record<string, Uint8Array>) =>
    Object.fromEntries(
      Object.entries(r).map(([p, c]) => [p, new TextDecoder().decode(c)]),
    );
  const oldFiles = strip(old);
  if (prepare) {
    const join = (p: string) => (cfg.subdir ? `${cfg.subdir}/${p}` : p);
    cfg.files = new Map(
      Object.entries(prepare(text(oldFiles))).map((
        [p, c],
      ) => [join(normalizePath(p, "file path", false)), toBytes(c)]),
    );
  }
  const newFiles = strip(cfg.files);
  if (!compare) return defaultCompare(oldFiles, newFiles);
  return compare(text(oldFiles), text(newFiles));
}

/** Writes every file as a temp file beside it, then renames it into place. */
async function writeFiles(dir: string, cfg: Resolved): Promise<void> {
  if (cfg.subdir) {
    await Deno.remove(`${dir}/${cfg.subdir}`, { recursive: true }).catch(
      () => {},
    );
  }
  for (const [path, content] of cfg.files) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await writeAtomic(full, content);
  }
}

// ---------------------------------------------------------------------------------------------
// Running git

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Environment variables passed through to git when (and only when) already granted. */
const PASS_THROUGH = [
  "SSH_AUTH_SOCK",
  "GIT_SSH_COMMAND",
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
  "NO_PROXY",
  "no_proxy",
  "GIT_SSL_CAINFO",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
];

function grantedEnv(name: string): string | undefined {
  try {
    if (
      Deno.permissions.querySync({ name: "env", variable: name }).state !==
        "granted"
    ) {
      return undefined;
    }
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

class Git {
  readonly env: Record<string, string>;

  constructor(
    readonly cfg: Resolved,
    readonly dir: string,
    home: string,
    readonly signal?: AbortSignal,
  ) {
    const config: [string, string][] = [
      ["gc.auto", "0"],
      ["maintenance.auto", "false"],
      ["core.hooksPath", "/dev/null"],
      ["core.autocrlf", "false"],
      ["commit.gpgSign", "false"],
      ["credential.helper", ""],
      // Let curl give up on a stalled transfer by itself too (git-remote-http survives our kill).
      ["http.lowSpeedLimit", "1"],
      [
        "http.lowSpeedTime",
        String(Math.max(1, Math.ceil(cfg.timeoutMs / 1000))),
      ],
      ...cfg.config,
    ];
    const env: Record<string, string> = {
      PATH: grantedEnv("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: home,
      LC_ALL: "C",
      LANG: "C",
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_ALLOW_PROTOCOL: "file:git:http:https:ssh",
      GIT_SSH_COMMAND:
        "ssh -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4",
      GIT_AUTHOR_NAME: cfg.authorName,
      GIT_AUTHOR_EMAIL: cfg.authorEmail,
      GIT_COMMITTER_NAME: cfg.authorName,
      GIT_COMMITTER_EMAIL: cfg.authorEmail,
      GIT_CONFIG_COUNT: String(config.length),
    };
    config.forEach(([k, v], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = k;
      env[`GIT_CONFIG_VALUE_${i}`] = v;
    });
    for (const name of PASS_THROUGH) {
      const value = grantedEnv(name);
      if (value !== undefined) env[name] = value;
    }
    this.env = env;
  }

  /** Run git; throws {@link GitDeployError} on failure unless `allowFail`. */
  async run(
    args: string[],
    step: string,
    allowFail = false,
  ): Promise<GitResult> {
    if (this.signal?.aborted) {
      throw new GitDeployError("the deploy was cancelled", "aborted");
    }
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("git", {
        args,
        cwd: this.dir,
        env: this.env,
        clearEnv: true,
        // Its own process group, so that a kill reaches its helpers too (git-remote-https, ssh).
        detached: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new GitDeployError(
          "git is not installed (or not on PATH): install git (e.g. apt-get install git) to deploy to GIT_REPOSITORY_URL",
          "git-missing",
        );
      }
      if (
        err instanceof Deno.errors.NotCapable ||
        err instanceof Deno.errors.PermissionDenied
      ) {
        throw new GitDeployError(
          "Deno may not run git: grant --allow-run=git to deploy to GIT_REPOSITORY_URL",
          "git-missing",
        );
      }
      throw err;
    }
    let timedOut = false, aborted = false;
    const kill = () => {
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      killGroup(child.pid);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, this.cfg.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    this.signal?.addEventListener("abort", onAbort);
    const out = collect(child.stdout), err = collect(child.stderr);
    let status: Deno.CommandStatus;
    try {
      status = await child.status;
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener("abort", onAbort);
    }
    // A killed git may leave helpers (ssh, git-remote-https) holding the pipes: don't wait on them.
    const texts = await settle(
      Promise.all([out.text, err.text]),
      timedOut || aborted ? 1000 : undefined,
    );
    if (!texts) {
      out.cancel();
      err.cancel();
    }
    const result: GitResult = {
      code: status.code,
      stdout: texts?.[0] ?? "",
      stderr: texts?.[1] ?? "",
      timedOut,
    };
    if (aborted) {
      throw new GitDeployError("the deploy was cancelled", "aborted");
    }
    if (result.code !== 0 && (!allowFail || timedOut)) {
      throw this.failure(step, result);
    }
    return result;
  }

  /** A {@link GitDeployError} describing a failed git command, scrubbed of secrets. */
  failure(step: string, r: GitResult): GitDeployError {
    const { cfg } = this;
    const url = cfg.display;
    if (r.timedOut) {
      return new GitDeployError(
        `GIT_REPOSITORY_URL ${url}: git ${step} timed out after ${cfg.timeoutMs / 1000}s ` +
          `(slow or unreachable remote; raise timeoutMs if the repository is large)`,
        "timeout",
      );
    }
    const text = scrub(`${r.stderr}\n${r.stdout}`, cfg.secrets);
    if (
      /Authentication failed|could not read (Username|Password)|terminal prompts disabled|HTTP Basic: Access denied|Invalid username or password|returned error: 40[13]|Permission to \S+ denied|Bad credentials/i
        .test(text)
    ) {
      if (cfg.hasToken) {
        return new GitDeployError(
          `GIT_TOKEN was rejected by ${cfg.host} (check the token's scope / expiry)`,
          "auth",
        );
      }
      return new GitDeployError(
        `GIT_REPOSITORY_URL ${url} needs authentication: set GIT_TOKEN to a token that may push to it`,
        "auth",
      );
    }
    if (/Host key verification failed/i.test(text)) {
      return new GitDeployError(
        `GIT_REPOSITORY_URL ${url}: unknown SSH host key for ${cfg.host} (add it to ~/.ssh/known_hosts)`,
        "auth",
      );
    }
    if (/Permission denied \(publickey/i.test(text)) {
      return new GitDeployError(
        `GIT_REPOSITORY_URL ${url}: the SSH key was rejected by ${cfg.host} (check the deploy key or ssh-agent)`,
        "auth",
      );
    }
    const reason = summarize(text);
    if (
      step === "push" &&
      /\[remote rejected\]|pre-receive hook declined|protected branch/i.test(
        text,
      )
    ) {
      return new GitDeployError(
        `GIT_REPOSITORY_URL ${url}: the remote refused the push to ${cfg.branch} (${reason}); check branch protection for the bot`,
        "rejected",
      );
    }
    if (
      /does not appear to be a git repository|not found|Could not resolve|Failed to connect|Couldn't connect|Connection refused|Connection timed out|Connection reset|No route to host|Network is unreachable|unable to access|Could not read from remote|Name or service not known|unable to connect|Empty reply|SSL/i
        .test(text)
    ) {
      const hint = cfg.hasToken && /not found|404/i.test(text)
        ? "; if it is private, check that GIT_TOKEN may access it"
        : "";
      return new GitDeployError(
        `GIT_REPOSITORY_URL ${url}: could not reach the repository (${reason}${hint})`,
        "unreachable",
      );
    }
    return new GitDeployError(
      `git ${step} failed for GIT_REPOSITORY_URL ${url}: ${reason}`,
      "git",
    );
  }
}

/**
 * Kills every process of the group `pgid` (git and the helpers it started, which a kill of git
 * alone would orphan, still holding the token in their environment). Needs `--allow-run=kill`;
 * without it only git itself is killed.
 */
function killGroup(pgid: number): void {
  try {
    const child = new Deno.Command("kill", {
      args: ["-KILL", "--", `-${pgid}`],
      clearEnv: true,
      env: { PATH: grantedEnv("PATH") ?? "/usr/local/bin:/usr/bin:/bin" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.status.catch(() => {});
  } catch {
    // kill not installed or not allowed: git alone was killed.
  }
}

function isRetryableRejection(output: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to lock|stale info/i
    .test(output);
}

/** The most telling line of git's output, on one line. */
function summarize(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /^ssh: /.test(l)) ??
    lines.find((l) => /^(fatal|error):/i.test(l)) ??
    lines.find((l) => /^!/.test(l)) ?? lines.at(-1) ?? "no output";
  let reason = line.replace(/^(fatal|error):\s*/i, "").replace(/^!\s*/, "");
  reason = reason.replace(/^unable to access '[^']*':\s*/, "");
  return reason.length > 200 ? `${reason.slice(0, 197)}...` : reason;
}

/** Remove secrets and URL userinfo (`scheme://user:pass@`) from text. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(s).join("***");
  }
  return scrubUserinfo(out);
}

/** `https://user:pass@` and `https://token@` → `https://***@`; `ssh://git:pass@` → `ssh://git:***@`. */
function scrubUserinfo(text: string): string {
  return text
    .replace(/\b(https?:\/\/)[^\s/@'"]*@/gi, "$1***@")
    .replace(/\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^\s/@:'"]*):[^\s/@'"]*@/g, "$1$2:***@");
}

function collect(
  stream: ReadableStream<Uint8Array>,
): { text: Promise<string>; cancel(): void } {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  const text = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch { /* cancelled */ }
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) all.set(c, (at += c.length) - c.length);
    return new TextDecoder().decode(all);
  })();
  return { text, cancel: () => void reader.cancel().catch(() => {}) };
}

/** `p`'s value, or `undefined` if it does not settle within `ms` (no limit when undefined). */
async function settle<T>(
  p: Promise<T>,
  ms: number | undefined,
): Promise<T | undefined> {
  if (ms === undefined) return await p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      return reject(new GitDeployError("the deploy was cancelled", "aborted"));
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new GitDeployError("the deploy was cancelled", "aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------
// Bytes and JSON

function toBytes(content: string | Uint8Array | undefined): Uint8Array {
  if (content === undefined) return new Uint8Array();
  return typeof content === "string" ? new TextEncoder().encode(content) : content;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseJsonObject(
  bytes: Uint8Array,
): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function stableStringify(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  );
}
