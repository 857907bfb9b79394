/**
 * Every task answers `--help`, and rejects an unknown flag and a stray argument with one line
 * (exit 1, no stack); `serve` reports a missing folder and a busy port in one line; paths given
 * on the command line resolve against the folder the user ran the command from.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask, spawnTask } from "./helpers/proc.ts";

const config = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
) as { tasks: Record<string, unknown> };
/** The project's own tasks (not the deno tool wrappers). */
/** The scenarios `record-histories` takes as arguments. */
const SCENARIOS = "all-ok, some-failing, deploy, ai-on, cancelled, deadline";
const TASKS = Object.keys(config.tasks).filter((t) =>
  !["test", "fmt", "lint", "check"].includes(t)
);

Deno.test("every task answers --help with its usage on stdout (exit 0)", async () => {
  assert.ok(TASKS.length >= 11, TASKS.join(","));
  for (const task of TASKS) {
    const r = await runTask(task, ["--help"]);
    assert.equal(r.code, 0, `${task}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: deno task ${task} `), task);
    assert.equal(r.stderr, "", task);
  }
});

Deno.test("every task rejects an unknown flag with one line naming it (exit 1)", async () => {
  for (const task of TASKS) {
    const r = await runTask(task, ["--no-such-flag"]);
    assert.equal(r.code, 1, `${task}: ${r.stderr}`);
    assert.equal(r.stdout, "", task);
    const expected = task === "schedule"
      ? `schedule: unknown command "--no-such-flag" (expected create, list, describe, pause, unpause, trigger, update, delete; see --help)`
      : `${task}: Unknown option '--no-such-flag' (see --help)`;
    assert.equal(r.stderr, `${expected}\n`, task);
  }
});

Deno.test("every task rejects a stray argument with one line naming it (exit 1)", async () => {
  for (const task of TASKS) {
    const args = task === "schedule" ? ["list", "stray"] : ["stray"];
    const r = await runTask(task, args);
    assert.equal(r.code, 1, `${task}: ${r.stderr}`);
    const expected = task === "schedule"
      ? `schedule: list takes no arguments, got "stray"`
      : task === "record-histories"
      ? `record-histories: unknown scenario "stray" (one of ${SCENARIOS}; see --help)`
      : `${task}: unexpected argument "stray" (this task takes only flags; see --help)`;
    assert.equal(r.stderr, `${expected}\n`, task);
  }
});

Deno.test("serve: a missing folder is one line naming the command that writes a preview (exit 2)", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "serve-" });
  try {
    const r = await runTask("serve", ["--dir", "nothing-here"], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `serve: no folder ${
        join(await Deno.realPath(cwd), "nothing-here")
      }: nothing to serve; write one with \`deno task scrape --offline --preview\` (or \`deno task scrape --preview\`, \`deno task start --preview\`)\n`,
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("serve: a busy port is one line suggesting --port (exit 2)", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "serve-" });
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (busy.addr as Deno.NetAddr).port;
  try {
    await Deno.mkdir(join(cwd, "site"));
    const r = await runTask("serve", ["--dir", "site", "--port", String(port)], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `serve: port ${port} on 127.0.0.1 is already in use (another \`deno task serve\`?); pick another with --port, e.g. --port 8000\n`,
    );
  } finally {
    busy.close();
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("serve --dir resolves against the folder the command was run from", async () => {
  const cwd = await Deno.realPath(await Deno.makeTempDir({ prefix: "serve-" }));
  try {
    await Deno.mkdir(join(cwd, "site"));
    await Deno.writeTextFile(join(cwd, "site", "index.html"), "<p>from the user's folder</p>");
    await using serve = await spawnTask("serve", ["--dir", "site", "--port", "0"], { cwd });
    await serve.waitFor(/at http:\/\/127\.0\.0\.1:\d+\//);
    const line = serve.output().trim();
    const m = /^Serving (\S+) at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)$/.exec(line);
    assert.ok(m, line);
    assert.equal(m[1], join(cwd, "site"));
    const res = await fetch(m[2]);
    assert.equal(await res.text(), "<p>from the user's folder</p>");
    assert.equal(await serve.stop("SIGINT"), 0, serve.output());
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("scrape --venues resolves against the folder the command was run from", async () => {
  const cwd = await Deno.realPath(await Deno.makeTempDir({ prefix: "paths-" }));
  try {
    // A file that exists only in the user's folder: found there, named with its full path.
    await Deno.writeTextFile(join(cwd, "mine.json"), "{ not json");
    const r = await runTask("scrape", ["--offline", "--venues", "mine.json"], { cwd });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(join(cwd, "mine.json")), r.stderr);
    assert.ok(!/not found/i.test(r.stderr), r.stderr);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("--env-file and --preview resolve against the folder the command was run from", async () => {
  const cwd = await Deno.realPath(await Deno.makeTempDir({ prefix: "paths-" }));
  try {
    await Deno.writeTextFile(join(cwd, "my.env"), "TEMPORAL_NAMESPACE=from-my-env\n");
    const c = await runTask("check-env", ["--offline", "--env-file", "my.env"], { cwd });
    assert.equal(c.code, 0, c.stdout + c.stderr);
    assert.match(c.stdout, /from-my-env/);
    const s = await runTask("scrape", ["--offline", "--preview", "site"], { cwd });
    assert.equal(s.code, 0, s.stderr);
    assert.ok((await Deno.stat(join(cwd, "site", "data.json"))).isFile, s.stderr);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
