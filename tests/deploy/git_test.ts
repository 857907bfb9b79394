/**
 * Tests of `src/publish/git_deploy.ts` against real bare repositories in temp dirs, and against local
 * HTTP and HTTPS servers that record the Authorization header of every request (a 401-only one,
 * a silent one, a redirecting one, and `git http-backend` behind Basic auth). The HTTPS servers
 * use the test CA of `tests/harness/certs.ts` (given to git as `GIT_SSL_CAINFO`).
 *
 * Run: `deno test --allow-env --allow-run --allow-read --allow-write --allow-net=127.0.0.1 tests/deploy/`
 * @module
 */
import assert from "node:assert/strict";
import {
  checkBranchName,
  defaultCompare,
  type DeployOptions,
  deployToGit,
  GitDeployError,
} from "../../src/publish/git_deploy.ts";
import { makeTestCerts } from "../harness/certs.ts";
import { waitUntil } from "../harness/wait.ts";
import { freePort as closedPort } from "../harness/ports.ts";
import { createActivities } from "../../src/temporal/activities.ts";
import { toWebData } from "../../src/publish/data.ts";

const TOKEN = "ghp_TESTsecretTOKEN1234567890";
const BASIC = `Basic ${btoa(`x-access-token:${TOKEN}`)}`;

// One test PKI for the file; git trusts its CA through GIT_SSL_CAINFO (passed through by git.ts).
const certDir = await Deno.makeTempDir({ prefix: "atg-deploy-test-certs-" });
const certs = await makeTestCerts(certDir);
const tlsKeyPair = {
  cert: await Deno.readTextFile(certs.serverCert),
  key: await Deno.readTextFile(certs.serverKey),
};
Deno.env.set("GIT_SSL_CAINFO", certs.caCert);
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(certDir, { recursive: true });
  } catch { /* gone */ }
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** Runs git outside the code under test, with a hermetic environment. */
async function git(
  args: string[],
  cwd?: string,
  env: Record<string, string> = {},
) {
  const out = await new Deno.Command("git", {
    args,
    cwd,
    clearEnv: true,
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: "/nonexistent",
      GIT_CONFIG_NOSYSTEM: "1",
      LC_ALL: "C",
      GIT_AUTHOR_NAME: "Someone Else",
      GIT_AUTHOR_EMAIL: "else@example.invalid",
      GIT_COMMITTER_NAME: "Someone Else",
      GIT_COMMITTER_EMAIL: "else@example.invalid",
      ...env,
    },
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(
      `git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

/** A temp dir holding an empty bare repository `remote.git`; removed by `await using`. */
async function sandbox() {
  const root = await Deno.makeTempDir({ prefix: "atg-deploy-test-" });
  const bare = `${root}/remote.git`;
  await git(["init", "-q", "--bare", "-b", "main", bare]);
  return {
    root,
    bare,
    log: (ref = "main") => git(["--git-dir", bare, "log", "--format=%H %an <%ae> %s", ref]),
    show: (path: string, ref = "main") => git(["--git-dir", bare, "show", `${ref}:${path}`]),
    head: (ref = "main") => git(["--git-dir", bare, "rev-parse", ref]),
    tree: (ref = "main") => git(["--git-dir", bare, "ls-tree", "-r", "--name-only", ref]),
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

/**
 * Puts a `git` first on PATH (the deploy runs git by PATH) that stops at the first `push` under
 * `root` until the test has done what "someone else" does in between; later pushes go through.
 * Use: `await using pause = await pauseAtFirstPush(root)`, start the deploy, `await
 * pause.reached(deploying)`, act, `await pause.release()`. PATH is restored on dispose.
 */
async function pauseAtFirstPush(root: string) {
  const which = await new Deno.Command("sh", { args: ["-c", "command -v git"] }).output();
  const realGit = new TextDecoder().decode(which.stdout).trim();
  const bin = `${root}/pause-bin`;
  await Deno.mkdir(bin);
  // mkdir is atomic: only the first push makes `paused`; it then waits for `release`.
  await Deno.writeTextFile(
    `${bin}/git`,
    `#!/bin/sh
if [ "$1" = push ] && mkdir '${root}/paused' 2>/dev/null; then
  while [ ! -e '${root}/release' ]; do sleep 0.05; done
fi
exec '${realGit}' "$@"
`,
    { mode: 0o755 },
  );
  const oldPath = Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
  Deno.env.set("PATH", `${bin}:${oldPath}`);
  return {
    /** Resolves once the deploy's first push is waiting; rejects if `deploying` ends first. */
    async reached(deploying: Promise<unknown>) {
      let ended = false;
      const end = deploying.then(() => ended = true, () => ended = true);
      while (!(await Deno.stat(`${root}/paused`).then(() => true, () => false))) {
        if (ended) {
          await deploying; // its error, if any
          throw new Error("the deploy ended without pushing");
        }
        await Promise.race([end, new Promise((r) => setTimeout(r, 20))]);
      }
    },
    /** Lets the waiting push go on. */
    release: () => Deno.writeTextFile(`${root}/release`, ""),
    async [Symbol.asyncDispose]() {
      Deno.env.set("PATH", oldPath);
      await Deno.writeTextFile(`${root}/release`, "");
    },
  };
}

/** The published files for `events`, stamped `updated`. */
function site(
  events: string[],
  updated = new Date().toISOString(),
): DeployOptions["files"] {
  return {
    "index.html": "<!doctype html><title>Around the Grounds</title>\n",
    "app.js": "console.log('hi');\n",
    "style.css": "body { margin: 0 }\n",
    "data.json": JSON.stringify(
      { updated, events: events.map((title) => ({ title })), errors: [] },
      null,
      2,
    ),
  };
}

async function rejects(p: Promise<unknown>): Promise<GitDeployError> {
  try {
    await p;
  } catch (err) {
    assert.ok(
      err instanceof GitDeployError,
      `expected GitDeployError, got ${err}`,
    );
    assert.ok(!err.message.includes("\n"), `not one line: ${err.message}`);
    return err;
  }
  assert.fail("expected the deploy to fail");
}

/**
 * Serves `handler` on 127.0.0.1 over HTTPS (the test CA), or plain HTTP with `{ tls: false }`,
 * recording the Authorization header of every request (`null` when absent).
 */
function serve(
  handler: (req: Request) => Response | Promise<Response>,
  { tls = true }: { tls?: boolean } = {},
) {
  const auth: (string | null)[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, ...(tls ? tlsKeyPair : {}) },
    (req) => {
      auth.push(req.headers.get("authorization"));
      return handler(req);
    },
  );
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${server.addr.port}/repo.git`,
    host: `127.0.0.1:${server.addr.port}`,
    auth,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/**
 * A server (see {@link serve}) that holds every request until `resolve(response)`; `asked`
 * settles at the first request.
 */
function hangingServer() {
  const { promise: never, resolve } = Promise.withResolvers<Response>();
  const { promise: asked, resolve: gotRequest } = Promise.withResolvers<void>();
  const server = serve(() => (gotRequest(), never));
  return { server, asked, resolve };
}

/** Starts a deploy with {@link TOKEN} against `server` that is expected to fail. */
function failingDeploy(server: { url: string }, extra: Partial<DeployOptions>) {
  return rejects(
    deployToGit({ repositoryUrl: server.url, token: TOKEN, files: site([]), ...extra }),
  );
}

/** Answers a smart-HTTP request with `git http-backend` (CGI) for repositories under `root`. */
async function httpBackend(req: Request, root: string): Promise<Response> {
  const url = new URL(req.url);
  const body = new Uint8Array(await req.arrayBuffer());
  const child = new Deno.Command("git", {
    args: ["http-backend"],
    clearEnv: true,
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: root,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "bot", // enables receive-pack
      REMOTE_ADDR: "127.0.0.1",
      REQUEST_METHOD: req.method,
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers.get("content-type") ?? "",
      CONTENT_LENGTH: String(body.length),
      HTTP_CONTENT_ENCODING: req.headers.get("content-encoding") ?? "",
      GIT_PROTOCOL: req.headers.get("git-protocol") ?? "",
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(body);
  await writer.close();
  const out = await child.output();
  let split = 0;
  while (split < out.stdout.length - 3) {
    if (
      out.stdout[split] === 13 && out.stdout[split + 1] === 10 &&
      out.stdout[split + 2] === 13
    ) {
      break;
    }
    split++;
  }
  const head = new TextDecoder().decode(out.stdout.subarray(0, split));
  const headers = new Headers();
  let status = 200;
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    const [name, value] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
    if (name.toLowerCase() === "status") status = parseInt(value);
    else if (name) headers.set(name, value);
  }
  return new Response(out.stdout.subarray(split + 4), { status, headers });
}

const unauthorized = () =>
  new Response("Unauthorized", {
    status: 401,
    headers: { "WWW-Authenticate": 'Basic realm="git"' },
  });

// ---------------------------------------------------------------------------------------------
// Tests

Deno.test("first deploy to an empty bare repo commits the files under public/", async () => {
  await using box = await sandbox();
  const files = site(["Taco Truck", "Pho Cart"]);
  const result = await deployToGit({ repositoryUrl: box.bare, files });
  assert.equal(result.committed, true);
  assert.equal(result.pushAttempts, 1);
  assert.equal(result.commit, await box.head());
  assert.match(
    result.message,
    /^Pushed [0-9a-f]{7} to main: Update food truck data \(2 events\)$/,
  );
  const log = (await box.log()).split("\n");
  assert.equal(log.length, 1);
  assert.equal(
    log[0],
    `${result.commit} Around the Grounds <bot@around-the-grounds.invalid> Update food truck data (2 events)`,
  );
  assert.deepEqual((await box.tree()).split("\n"), [
    "public/app.js",
    "public/data.json",
    "public/index.html",
    "public/style.css",
  ]);
  assert.equal(
    await box.show("public/data.json"),
    (files["data.json"] as string).trim(),
  );
});

Deno.test("a second deploy with the same events but a new updated stamp commits nothing", async () => {
  await using box = await sandbox();
  const first = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["Taco Truck"], "2026-03-05T10:00:00Z"),
  });
  const second = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["Taco Truck"], "2026-03-05T11:00:00Z"),
  });
  assert.equal(second.committed, false);
  assert.equal(second.pushAttempts, 0);
  assert.equal(second.commit, first.commit);
  assert.equal(await box.head(), first.commit);
  assert.match(
    second.message,
    /^Nothing to publish: main at [0-9a-f]{7} already has this content$/,
  );
  assert.match(await box.show("public/data.json"), /10:00:00Z/);
});

Deno.test("a change in events commits again", async () => {
  await using box = await sandbox();
  const first = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["Taco Truck"]),
  });
  const second = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["Taco Truck", "Pizza Oven"]),
  });
  assert.equal(second.committed, true);
  assert.notEqual(second.commit, first.commit);
  assert.equal((await box.log()).split("\n").length, 2);
  assert.match(await box.show("public/data.json"), /Pizza Oven/);
  assert.equal(
    await git(["--git-dir", box.bare, "rev-parse", "main^"]),
    first.commit,
  );
});

Deno.test("a file no longer published is removed from public/", async () => {
  await using box = await sandbox();
  await deployToGit({
    repositoryUrl: box.bare,
    files: { ...site(["A"]), "old.js": "x" },
  });
  const result = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["A"]),
  });
  assert.equal(result.committed, true);
  assert.ok(!(await box.tree()).includes("public/old.js"));
});

Deno.test("a concurrent commit on the remote is rebased over, keeping history linear", async () => {
  await using box = await sandbox();
  const first = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["A"]),
  });
  await using pause = await pauseAtFirstPush(box.root);
  const deploying = deployToGit({ repositoryUrl: box.bare, files: site(["A", "B"]) });
  await pause.reached(deploying);
  // Someone else pushes between our clone and our push.
  const other = `${box.root}/other`;
  await git(["clone", "-q", box.bare, other]);
  await Deno.writeTextFile(`${other}/README.md`, "# Food trucks\n");
  await git(["add", "README.md"], other);
  await git(["commit", "-q", "-m", "Add README"], other);
  await git(["push", "-q", "origin", "main"], other);
  const concurrent = await git(["rev-parse", "HEAD"], other);
  await pause.release();
  const result = await deploying;
  assert.equal(result.committed, true);
  assert.equal(result.pushAttempts, 2);
  const parents = (await git(["--git-dir", box.bare, "rev-list", "--parents", "main"]))
    .split("\n").map((l) => l.split(" "));
  assert.deepEqual(parents, [
    [result.commit, concurrent],
    [concurrent, first.commit],
    [first.commit],
  ]);
  assert.equal(await box.show("README.md"), "# Food trucks");
  assert.match(await box.show("public/data.json"), /"B"/);
});

Deno.test("a rejected push whose data the remote already has commits nothing", async () => {
  await using box = await sandbox();
  const files = site(["A"]);
  await using pause = await pauseAtFirstPush(box.root);
  const deploying = deployToGit({ repositoryUrl: box.bare, files });
  await pause.reached(deploying);
  // An earlier attempt of the same activity, still running, pushes the same data first.
  const pushedByOther = (await deployToGit({ repositoryUrl: box.bare, files: site(["A"]) }))
    .commit;
  await pause.release();
  const result = await deploying;
  assert.equal(result.committed, false);
  assert.equal(result.commit, pushedByOther);
  assert.equal((await box.log()).split("\n").length, 1);
});

Deno.test("a retried deploy after a successful push does not duplicate the commit", async () => {
  await using box = await sandbox();
  const workDir = `${box.root}/work`;
  const files = site(["A", "B"], "2026-03-05T10:00:00Z");
  // Attempt 1 pushed, then the worker crashed before reporting: its clone is left behind.
  const first = await deployToGit({ repositoryUrl: box.bare, files, workDir });
  await Deno.writeTextFile(`${workDir}/public/junk.txt`, "left by the crash");
  // Attempt 2 runs the same activity again (same data, later stamp) in the same work dir.
  const retry = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["A", "B"], "2026-03-05T10:00:07Z"),
    workDir,
  });
  assert.equal(retry.committed, false);
  assert.equal(retry.commit, first.commit);
  assert.equal((await box.log()).split("\n").length, 1);
  await assert.rejects(
    Deno.stat(`${workDir}/public/junk.txt`),
    Deno.errors.NotFound,
  );
});

Deno.test("a workDir that is not an earlier clone is refused, not wiped", async () => {
  await using box = await sandbox();
  const workDir = `${box.root}/precious`;
  await Deno.mkdir(workDir);
  await Deno.writeTextFile(`${workDir}/keep.txt`, "mine");
  const err = await rejects(
    deployToGit({ repositoryUrl: box.bare, files: site([]), workDir }),
  );
  assert.equal(err.kind, "config");
  assert.equal(await Deno.readTextFile(`${workDir}/keep.txt`), "mine");
});

Deno.test("a missing branch is created on a non-empty remote, in a custom subdir", async () => {
  await using box = await sandbox();
  await deployToGit({ repositoryUrl: box.bare, files: site(["A"]) });
  const result = await deployToGit({
    repositoryUrl: `file://${box.bare}`,
    branch: "gh-pages",
    subdir: "",
    message: "Publish",
    files: site(["A"]),
  });
  assert.equal(result.committed, true);
  assert.equal((await box.log("gh-pages")).split("\n").length, 1);
  assert.match(await box.log("gh-pages"), / Publish$/);
  assert.deepEqual((await box.tree("gh-pages")).split("\n"), [
    "app.js",
    "data.json",
    "index.html",
    "style.css",
  ]);
  assert.equal((await box.log("main")).split("\n").length, 1);
});

Deno.test("a path that does not exist gives the could-not-reach error", async () => {
  await using box = await sandbox();
  const url = `${box.root}/nope.git`;
  const err = await rejects(
    deployToGit({ repositoryUrl: url, files: site([]) }),
  );
  assert.equal(err.kind, "unreachable");
  assert.equal(err.retryable, true);
  assert.match(
    err.message,
    new RegExp(
      `^GIT_REPOSITORY_URL ${url}: could not reach the repository \\(.*does not appear`,
    ),
  );
});

Deno.test("a closed port gives the could-not-reach error", async () => {
  const url = `https://127.0.0.1:${closedPort()}/repo.git`;
  const err = await rejects(
    deployToGit({ repositoryUrl: url, token: TOKEN, files: site([]) }),
  );
  assert.equal(err.kind, "unreachable");
  assert.match(
    err.message,
    /^GIT_REPOSITORY_URL https:\/\/127\.0\.0\.1:\d+\/repo\.git: could not reach the repository \(.*connect/i,
  );
  assert.ok(!err.message.includes(TOKEN));
});

Deno.test("a bad token is reported as rejected and never leaks", async () => {
  await using server = serve(unauthorized);
  await using box = await sandbox();
  const workDir = `${box.root}/work`;
  const err = await rejects(
    deployToGit({
      repositoryUrl: server.url,
      token: TOKEN,
      files: site([]),
      workDir,
    }),
  );
  assert.equal(err.kind, "auth");
  assert.equal(err.retryable, false);
  assert.equal(
    err.message,
    `GIT_TOKEN was rejected by ${server.host} (check the token's scope / expiry)`,
  );
  // The token was sent (as git would to GitHub) …
  assert.ok(server.auth.includes(`Basic ${btoa(`x-access-token:${TOKEN}`)}`));
  // … but appears nowhere else.
  const basic = btoa(`x-access-token:${TOKEN}`);
  for (const text of [err.message, err.stack ?? "", JSON.stringify(err)]) {
    assert.ok(!text.includes(TOKEN) && !text.includes(basic));
  }
  const config = await Deno.readTextFile(`${workDir}/.git/config`);
  assert.ok(!config.includes(TOKEN) && !config.includes(basic));
  assert.match(config, new RegExp(`url = ${server.url}\\n`));
});

Deno.test("credentials in the URL, in any scheme and case, are refused before any request", async () => {
  await using server = serve(unauthorized, { tls: false });
  const port = server.host.split(":")[1];
  const cases = [
    `HTTP://x-access-token:S3CRETpw@127.0.0.1:${port}/site.git`,
    `Https://S3CRETtok@127.0.0.1:${port}/site.git`,
    `https://oauth2:S3CRETpw@127.0.0.1:${port}/site.git`,
    `http://S3CRETtok@127.0.0.1:${port}/site.git`,
    `ssh://git:S3CRETpw@127.0.0.1:${port}/site.git`,
    `SSH://git:S3CRETpw@127.0.0.1/site.git`,
    `git://u:S3CRETpw@127.0.0.1/site.git`,
    `file://u:S3CRETpw@localhost/srv/site.git`,
    `git:S3CRETpw@127.0.0.1:owner/site.git`,
  ];
  for (const url of cases) {
    const err = await rejects(deployToGit({ repositoryUrl: url, files: site([]) }));
    assert.equal(err.kind, "config", url);
    assert.equal(
      err.message,
      "GIT_REPOSITORY_URL contains credentials (a user name or password before @): remove them " +
        "from the URL and put the token in GIT_TOKEN or GIT_TOKEN_FILE",
    );
    assert.ok(!JSON.stringify(err).includes("S3CRET") && !err.stack?.includes("S3CRET"));
  }
  assert.deepEqual(server.auth, [], "no request may be made");
});

Deno.test("an ssh user name without a password is not a credential", async () => {
  // Refused only later, by git (nothing listens): the URL itself passed the check.
  const err = await rejects(
    deployToGit({
      repositoryUrl: `ssh://git@127.0.0.1:${closedPort()}/site.git`,
      files: site([]),
      timeoutMs: 20_000,
    }),
  );
  assert.notEqual(err.kind, "config", err.message);
});

Deno.test("the token is never sent over plain http: a config error, and no request at all", async () => {
  await using server = serve(unauthorized, { tls: false });
  for (const url of [server.url, server.url.replace("http://", "HTTP://")]) {
    const err = await rejects(
      deployToGit({ repositoryUrl: url, token: TOKEN, files: site([]) }),
    );
    assert.equal(err.kind, "config");
    assert.match(
      err.message,
      /^GIT_REPOSITORY_URL is plain http:\/\/: GIT_TOKEN is only ever sent over https/,
    );
  }
  assert.deepEqual(server.auth, []);
});

Deno.test("plain http without a token still works for servers that need none", async () => {
  await using box = await sandbox();
  await using server = serve((req) => httpBackend(req, box.root), { tls: false });
  const url = server.url.replace("/repo.git", "/remote.git");
  const result = await deployToGit({ repositoryUrl: url, files: site(["A"]) });
  assert.equal(result.committed, true);
  assert.ok(server.auth.every((a) => a === null));
});

Deno.test("the token is not carried across a redirect to another origin", async () => {
  await using elsewhere = serve(unauthorized);
  await using origin = serve((req) =>
    Response.redirect(`${elsewhere.url}${new URL(req.url).pathname}${new URL(req.url).search}`, 302)
  );
  const err = await rejects(
    deployToGit({ repositoryUrl: origin.url, token: TOKEN, files: site([]) }),
  );
  assert.ok(!err.message.includes(TOKEN));
  assert.ok(origin.auth.includes(BASIC), "the configured origin gets the token");
  assert.ok(elsewhere.auth.every((a) => a === null), "the redirect target never does");
});

Deno.test("no token against a remote that needs one says to set GIT_TOKEN", async () => {
  await using server = serve(unauthorized);
  const err = await rejects(
    deployToGit({ repositoryUrl: server.url, files: site([]) }),
  );
  assert.equal(err.kind, "auth");
  assert.match(
    err.message,
    /^GIT_REPOSITORY_URL \S+ needs authentication: set GIT_TOKEN/,
  );
});

Deno.test("a good token deploys over smart HTTP (git http-backend)", async () => {
  await using box = await sandbox();
  const expected = `Basic ${btoa(`x-access-token:${TOKEN}`)}`;
  await using server = serve((req) =>
    req.headers.get("authorization") === expected ? httpBackend(req, box.root) : unauthorized()
  );
  const url = server.url.replace("/repo.git", "/remote.git");
  const workDir = `${box.root}/work`;
  const first = await deployToGit({
    repositoryUrl: url,
    token: TOKEN,
    files: site(["A"]),
  });
  assert.equal(first.committed, true);
  assert.equal(await box.head(), first.commit);
  const again = await deployToGit({
    repositoryUrl: url,
    token: TOKEN,
    files: site(["A"]),
    workDir,
  });
  assert.equal(again.committed, false);
  assert.ok(
    !(await Deno.readTextFile(`${workDir}/.git/config`)).includes(TOKEN),
  );
});

Deno.test("a remote that never answers times out, naming the step", async () => {
  const { promise: never, resolve } = Promise.withResolvers<Response>();
  await using server = serve(() => never);
  try {
    const err = await rejects(
      deployToGit({
        repositoryUrl: server.url,
        token: TOKEN,
        files: site([]),
        timeoutMs: 500,
      }),
    );
    assert.equal(err.kind, "timeout");
    assert.match(
      err.message,
      /^GIT_REPOSITORY_URL \S+: git fetch timed out after 0\.5s/,
    );
  } finally {
    resolve(new Response("bye", { status: 503 }));
  }
});

Deno.test({
  name: "the token is not in the command line of any process (ps)",
  // Deno only lets tests read /proc with --allow-all, so this one asks for --allow-run=ps.
  ignore: Deno.permissions.querySync({ name: "run", command: "ps" }).state !==
    "granted",
  async fn() {
    const { server, asked, resolve } = hangingServer();
    await using _server = server;
    try {
      const deploy = failingDeploy(server, { timeoutMs: 5000 });
      await asked; // git fetch is running now, waiting for our answer
      const ps = await new Deno.Command("ps", {
        args: ["-eo", "args"],
        stdin: "null",
      }).output();
      const lines = new TextDecoder().decode(ps.stdout).split("\n");
      assert.ok(
        lines.some((l) => l.includes("git fetch ")),
        "no git fetch running",
      );
      assert.ok(
        lines.some((l) => l.includes("remote-http") && l.includes(server.url)),
      );
      const basic = btoa(`x-access-token:${TOKEN}`);
      assert.ok(!lines.some((l) => l.includes(TOKEN) || l.includes(basic)));
      resolve(unauthorized());
      assert.equal((await deploy).kind, "auth");
    } finally {
      resolve(new Response("bye", { status: 503 }));
    }
  },
});

Deno.test("an abort signal cancels a running deploy", async () => {
  const { promise: never, resolve } = Promise.withResolvers<Response>();
  const controller = new AbortController();
  await using server = serve(() => (controller.abort(), never));
  try {
    const err = await rejects(
      deployToGit({ repositoryUrl: server.url, files: site([]), signal: controller.signal }),
    );
    assert.equal(err.kind, "aborted");
  } finally {
    resolve(new Response("bye", { status: 503 }));
  }
});

Deno.test("bad options are refused with a config error", async () => {
  await using box = await sandbox();
  const cases: [Partial<DeployOptions>, RegExp][] = [
    [{ repositoryUrl: "  " }, /^GIT_REPOSITORY_URL is empty/],
    [
      { repositoryUrl: "--upload-pack=evil" },
      /^GIT_REPOSITORY_URL is not a repository/,
    ],
    [
      { repositoryUrl: "ext::sh -c evil" },
      /^GIT_REPOSITORY_URL uses a git remote helper/,
    ],
    [{ token: "abc\ndef" }, /^GIT_TOKEN contains whitespace/],
    [{ files: { "../escape.txt": "x" } }, /must be a relative path/],
    [{ files: { ".git/config": "x" } }, /must be a relative path/],
    [{ files: {} }, /nothing to deploy/],
    [{ branch: "-x" }, /not a valid branch name/],
    [{ branch: "a b" }, /not a valid branch name/],
    [{ subdir: "../outside" }, /must be a relative path inside the repository/],
    [{ subdir: "/srv/www" }, /must be a relative path inside the repository/],
    [{ subdir: "public/../../x" }, /must be a relative path inside the repository/],
    [{ repositoryUrl: "javascript://x" }, /unsupported scheme/],
  ];
  for (const [opts, pattern] of cases) {
    const err = await rejects(
      deployToGit({ repositoryUrl: box.bare, files: site([]), ...opts }),
    );
    assert.match(err.message, pattern);
  }
  assert.equal(await git(["--git-dir", box.bare, "for-each-ref"]), "");
});

Deno.test("defaultCompare ignores only data.json's top-level updated field", () => {
  const a = site(["A"], "2026-01-01T00:00:00Z"),
    b = site(["A"], "2026-01-02T00:00:00Z");
  assert.equal(defaultCompare(a, b), true);
  assert.equal(defaultCompare(a, site(["B"], "2026-01-01T00:00:00Z")), false);
  assert.equal(defaultCompare(a, { ...a, "x.txt": "" }), false);
  assert.equal(
    defaultCompare({ ...a, "app.js": "1" }, { ...a, "app.js": "2" }),
    false,
  );
  assert.equal(
    defaultCompare({ "data.json": '{"updated":1,"a":1,"b":2}' }, {
      "data.json": '{"b":2,"a":1}',
    }),
    true,
  );
  assert.equal(
    defaultCompare({ "data.json": "[1]" }, { "data.json": "[1] " }),
    false,
  );
});

Deno.test("a custom compare decides what counts as unchanged", async () => {
  await using box = await sandbox();
  await deployToGit({ repositoryUrl: box.bare, files: site(["A"]) });
  const result = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["B"]),
    compare: (oldFiles, newFiles) => oldFiles["app.js"] === newFiles["app.js"],
  });
  assert.equal(result.committed, false);
});

Deno.test("branch names are accepted exactly as git check-ref-format --branch accepts them", async () => {
  const names = [
    "main",
    "pages",
    "feature/x",
    "gh-pages",
    "ümlaut",
    "x@",
    "@x",
    "a.lock.b",
    "release-1.2",
    "a b",
    "a..b",
    ".x",
    "x.",
    "x.lock",
    "x/.y",
    "-x",
    "a@{b",
    "a//b",
    "/a",
    "a/",
    "HEAD",
    "a:b",
    "a~b",
    "a^b",
    "a?b",
    "a*b",
    "a[b",
    "a\\b",
    "a/b.lock/c",
    "a\tb",
    "a\nb",
    "",
  ];
  const dir = await Deno.makeTempDir({ prefix: "atg-deploy-test-" });
  try {
    for (const name of names) {
      const out = await new Deno.Command("git", {
        args: ["check-ref-format", "--branch", name],
        cwd: dir,
        stdout: "null",
        stderr: "null",
      }).output();
      assert.equal(checkBranchName(name) === undefined, out.success, JSON.stringify(name));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(checkBranchName("@") !== undefined, "@ (HEAD's shorthand) is refused too");
});

/** Pushes a commit made by `prepare(worktree)` to `box.bare`'s main. */
async function commitToRemote(
  box: { root: string; bare: string },
  prepare: (dir: string) => Promise<void>,
) {
  const work = `${box.root}/pusher-${crypto.randomUUID().slice(0, 6)}`;
  await git(["init", "-q", "-b", "main", work]);
  await prepare(work);
  await git(["add", "-A"], work);
  await git(["commit", "-q", "-m", "pusher's commit"], work);
  await git(["push", "-q", box.bare, "HEAD:refs/heads/main"], work);
}

Deno.test("a committed symlink at a published path is refused, never written through", async () => {
  await using box = await sandbox();
  const victim = `${box.root}/host-file.txt`;
  await Deno.writeTextFile(victim, "the host's own file\n");
  await commitToRemote(box, async (dir) => {
    await Deno.symlink(victim, `${dir}/index.html`);
  });
  const before = await box.head();
  const err = await rejects(
    deployToGit({ repositoryUrl: box.bare, files: site(["A"]), subdir: "" }),
  );
  assert.equal(err.kind, "unsafe-repository");
  assert.equal(err.retryable, false);
  assert.match(err.message, /main has a symbolic link at "index\.html"; the deploy never follows/);
  assert.equal(await Deno.readTextFile(victim), "the host's own file\n");
  assert.equal(await box.head(), before, "nothing pushed");
});

Deno.test("a committed symlink inside the deploy folder is refused, never read", async () => {
  await using box = await sandbox();
  const outside = `${box.root}/outside.bin`;
  await Deno.writeFile(outside, new Uint8Array(4096));
  await commitToRemote(box, async (dir) => {
    await Deno.mkdir(`${dir}/public/deep`, { recursive: true });
    await Deno.writeTextFile(`${dir}/public/ok.txt`, "fine\n");
    await Deno.symlink(outside, `${dir}/public/deep/zero`);
  });
  let compared = false;
  const err = await rejects(
    deployToGit({
      repositoryUrl: box.bare,
      files: site(["A"]),
      compare: () => (compared = true, false),
    }),
  );
  assert.equal(err.kind, "unsafe-repository");
  assert.match(err.message, /symbolic link at "public\/deep\/zero"/);
  assert.equal(compared, false, "the existing files were not read");
});

Deno.test("a deploy folder that is itself a symlink is refused", async () => {
  await using box = await sandbox();
  const outside = await Deno.makeTempDir({ dir: box.root, prefix: "outside-" });
  await commitToRemote(box, async (dir) => {
    await Deno.symlink(outside, `${dir}/public`);
  });
  const err = await rejects(deployToGit({ repositoryUrl: box.bare, files: site(["A"]) }));
  assert.equal(err.kind, "unsafe-repository");
  assert.match(err.message, /symbolic link at "public"/);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(outside)), []);
});

Deno.test("existing files beyond maxCompareBytes are not read: the folder counts as changed", async () => {
  await using box = await sandbox();
  await commitToRemote(box, async (dir) => {
    await Deno.mkdir(`${dir}/public`);
    await Deno.writeFile(`${dir}/public/huge.bin`, new Uint8Array(64 * 1024));
  });
  let compared = false;
  const result = await deployToGit({
    repositoryUrl: box.bare,
    files: site(["A"]),
    maxCompareBytes: 16 * 1024,
    compare: () => (compared = true, true),
  });
  assert.equal(compared, false, "compare would have needed the oversized file");
  assert.equal(result.committed, true);
  assert.ok(!(await box.tree()).includes("public/huge.bin"));
});

/** Lines of `ps -eo args` that mention `needle` (git and its helpers). */
async function processesMentioning(needle: string): Promise<string[]> {
  const ps = await new Deno.Command("ps", { args: ["-eo", "args"], stdin: "null" }).output();
  return new TextDecoder().decode(ps.stdout).split("\n").filter((l) =>
    l.includes(needle) && !l.startsWith("ps ")
  );
}

Deno.test({
  name: "an aborted deploy kills git and its helpers (no orphaned git-remote-https)",
  ignore: Deno.permissions.querySync({ name: "run" }).state !== "granted",
  async fn() {
    const { server, asked, resolve } = hangingServer();
    await using _server = server;
    const controller = new AbortController();
    try {
      const deploy = failingDeploy(server, { signal: controller.signal });
      await asked;
      const running = await processesMentioning(server.url);
      assert.ok(running.some((l) => l.includes("remote-http")), running.join("\n"));
      controller.abort();
      assert.equal((await deploy).kind, "aborted");
      // Wait (bounded) for the processes to go; on a kill of git alone the helper stays for the
      // whole 60 s timeout, holding the token header in its environment.
      let left: string[] = [];
      await waitUntil(
        () => `the git processes to go; left behind:\n${left.join("\n")}`,
        async () => (left = await processesMentioning(server.url)).length === 0,
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    } finally {
      resolve(new Response("bye", { status: 503 }));
    }
  },
});

Deno.test("the deploy activity re-reads GIT_TOKEN_FILE for every deploy (rotation without restart)", async () => {
  await using box = await sandbox();
  let accepted = "Basic none";
  await using server = serve((req) =>
    req.headers.get("authorization") === accepted ? httpBackend(req, box.root) : unauthorized()
  );
  const tokenFile = `${box.root}/token`;
  await Deno.writeTextFile(tokenFile, "first-token\n");
  const activities = createActivities({
    deploy: {
      repositoryUrl: server.url.replace("/repo.git", "/remote.git"),
      branch: "main",
      subdir: "public",
      tokenFile,
    },
  });
  const data = (n: number) =>
    toWebData({
      from: "2026-03-05",
      to: "2026-03-12",
      errors: [],
      events: Array.from({ length: n }, (_, i) => ({
        venueKey: "stoup-ballard",
        venueName: "Stoup",
        truckName: `T${i}`,
        date: "2026-03-05",
        start: null,
        end: null,
      })),
    });
  accepted = `Basic ${btoa("x-access-token:first-token")}`;
  assert.equal((await activities.deployWebData(data(1), true)).committed, true);
  // Rotate: the server now takes only the new token, the file holds it; no restart.
  accepted = `Basic ${btoa("x-access-token:second-token")}`;
  await Deno.writeTextFile(tokenFile, "second-token\n");
  assert.equal((await activities.deployWebData(data(2), true)).committed, true);
  assert.ok(server.auth.includes(accepted));
  assert.equal((await box.log()).split("\n").length, 2);
});
