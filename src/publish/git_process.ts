/**
 * Running git for the deploy: never through a shell, with a clean environment (a private `HOME`,
 * no system or global config, no prompts, the token only as a `GIT_CONFIG_*` entry), a timeout,
 * and cancellation that kills git's whole process group (its helpers hold the token too).
 *
 * @example
 * ```ts
 * import { Git } from "./git_process.ts";
 * import { resolveOptions } from "./deploy_options.ts";
 *
 * const cfg = resolveOptions({ repositoryUrl: "/srv/site.git", files: { "a.txt": "a" } });
 * const dir = await Deno.makeTempDir(), home = await Deno.makeTempDir();
 * const git = new Git(cfg, dir, home);
 * await git.run(["init", "-q", "."], "init"); // throws GitDeployError on failure
 * ```
 *
 * @module
 */

import { settlesWithin } from "../core/delay.ts";
import { GitDeployError } from "./deploy_error.ts";
import type { Resolved } from "./deploy_options.ts";
import { gitFailure, type GitResult } from "./git_failure.ts";

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

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/** `Deno.env.get(name)` when env access to `name` is already granted (never prompts). */
function grantedEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** git's configuration, all through the environment: no hooks, no gc, no helpers, the token. */
function gitConfig(cfg: Resolved): [string, string][] {
  return [
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
    ["core.hooksPath", "/dev/null"],
    ["core.autocrlf", "false"],
    ["commit.gpgSign", "false"],
    ["credential.helper", ""],
    // Let curl give up on a stalled transfer by itself too (git-remote-http survives our kill).
    ["http.lowSpeedLimit", "1"],
    ["http.lowSpeedTime", String(Math.max(1, Math.ceil(cfg.timeoutMs / 1000)))],
    ...cfg.config,
  ];
}

/** The whole environment git runs with (`clearEnv`): nothing of ours but what it needs. */
function gitEnv(cfg: Resolved, home: string): Record<string, string> {
  const config = gitConfig(cfg);
  const env: Record<string, string> = {
    PATH: grantedEnv("PATH") ?? DEFAULT_PATH,
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
  return env;
}

/** git in one clone, for one deploy. */
export class Git {
  /** The environment every git command gets. */
  readonly env: Record<string, string>;

  constructor(
    readonly cfg: Resolved,
    readonly dir: string,
    home: string,
    readonly signal?: AbortSignal,
  ) {
    this.env = gitEnv(cfg, home);
  }

  /**
   * Runs git; throws {@link GitDeployError} on failure unless `allowFail` (a timeout or a
   * cancellation always throws).
   */
  async run(args: string[], step: string, allowFail = false): Promise<GitResult> {
    if (this.signal?.aborted) throw new GitDeployError("the deploy was cancelled", "aborted");
    const child = spawnGit(args, this.dir, this.env);
    const out = collect(child.stdout), err = collect(child.stderr);
    const { status, timedOut, aborted } = await waitOrKill(
      child,
      this.cfg.timeoutMs,
      this.signal,
    );
    // A killed git may leave helpers (ssh, git-remote-https) holding the pipes: don't wait on them.
    const reading = Promise.all([out.text, err.text]);
    const texts = !(timedOut || aborted) || await settlesWithin(reading, 1000)
      ? await reading
      : undefined;
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
    if (aborted) throw new GitDeployError("the deploy was cancelled", "aborted");
    if (result.code !== 0 && (!allowFail || timedOut)) throw this.failure(step, result);
    return result;
  }

  /** A {@link GitDeployError} describing a failed git command, scrubbed of secrets. */
  failure(step: string, r: GitResult): GitDeployError {
    return gitFailure(this.cfg, step, r);
  }
}

/** Starts git in its own process group, so that a kill reaches its helpers too (ssh, …). */
function spawnGit(args: string[], cwd: string, env: Record<string, string>): Deno.ChildProcess {
  try {
    return new Deno.Command("git", {
      args,
      cwd,
      env,
      clearEnv: true,
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
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw new GitDeployError(
        "Deno may not run git: grant --allow-run=git to deploy to GIT_REPOSITORY_URL",
        "git-missing",
      );
    }
    throw err;
  }
}

/** Waits for `child`, killing its process group after `timeoutMs` or when `signal` aborts. */
async function waitOrKill(
  child: Deno.ChildProcess,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ status: Deno.CommandStatus; timedOut: boolean; aborted: boolean }> {
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
  }, timeoutMs);
  const onAbort = () => {
    aborted = true;
    kill();
  };
  signal?.addEventListener("abort", onAbort);
  try {
    return { status: await child.status, timedOut, aborted };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
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
      env: { PATH: grantedEnv("PATH") ?? DEFAULT_PATH },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.status.catch(() => {});
  } catch {
    // kill not installed or not allowed: git alone was killed.
  }
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
