/**
 * A worker whose deploy is deliberately NOT idempotent: every attempt publishes a fresh
 * `deployed-at.txt` and always commits. The deploy-kill drill must fail against it (two
 * commits), which proves the drill can tell an exactly-once deploy from one that is not.
 * Run like the worker task: `deno run <worker flags> tests/drills/_non_idempotent_worker.ts`.
 * @module
 */
import { loadConfig, requireValid } from "../../src/config/mod.ts";
import { runWorker } from "../../src/temporal/worker.ts";
import { deployToGit } from "../../src/publish/git_deploy.ts";
import { publishedFiles } from "../../src/publish/preview.ts";
import { withHeartbeats } from "../../src/temporal/heartbeat.ts";
import type { WebData } from "../../src/publish/data.ts";

const cfg = requireValid(await loadConfig({ noEnvFile: true }));
await runWorker(cfg, {
  activityOverrides: {
    deployWebData: (data: WebData) =>
      withHeartbeats(async (signal) => {
        const r = await deployToGit({
          repositoryUrl: cfg.app.deploy!.repositoryUrl,
          files: { ...await publishedFiles(data), "deployed-at.txt": new Date().toISOString() },
          compare: () => false,
          ...(signal ? { signal } : {}),
        });
        return { committed: r.committed, commit: r.commit, message: r.message };
      }),
  },
  onReady: (i) => console.error(`worker: RUNNING identity=${i.identity} (non-idempotent deploy)`),
});
