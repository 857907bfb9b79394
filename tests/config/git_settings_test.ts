/**
 * The worker's git deploy settings as the config module reads and validates them
 * (`src/config/git.ts`): defaults, every refusal in one line without the secret, and
 * `GIT_TOKEN_FILE` read again on every call.
 * @module
 */
import assert from "node:assert/strict";
import { readGitSettings, readGitToken } from "../../src/config/git.ts";
import { formatIssue, loadConfig } from "../../src/config/mod.ts";

Deno.test("defaults: branch main, folder public; . is the repository root", () => {
  const { settings, issues } = readGitSettings({ GIT_REPOSITORY_URL: "https://h.example/s.git" });
  assert.deepEqual(issues, []);
  assert.equal(settings?.branch, "main");
  assert.equal(settings?.subdir, "public");
  const root = readGitSettings({ GIT_REPOSITORY_URL: "/srv/s.git", GIT_DEPLOY_DIR: "." });
  assert.equal(root.settings?.subdir, "");
  const nested = readGitSettings({ GIT_REPOSITORY_URL: "/srv/s.git", GIT_DEPLOY_DIR: "./a/b/" });
  assert.equal(nested.settings?.subdir, "a/b");
});

Deno.test("each bad git setting is one issue naming the variable, never the secret", () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [
      { GIT_REPOSITORY_URL: "HTTPS://u:S3CRET@h.example/s.git" },
      "GIT_REPOSITORY_URL",
      /credentials/,
    ],
    [{ GIT_REPOSITORY_URL: "http://S3CRET@h.example/s.git" }, "GIT_REPOSITORY_URL", /credentials/],
    [
      { GIT_REPOSITORY_URL: "ssh://git:S3CRET@h.example/s.git" },
      "GIT_REPOSITORY_URL",
      /credentials/,
    ],
    [{ GIT_REPOSITORY_URL: "git:S3CRET@h.example:o/s.git" }, "GIT_REPOSITORY_URL", /credentials/],
    [
      { GIT_REPOSITORY_URL: "http://h.example/s.git", GIT_TOKEN: "S3CRET" },
      "GIT_REPOSITORY_URL",
      /plain http/,
    ],
    [
      { GIT_REPOSITORY_URL: "http://h.example/s.git", GIT_TOKEN_FILE: "/run/S3CRET" },
      "GIT_REPOSITORY_URL",
      /plain http/,
    ],
    [{ GIT_REPOSITORY_URL: "ftp://h.example/s.git" }, "GIT_REPOSITORY_URL", /unsupported scheme/],
    [{ GIT_REPOSITORY_URL: "ext::sh -c x" }, "GIT_REPOSITORY_URL", /remote helper/],
    [{ GIT_BRANCH: "feature..x" }, "GIT_BRANCH", /not a valid branch name/],
    [{ GIT_BRANCH: "-f" }, "GIT_BRANCH", /not a valid branch name/],
    [{ GIT_DEPLOY_DIR: "/var/www" }, "GIT_DEPLOY_DIR", /relative folder inside/],
    [{ GIT_DEPLOY_DIR: "a/../../b" }, "GIT_DEPLOY_DIR", /relative folder inside/],
    [{ GIT_DEPLOY_DIR: ".git/hooks" }, "GIT_DEPLOY_DIR", /relative folder inside/],
    [{ GIT_TOKEN: "S3CRET", GIT_TOKEN_FILE: "/run/tok" }, "GIT_TOKEN / GIT_TOKEN_FILE", /both/],
    [{ GIT_TOKEN: "S3C RET" }, "GIT_TOKEN", /whitespace/],
  ];
  for (const [vars, variable, pattern] of cases) {
    const { issues } = readGitSettings({ GIT_REPOSITORY_URL: "https://h.example/s.git", ...vars });
    assert.equal(issues.length, 1, `${JSON.stringify(vars)}: ${JSON.stringify(issues)}`);
    assert.equal(issues[0].variable, variable);
    assert.match(issues[0].message, pattern);
    const line = formatIssue(issues[0]);
    assert.ok(!line.includes("S3CRET") && !line.includes("\n"), line);
  }
});

Deno.test("GIT_TOKEN_FILE: read on every call; missing, empty, a folder or oversized is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atg-token-" });
  try {
    const file = `${dir}/token`;
    const settings = { repositoryUrl: "https://h.example/s.git", branch: "main", subdir: "public" };
    await Deno.writeTextFile(file, "tok-one\n");
    assert.equal(await readGitToken({ ...settings, tokenFile: file }), "tok-one");
    await Deno.writeTextFile(file, "tok-two");
    assert.equal(await readGitToken({ ...settings, tokenFile: file }), "tok-two");
    await Deno.writeTextFile(file, "");
    await assert.rejects(readGitToken({ ...settings, tokenFile: file }), /is empty/);
    await Deno.writeFile(file, new Uint8Array(70 * 1024));
    await assert.rejects(
      readGitToken({ ...settings, tokenFile: file }),
      /it is 70\.0 KiB, over the 64\.0 KiB limit/,
    );
    await assert.rejects(readGitToken({ ...settings, tokenFile: dir }), /it is a directory/);
    await assert.rejects(
      readGitToken({ ...settings, tokenFile: `${dir}/nope` }),
      /nope: file not found \(point it at a readable file holding the token\)/,
    );
    await assert.rejects(
      readGitToken({ ...settings, tokenFile: "/dev/zero" }),
      /not a regular file/,
    );
    // loadConfig checks it once at load (check-env, worker start).
    const cfg = await loadConfig({
      env: { GIT_REPOSITORY_URL: "https://h.example/s.git", GIT_TOKEN_FILE: `${dir}/nope` },
      noEnvFile: true,
    });
    assert.ok(cfg.errors.some((e) => e.variable === "GIT_TOKEN_FILE"), JSON.stringify(cfg.errors));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
