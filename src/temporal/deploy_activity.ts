/**
 * The deploy activity's body: {@link deployToGit} with heartbeats, the activity's cancellation
 * signal (a cancel kills the running `git`), and a commit trailer naming the workflow run, so
 * that a retried attempt which finds the remote already up to date can tell "published in an
 * earlier attempt of this run" from "nothing to publish".
 *
 * @example
 * ```ts
 * import { deployWithHeartbeats } from "./deploy_activity.ts";
 * const outcome = await deployWithHeartbeats({
 *   repositoryUrl: "https://github.com/example/pages.git",
 *   token: Deno.env.get("GIT_TOKEN"),
 *   files: { "data.json": "{}" },
 * });
 * console.log(outcome.message); // "Pushed 1a2b3c4 to main: …" | "Published 1a2b3c4 … earlier attempt …"
 * ```
 * @module
 */
import { deployToGit } from "../publish/git_deploy.ts";
import type { DeployOptions } from "../publish/git_deploy.ts";
import { activityContext, withHeartbeats } from "./heartbeat.ts";

/** Outcome of the `deployWebData` activity. */
export interface DeployOutcome {
  /** Whether this run's content was committed (by this attempt or an earlier one). */
  committed: boolean;
  /** The branch's commit after the deploy. */
  commit?: string;
  /** One line for the result and logs. */
  message: string;
  /** True when an earlier attempt of the same activity pushed and this retry found its commit. */
  earlierAttempt?: boolean;
  /** Set when the input named a deploy target, which was ignored (`LEGACY_TARGET_WARNING`). */
  warning?: string;
}

/** The trailer line our deploy commits carry: `Workflow-Run: <workflowId>/<runId>`. */
export function runTrailer(workflowId: string, runId: string): string {
  return `Workflow-Run: ${workflowId}/${runId}`;
}

/** The commit message: `Update food truck data (N events)` + the run trailer in an activity. */
function commitMessage(files: DeployOptions["files"], trailer: string | undefined): string {
  let subject = "Update food truck data";
  const data = files["data.json"];
  try {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    const events = JSON.parse(text)?.events;
    if (Array.isArray(events)) subject += ` (${events.length} events)`;
  } catch { /* no data.json or not JSON: plain subject */ }
  return trailer ? `${subject}\n\n${trailer}` : subject;
}

/** `PATH` when the process may read it, else the usual system folders. */
function envPath(): string {
  try {
    return Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
  } catch {
    return "/usr/local/bin:/usr/bin:/bin";
  }
}

/** The full message of HEAD in `dir` ("" when it cannot be read). */
async function headMessage(dir: string): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["-C", dir, "log", "-1", "--format=%B"],
      clearEnv: true,
      env: {
        PATH: envPath(),
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: "1",
        LC_ALL: "C",
      },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : "";
  } catch {
    return "";
  }
}

/**
 * Deploys like {@link deployToGit} (its `signal`, `message` and `workDir` are set here), heartbeating
 * every second. On a retry (attempt > 1) that finds nothing to publish, a tip commit carrying this
 * run's trailer is reported as `earlierAttempt: true`, `committed: true`.
 */
export async function deployWithHeartbeats(
  options: Omit<DeployOptions, "signal" | "message" | "workDir">,
): Promise<DeployOutcome> {
  const ctx = activityContext();
  const exec = ctx?.info.workflowExecution;
  const trailer = exec ? runTrailer(exec.workflowId, exec.runId) : undefined;
  const workDir = await Deno.makeTempDir({ prefix: "atg-git-deploy-" });
  try {
    const r = await withHeartbeats((signal) =>
      deployToGit({
        ...options,
        message: commitMessage(options.files, trailer),
        workDir,
        ...(signal ? { signal } : {}),
      })
    );
    if (!r.committed && trailer && (ctx?.info.attempt ?? 1) > 1 && r.commit) {
      const message = await headMessage(workDir);
      if (message.split("\n").some((l) => l.trim() === trailer)) {
        return {
          committed: true,
          commit: r.commit,
          earlierAttempt: true,
          message: `Published ${r.commit.slice(0, 7)} in an earlier attempt of this run`,
        };
      }
    }
    return { committed: r.committed, commit: r.commit, message: r.message };
  } finally {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}
