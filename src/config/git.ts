/**
 * The worker's deploy settings: where `--deploy` publishes (`GIT_REPOSITORY_URL`, `GIT_BRANCH`,
 * `GIT_DEPLOY_DIR`, `GIT_AUTHOR_*`) and the token (`GIT_TOKEN` or `GIT_TOKEN_FILE`). They belong
 * to the worker alone: workflow input (and so `start --deploy`, schedules, `temporal workflow
 * start`) can only ask for a deploy, never say where.
 *
 * Validation (one {@link ConfigIssue} per problem, never repeating a secret): the URL's scheme
 * and shape and no credentials in it in any scheme or case (see `parseRepositoryUrl`), no token
 * with a plain `http://` URL, a branch name `git check-ref-format --branch` accepts, a deploy
 * folder that is relative and stays inside the repository, not both `GIT_TOKEN` and
 * `GIT_TOKEN_FILE`, and a token file that is a readable regular file (at most
 * {@link MAX_TOKEN_FILE_BYTES}) holding one token. The file is read again for every deploy, so a
 * rotated token applies without a restart.
 *
 * @example
 * ```ts
 * import { readGitSettings, readGitToken } from "./git.ts";
 * const { settings, issues } = readGitSettings({ GIT_REPOSITORY_URL: "https://example.com/s.git" });
 * if (settings) console.log(settings.branch, settings.subdir, await readGitToken(settings));
 * ```
 * @module
 */
import { checkBranchName, GitDeployError, parseRepositoryUrl } from "../publish/git_deploy.ts";
import type { ConfigIssue, EnvMap } from "./common.ts";
import { describeFsError, readSmallTextFile } from "./files.ts";

/** Variables of the deploy settings (all read only by the config module). */
export const GIT_ENV_NAMES = [
  "GIT_REPOSITORY_URL",
  "GIT_TOKEN",
  "GIT_TOKEN_FILE",
  "GIT_BRANCH",
  "GIT_DEPLOY_DIR",
  "GIT_AUTHOR_NAME",
  "GIT_AUTHOR_EMAIL",
] as const;

/** Largest `GIT_TOKEN_FILE` read: 64 KiB. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** The worker's deploy target and token source. `token` is a secret: never print it. */
export interface GitSettings {
  /** `GIT_REPOSITORY_URL` (validated; no credentials in it). */
  repositoryUrl: string;
  /** `GIT_BRANCH`. Default `"main"`. */
  branch: string;
  /** `GIT_DEPLOY_DIR`: folder in the repository. Default `"public"`; `.` is the root (`""`). */
  subdir: string;
  /** `GIT_AUTHOR_NAME`. Default: the deploy's (`Around the Grounds`). */
  authorName?: string;
  /** `GIT_AUTHOR_EMAIL`. Default: the deploy's. */
  authorEmail?: string;
  /** `GIT_TOKEN`. */
  token?: string;
  /** `GIT_TOKEN_FILE`: read again by {@link readGitToken} for every deploy. */
  tokenFile?: string;
}

/** A `GIT_TOKEN_FILE` that cannot be used; the message names the variable and never the token. */
export class GitTokenFileError extends Error {
  override name = "GitTokenFileError";
}

/** Parses and validates the deploy settings; `settings` is absent without `GIT_REPOSITORY_URL`. */
export function readGitSettings(vars: EnvMap): { settings?: GitSettings; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const token = vars.GIT_TOKEN?.trim() || undefined;
  const tokenFile = vars.GIT_TOKEN_FILE?.trim() || undefined;
  if (token && tokenFile) {
    issues.push({
      variable: "GIT_TOKEN / GIT_TOKEN_FILE",
      message: "both are set; keep only one (the file form allows rotation without restart)",
    });
  }
  if (token && /[\s\0]/.test(token)) {
    issues.push({
      variable: "GIT_TOKEN",
      message: "contains whitespace or control characters: set it to the token alone",
    });
  }
  const branch = vars.GIT_BRANCH?.trim() || "main";
  const branchProblem = checkBranchName(branch);
  if (branchProblem) {
    issues.push({
      variable: "GIT_BRANCH",
      message: `${JSON.stringify(branch)} is not a valid branch name (${branchProblem})`,
    });
  }
  const subdir = deployDir(vars.GIT_DEPLOY_DIR, issues);
  const url = vars.GIT_REPOSITORY_URL?.trim();
  if (!url) return { issues };
  try {
    parseRepositoryUrl(url, { hasToken: !!(token || tokenFile) });
  } catch (err) {
    if (!(err instanceof GitDeployError)) throw err;
    issues.push({
      variable: "GIT_REPOSITORY_URL",
      message: err.message.replace(/^GIT_REPOSITORY_URL:?\s*/, ""),
    });
    return { issues };
  }
  return {
    settings: {
      repositoryUrl: url,
      branch,
      subdir,
      ...(vars.GIT_AUTHOR_NAME ? { authorName: vars.GIT_AUTHOR_NAME } : {}),
      ...(vars.GIT_AUTHOR_EMAIL ? { authorEmail: vars.GIT_AUTHOR_EMAIL } : {}),
      ...(token ? { token } : {}),
      ...(tokenFile ? { tokenFile } : {}),
    },
    issues,
  };
}

/** `GIT_DEPLOY_DIR` normalized (`""` for the root), or an issue when it leaves the repository. */
function deployDir(raw: string | undefined, issues: ConfigIssue[]): string {
  const value = raw?.trim();
  if (!value) return "public";
  const parts = value.split("/").filter((p) => p !== "" && p !== ".");
  if (
    // deno-lint-ignore no-control-regex
    value.startsWith("/") || value.includes("\\") || /[\0-\x1f\x7f]/.test(value) ||
    parts.some((p) => p === ".." || p.toLowerCase() === ".git")
  ) {
    issues.push({
      variable: "GIT_DEPLOY_DIR",
      message: `${
        JSON.stringify(value)
      } must be a relative folder inside the repository (no leading /, no .., not .git; . is the root)`,
    });
    return "public";
  }
  return parts.join("/");
}

/** Checks that `GIT_TOKEN_FILE`, when set, can be read now (config load: check-env, worker start). */
export async function checkGitTokenFile(settings: GitSettings | undefined): Promise<ConfigIssue[]> {
  if (!settings?.tokenFile) return [];
  try {
    await readGitToken(settings);
    return [];
  } catch (err) {
    if (!(err instanceof GitTokenFileError)) throw err;
    return [{ variable: "GIT_TOKEN_FILE", message: err.message }];
  }
}

/**
 * The token for one deploy: `GIT_TOKEN`, or `GIT_TOKEN_FILE` read now with `readSmallTextFile`
 * (a regular UTF-8 file of at most {@link MAX_TOKEN_FILE_BYTES}, one trailing newline dropped),
 * or `undefined`.
 *
 * @throws {GitTokenFileError} when the file is missing, not a regular file, too big, not text,
 *   empty, or holds whitespace inside the token.
 */
export async function readGitToken(settings: GitSettings): Promise<string | undefined> {
  if (!settings.tokenFile) return settings.token;
  const path = settings.tokenFile;
  let text: string;
  try {
    text = await readSmallTextFile(path, { maxBytes: MAX_TOKEN_FILE_BYTES });
  } catch (err) {
    throw new GitTokenFileError(
      `${path}: ${describeFsError(err)} (point it at a readable file holding the token)`,
    );
  }
  const token = text.replace(/\r?\n$/, "");
  if (!token) throw new GitTokenFileError(`${path} is empty (write the token into it)`);
  if (/[\s\0]/.test(token)) {
    throw new GitTokenFileError(
      `${path} holds whitespace or control characters besides the token (write the token alone)`,
    );
  }
  return token;
}
