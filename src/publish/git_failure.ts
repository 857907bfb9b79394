/**
 * What a failed git command means, as one {@link GitDeployError} line without secrets: timeouts,
 * rejected credentials or SSH keys, refused pushes, unreachable remotes; and which push
 * rejections a retry on the new tip can fix.
 *
 * @example
 * ```ts
 * import { gitFailure } from "./git_failure.ts";
 * import { resolveOptions } from "./deploy_options.ts";
 *
 * const cfg = resolveOptions({ repositoryUrl: "/srv/site.git", files: { "a.txt": "a" } });
 * const stderr = "fatal: '/srv/site.git' does not appear to be a git repository";
 * const err = gitFailure(cfg, "fetch", { code: 128, stdout: "", stderr, timedOut: false });
 * console.log(err.kind); // "unreachable"
 * ```
 *
 * @module
 */

import { GitDeployError } from "./deploy_error.ts";
import type { Resolved } from "./deploy_options.ts";

/** The outcome of one git command. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Whether it was killed for exceeding `timeoutMs`. */
  timedOut: boolean;
}

type Settings = Pick<
  Resolved,
  "display" | "host" | "branch" | "hasToken" | "secrets" | "timeoutMs"
>;

const AUTH_FAILED =
  /Authentication failed|could not read (Username|Password)|terminal prompts disabled|HTTP Basic: Access denied|Invalid username or password|returned error: 40[13]|Permission to \S+ denied|Bad credentials/i;
const PUSH_REFUSED = /\[remote rejected\]|pre-receive hook declined|protected branch/i;
const UNREACHABLE =
  /does not appear to be a git repository|not found|Could not resolve|Failed to connect|Couldn't connect|Connection refused|Connection timed out|Connection reset|No route to host|Network is unreachable|unable to access|Could not read from remote|Name or service not known|unable to connect|Empty reply|SSL/i;

/** A {@link GitDeployError} describing the failed git command `step`, scrubbed of secrets. */
export function gitFailure(cfg: Settings, step: string, r: GitResult): GitDeployError {
  const url = cfg.display;
  if (r.timedOut) {
    return new GitDeployError(
      `GIT_REPOSITORY_URL ${url}: git ${step} timed out after ${cfg.timeoutMs / 1000}s ` +
        `(slow or unreachable remote; raise timeoutMs if the repository is large)`,
      "timeout",
    );
  }
  const text = scrub(`${r.stderr}\n${r.stdout}`, cfg.secrets);
  const auth = authFailure(cfg, text);
  if (auth) return auth;
  const reason = summarize(text);
  if (step === "push" && PUSH_REFUSED.test(text)) {
    return new GitDeployError(
      `GIT_REPOSITORY_URL ${url}: the remote refused the push to ${cfg.branch} (${reason}); ` +
        "check branch protection for the bot",
      "rejected",
    );
  }
  if (UNREACHABLE.test(text)) {
    const hint = cfg.hasToken && /not found|404/i.test(text)
      ? "; if it is private, check that GIT_TOKEN may access it"
      : "";
    return new GitDeployError(
      `GIT_REPOSITORY_URL ${url}: could not reach the repository (${reason}${hint})`,
      "unreachable",
    );
  }
  return new GitDeployError(`git ${step} failed for GIT_REPOSITORY_URL ${url}: ${reason}`, "git");
}

/** A rejected token, missing credentials, an unknown SSH host key or a rejected SSH key. */
function authFailure(cfg: Settings, text: string): GitDeployError | undefined {
  const url = cfg.display;
  if (AUTH_FAILED.test(text)) {
    return new GitDeployError(
      cfg.hasToken
        ? `GIT_TOKEN was rejected by ${cfg.host} (check the token's scope / expiry)`
        : `GIT_REPOSITORY_URL ${url} needs authentication: set GIT_TOKEN to a token that may push to it`,
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
  return undefined;
}

/** Whether git's push output says someone pushed first (a retry on the new tip can succeed). */
export function isRetryableRejection(output: string): boolean {
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
