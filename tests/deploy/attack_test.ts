/**
 * The deploy side of the worker's trust boundary, attacked the way issue 12 describes, with real
 * parts: a Temporal dev server, `deno task worker` holding a `GIT_TOKEN`, `deno task start` and
 * `temporal workflow start` with crafted input, bare git repositories, and local HTTP servers that
 * record the Authorization header of every request they get.
 *
 * Every attack must reach nothing but the worker's own repository, and the worker survives them
 * all (still RUNNING, the next honest run deploys).
 * @module
 */
import assert from "node:assert/strict";
import { Client, Connection } from "@temporalio/client";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { type FoodTruckWorkflowResult, LEGACY_TARGET_WARNING } from "../../src/core/model.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";

const TOKEN = "ghp_ATTACKtestTOKEN0123456789";

/** A plain-HTTP server on 127.0.0.1 that answers 401 and records Authorization headers. */
function recordingServer() {
  const auth: (string | null)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    auth.push(req.headers.get("authorization"));
    return new Response("no", { status: 401, headers: { "WWW-Authenticate": 'Basic realm="x"' } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/site.git`,
    auth,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, stdin: "null" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test({
  name: "deploy attacks through workflow input reach nothing but the worker's own repository",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using server = await startDevServer();
    await using fixtures = await startFixtureServer();
    await using evil = recordingServer();
    const tmp = await Deno.makeTempDir({ prefix: "atg-attack-" });
    try {
      const stoup = fixtures.venueList(await loadVenueList()).filter((v) =>
        v.key === "stoup-ballard"
      );
      const venuesFile = `${tmp}/venues.json`;
      await Deno.writeTextFile(venuesFile, JSON.stringify({ venues: stoup }));
      const bare = `${tmp}/site.git`;
      assert.equal(await git("init", "--bare", "-q", "-b", "main", bare), "");
      // Left by a worker killed mid-deploy: removed at the next start. A fresh one is kept.
      const tmpdir = `${tmp}/tmpdir`;
      await Deno.mkdir(`${tmpdir}/atg-git-deploy-stale/.git`, { recursive: true });
      await Deno.mkdir(`${tmpdir}/atg-git-home-fresh`, { recursive: true });
      const hourAgo = new Date(Date.now() - 3600_000);
      await Deno.utime(`${tmpdir}/atg-git-deploy-stale`, hourAgo, hourAgo);

      const env = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: `attack-${crypto.randomUUID().slice(0, 8)}`,
        ...fixtures.allowEnv, // the venues are the local fixture server
      };
      await using worker = await spawnTask("worker", [], {
        env: {
          ...env,
          GIT_REPOSITORY_URL: bare,
          GIT_TOKEN: TOKEN,
          GIT_AUTHOR_NAME: "Worker Bot",
          TMPDIR: tmpdir,
        },
      });
      let exited = false;
      worker.status.then(() => exited = true, () => exited = true);
      await worker.waitFor(/worker: RUNNING/, 60_000);
      const connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection });
      const commits = async () =>
        Number(await git("--git-dir", bare, "rev-list", "--count", "--all"));

      try {
        await t.step("stale atg-git-* temp dirs are removed when the worker starts", async () => {
          const names = (await Array.fromAsync(Deno.readDir(tmpdir))).map((e) => e.name);
          assert.ok(!names.includes("atg-git-deploy-stale"), names.join(", "));
          assert.ok(names.includes("atg-git-home-fresh"), names.join(", "));
          assert.match(worker.output(), /removed stale deploy temp dir .*atg-git-deploy-stale/);
        });

        await t.step(
          "start --deploy from a starter whose GIT_REPOSITORY_URL is hostile: the token stays home",
          async () => {
            const r = await runTask(
              "start",
              ["--venues", venuesFile, "--date", FIXTURE_DATE, "--deploy", "--json"],
              { env: { ...env, GIT_REPOSITORY_URL: evil.url } },
            );
            assert.equal(r.code, 0, r.stderr);
            const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
            assert.equal(result.deploy?.committed, true, JSON.stringify(result.deploy));
            assert.equal(result.deploy?.warning, undefined);
            assert.deepEqual(evil.auth, [], "the hostile server was never contacted");
            assert.equal(await commits(), 1);
            assert.match(await git("--git-dir", bare, "log", "-1", "--format=%an"), /Worker Bot/);
          },
        );

        await t.step(
          "temporal workflow start with a crafted deploy target: ignored with a warning",
          async () => {
            const workflowId = `attack-${crypto.randomUUID().slice(0, 8)}`;
            const input = {
              venues: stoup,
              date: "2026-03-06", // another window: new data, so a real commit
              deploy: {
                repositoryUrl: evil.url,
                branch: "evil",
                subdir: "",
                authorName: "Mallory",
              },
            };
            const cli = await new Deno.Command("temporal", {
              args: [
                "workflow",
                "start",
                "--address",
                server.address,
                "--task-queue",
                env.TEMPORAL_TASK_QUEUE,
                "--type",
                "FoodTruckWorkflow",
                "--workflow-id",
                workflowId,
                "--input",
                JSON.stringify(input),
              ],
              stdin: "null",
            }).output();
            assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
            const result: FoodTruckWorkflowResult = await client.workflow.getHandle(workflowId)
              .result();
            assert.equal(result.deploy?.committed, true, JSON.stringify(result.deploy));
            assert.equal(result.deploy?.warning, LEGACY_TARGET_WARNING);
            assert.deepEqual(evil.auth, [], "the hostile server was never contacted");
            assert.equal(await commits(), 2);
            assert.equal(await git("--git-dir", bare, "branch", "--list", "evil"), "");
            const tree = await git("--git-dir", bare, "ls-tree", "-r", "--name-only", "main");
            assert.ok(tree.split("\n").every((p) => p.startsWith("public/")), tree);
            assert.doesNotMatch(
              await git("--git-dir", bare, "log", "--format=%an", "main"),
              /Mallory/,
            );
          },
        );

        await t.step("the worker survived: still running, and says nothing of the token", () => {
          assert.equal(exited, false, "the worker exited");
          assert.ok(!worker.output().includes(TOKEN));
        });
      } finally {
        await connection.close();
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("a worker without deploy settings fails a requested deploy in one line (exit 1)", async () => {
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  const tmp = await Deno.makeTempDir({ prefix: "atg-attack-" });
  try {
    const venuesFile = `${tmp}/venues.json`;
    const stoup = fixtures.venueList(await loadVenueList()).filter((v) =>
      v.key === "stoup-ballard"
    );
    await Deno.writeTextFile(venuesFile, JSON.stringify({ venues: stoup }));
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `attack-${crypto.randomUUID().slice(0, 8)}`,
      ...fixtures.allowEnv, // the venues are the local fixture server
    };
    await using worker = await spawnTask("worker", [], { env });
    await worker.waitFor(/worker: RUNNING/, 60_000);
    const r = await runTask(
      "start",
      ["--venues", venuesFile, "--date", FIXTURE_DATE, "--deploy"],
      { env: { ...env, GIT_REPOSITORY_URL: `${tmp}/starter-side.git` } },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^Deploy: deploy failed: .*this worker has no GIT_REPOSITORY_URL/m);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bad git settings stop the worker and check-env: exit 1, one line each, no secret", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { GIT_REPOSITORY_URL: "HTTP://x-access-token:S3CRETzz@git.example.com/site.git" },
      /GIT_REPOSITORY_URL: contains credentials/,
    ],
    [
      { GIT_REPOSITORY_URL: "Https://S3CRETzz@git.example.com/site.git" },
      /GIT_REPOSITORY_URL: contains credentials/,
    ],
    [
      { GIT_REPOSITORY_URL: "ssh://git:S3CRETzz@git.example.com/site.git" },
      /GIT_REPOSITORY_URL: contains credentials/,
    ],
    [
      { GIT_REPOSITORY_URL: "http://127.0.0.1:9/site.git", GIT_TOKEN: "S3CRETzz" },
      /GIT_REPOSITORY_URL: is plain http:\/\/: GIT_TOKEN is only ever sent over https/m,
    ],
    [
      { GIT_REPOSITORY_URL: "https://git.example.com/s.git", GIT_BRANCH: "a..b" },
      /GIT_BRANCH: "a\.\.b" is not a valid branch name/m,
    ],
    [
      { GIT_REPOSITORY_URL: "https://git.example.com/s.git", GIT_DEPLOY_DIR: "../up" },
      /GIT_DEPLOY_DIR: "\.\.\/up" must be a relative folder inside the repository/m,
    ],
    [
      { GIT_REPOSITORY_URL: "https://git.example.com/s.git", GIT_TOKEN_FILE: "/nonexistent/tok" },
      /GIT_TOKEN_FILE: \/nonexistent\/tok: file not found/m,
    ],
  ];
  const base = { TEMPORAL_ADDRESS: "127.0.0.1:9" }; // never reached: validation comes first
  for (const [vars, pattern] of cases) {
    for (const task of ["check-env", "worker"]) {
      const r = await runTask(task, [], { env: { ...base, ...vars } });
      const out = r.stdout + r.stderr;
      assert.equal(r.code, 1, `${task} ${JSON.stringify(vars)}: ${out}`);
      assert.match(out, pattern, `${task}: ${out}`);
      assert.ok(!out.includes("S3CRETzz"), `${task} printed the secret: ${out}`);
    }
  }
  // Valid settings: check-env shows the deploy target and only the token's length.
  const r = await runTask("check-env", ["--offline"], {
    env: { ...base, GIT_REPOSITORY_URL: "https://git.example.com/s.git", GIT_TOKEN: "S3CRETzz" },
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /deploy +https:\/\/git\.example\.com\/s\.git, branch main, folder public, token set, 8 chars/,
  );
  assert.ok(!(r.stdout + r.stderr).includes("S3CRETzz"));
});
