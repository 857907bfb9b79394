/**
 * The rules for a deploy's repository URL (`GIT_REPOSITORY_URL`) and branch name, shared by the
 * git deploy and the configuration's validation (`src/config/git.ts`).
 *
 * @example
 * ```ts
 * import { checkBranchName, parseRepositoryUrl } from "./repository_url.ts";
 *
 * console.log(parseRepositoryUrl("git@github.com:owner/site.git").kind); // "ssh"
 * console.log(checkBranchName("gh pages")); // "contains a space, control character or …"
 * ```
 *
 * @module
 */

import { configError } from "./deploy_error.ts";

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

const SUPPORTED = "use https://, ssh://, git@host:path, file:// or a path";

/**
 * Checks a repository URL (`GIT_REPOSITORY_URL`) and says how git will reach it. Refused, with a
 * one-line {@link GitDeployError} of kind `"config"` that never repeats a secret:
 * credentials in the URL in any scheme and any case (`HTTP://user:pw@`, `Https://TOKEN@`,
 * `ssh://git:password@`, `git:password@host:path`), git remote helpers (`ext::…`), schemes other
 * than https, http, ssh, git and file, and — when `hasToken` — plain `http://` (the token is only
 * ever sent over https).
 *
 * @param options.hasToken whether a `GIT_TOKEN` will be sent. Default `false`.
 */
export function parseRepositoryUrl(
  repositoryUrl: string,
  { hasToken = false }: { hasToken?: boolean } = {},
): ParsedRepositoryUrl {
  const raw = repositoryUrl.trim();
  checkPlainText(raw);
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(raw);
  if (schemeMatch) {
    return parseSchemeUrl(raw, schemeMatch[1].toLowerCase(), schemeMatch[2], hasToken);
  }
  if (!raw.startsWith("/") && /^[^/]+:/.test(raw)) return parseScpLike(raw);
  const remote = raw.startsWith("/") ? raw : `${Deno.cwd()}/${raw}`;
  return { kind: "path", remote, host: remote, display: raw };
}

/** Refuses an empty value, option-like or control characters, and git remote helpers. */
function checkPlainText(raw: string): void {
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
      `GIT_REPOSITORY_URL uses a git remote helper ("<transport>::…"): ${SUPPORTED}`,
    );
  }
}

function credentialsError() {
  return configError(
    "GIT_REPOSITORY_URL contains credentials (a user name or password before @): remove them " +
      "from the URL and put the token in GIT_TOKEN or GIT_TOKEN_FILE",
  );
}

/** `scheme://authority/…`: only the supported schemes, no credentials (ssh may name a user). */
function parseSchemeUrl(
  raw: string,
  scheme: string,
  authority: string,
  hasToken: boolean,
): ParsedRepositoryUrl {
  const at = authority.lastIndexOf("@");
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  if (!["http", "https", "ssh", "git", "file"].includes(scheme)) {
    throw configError(
      `GIT_REPOSITORY_URL uses the unsupported scheme "${scheme}://": ${SUPPORTED}`,
    );
  }
  // ssh may name a user (git@); a password there, or any user info elsewhere, is a credential.
  if (userinfo !== undefined && (scheme !== "ssh" || userinfo.includes(":"))) {
    throw credentialsError();
  }
  if (scheme === "http" || scheme === "https") return parseHttpUrl(raw, scheme, hasToken);
  if (scheme === "file") return { kind: "file", remote: raw, host: raw, display: raw };
  const host = /^[^@]*@/.test(authority) ? authority.slice(at + 1) : authority;
  return {
    kind: scheme as "ssh" | "git",
    remote: raw,
    host: host.replace(/:\d+$/, ""),
    display: raw,
  };
}

function parseHttpUrl(
  raw: string,
  scheme: "http" | "https",
  hasToken: boolean,
): ParsedRepositoryUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(`GIT_REPOSITORY_URL is not a valid URL: fix its value`);
  }
  if (url.username || url.password) throw credentialsError();
  if (scheme === "http" && hasToken) {
    throw configError(
      "GIT_REPOSITORY_URL is plain http://: GIT_TOKEN is only ever sent over https; " +
        "use the https:// URL (or unset GIT_TOKEN / GIT_TOKEN_FILE for a server that needs none)",
    );
  }
  return { kind: scheme, remote: url.href, host: url.host, display: url.href };
}

/** scp-like `[user@]host:path` (a colon before any slash); `user:password@host:path` refused. */
function parseScpLike(raw: string): ParsedRepositoryUrl {
  const at = raw.indexOf("@"), slash = raw.indexOf("/");
  if (at >= 0 && (slash < 0 || at < slash) && raw.slice(0, at).includes(":")) {
    throw credentialsError();
  }
  const host = /^(?:[^@/]*@)?([^:/]+):/.exec(raw)?.[1] ?? raw;
  return { kind: "ssh", remote: raw, host, display: raw };
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
