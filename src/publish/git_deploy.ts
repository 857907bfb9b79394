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
 * The concerns live in their own modules, re-exported here: options (`deploy_options.ts`), the
 * repository URL and branch rules (`repository_url.ts`), the error (`deploy_error.ts`), running
 * git (`git_process.ts`, `git_failure.ts`), the clone (`deploy_tree.ts`), the comparison
 * (`deploy_compare.ts`) and the temp dirs (`deploy_temp.ts`).
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

import { delay } from "../core/delay.ts";
import { GitDeployError } from "./deploy_error.ts";
import { type DeployOptions, type Resolved, resolveOptions } from "./deploy_options.ts";
import { keepFresh, TEMP_PREFIX } from "./deploy_temp.ts";
import {
  assertNoSymlinks,
  prepareWorkDir,
  syncWithRemote,
  unchanged,
  writeFiles,
} from "./deploy_tree.ts";
import { isRetryableRejection } from "./git_failure.ts";
import { Git } from "./git_process.ts";

export { defaultCompare } from "./deploy_compare.ts";
export { GitDeployError, type GitDeployErrorKind } from "./deploy_error.ts";
export type { DeployOptions } from "./deploy_options.ts";
export { removeStaleTempDirs, STALE_AFTER_MS, TEMP_PREFIX } from "./deploy_temp.ts";
export { checkBranchName, type ParsedRepositoryUrl, parseRepositoryUrl } from "./repository_url.ts";

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
  const stopTouching = keepFresh(() => [home, ownDir ? dir : undefined]);
  try {
    dir = ownDir
      ? await Deno.makeTempDir({ prefix: `${TEMP_PREFIX}deploy-` })
      : await prepareWorkDir(opts.workDir!);
    const git = new Git(cfg, dir, home, opts.signal);
    await git.run(["init", "-q", "-b", cfg.branch, "."], "init");
    await git.run(["remote", "add", "origin", cfg.remote], "remote add");
    return await publish(git, cfg, opts);
  } finally {
    stopTouching();
    await Deno.remove(home, { recursive: true }).catch(() => {});
    if (ownDir && dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Sync, commit if changed, push; on a push rejected because of a concurrent one, again. */
async function publish(git: Git, cfg: Resolved, opts: DeployOptions): Promise<DeployResult> {
  for (let attempt = 1;; attempt++) {
    const tip = await syncWithRemote(git, cfg);
    if (!await commitChange(git, cfg, opts)) return nothingToDo(tip, cfg, attempt - 1);
    const push = await git.run(
      ["push", "--porcelain", "origin", `HEAD:refs/heads/${cfg.branch}`],
      "push",
      true,
    );
    if (push.code === 0) {
      const head = (await git.run(["rev-parse", "HEAD"], "rev-parse")).stdout.trim();
      return {
        committed: true,
        commit: head,
        message: `Pushed ${head.slice(0, 7)} to ${cfg.branch}: ${cfg.message}`,
        pushAttempts: attempt,
      };
    }
    if (!isRetryableRejection(push.stdout + push.stderr)) throw git.failure("push", push);
    if (attempt > cfg.pushRetries) {
      throw new GitDeployError(
        `GIT_REPOSITORY_URL ${cfg.display}: the push to ${cfg.branch} was rejected ` +
          `${attempt} times because others kept pushing; try again later`,
        "contention",
      );
    }
    await delay(100 * 2 ** (attempt - 1) + Math.random() * 100, opts.signal).catch(() => {
      throw new GitDeployError("the deploy was cancelled", "aborted");
    });
  }
}

/** Writes the files into the synced clone and commits them; `false` when nothing changed. */
async function commitChange(git: Git, cfg: Resolved, opts: DeployOptions): Promise<boolean> {
  await assertNoSymlinks(git.dir, cfg);
  if (await unchanged(git.dir, cfg, opts.compare, opts.prepare)) return false;
  await assertNoSymlinks(git.dir, cfg); // again: `prepare` may have named other paths
  await writeFiles(git.dir, cfg);
  await git.run(["add", "-A", "--", ...cfg.addPaths], "add");
  const diff = await git.run(["diff", "--cached", "--quiet"], "diff", true);
  if (diff.code === 0) return false;
  await git.run(["commit", "-q", "--no-verify", "-m", cfg.message], "commit");
  return true;
}

function nothingToDo(tip: string | null, cfg: Resolved, pushAttempts: number): DeployResult {
  const label = tip ? tip.slice(0, 7) : "(new branch)";
  return {
    committed: false,
    commit: tip ?? "",
    message: `Nothing to publish: ${cfg.branch} at ${label} already has this content`,
    pushAttempts,
  };
}
