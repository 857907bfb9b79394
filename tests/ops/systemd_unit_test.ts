/**
 * The checkout deployment path, as far as it can be checked without systemd: a frozen copy of
 * the project (`deno install --frozen`), started the way `deploy/systemd/around-the-grounds-
 * worker-deno.service` starts it — its ExecStart, WorkingDirectory, Environment= lines and an
 * EnvironmentFile (mode 0600) — runs a workflow, and stops with the unit's KillSignal within its
 * TimeoutStopSec, exit 0. Paths the unit fixes under /opt, /etc and /var are mapped to temp dirs.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { childEnv, spawnWatched } from "../harness/child.ts";
import { runTask } from "../helpers/proc.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const UNIT = `${ROOT}deploy/systemd/around-the-grounds-worker-deno.service`;

/** The [Service] keys of a unit file (repeated keys collected in order). */
function serviceSection(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1];
      continue;
    }
    if (section !== "Service") continue;
    const i = line.indexOf("=");
    const key = line.slice(0, i);
    out.set(key, [...(out.get(key) ?? []), line.slice(i + 1)]);
  }
  return out;
}

/** A copy of the tracked files of the working tree (what a `git clone` of it would hold). */
async function checkoutCopy(dest: string): Promise<void> {
  const ls = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT, stdout: "piped" })
    .output();
  assert.equal(ls.code, 0);
  for (const file of new TextDecoder().decode(ls.stdout).split("\0").filter(Boolean)) {
    const to = `${dest}/${file}`;
    await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${ROOT}${file}`, to).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err; // deleted in the working tree
    });
  }
}

Deno.test("the systemd unit's ExecStart runs a worker from a frozen checkout and stops cleanly", async () => {
  const unit = serviceSection(await Deno.readTextFile(UNIT));
  const tmp = await Deno.makeTempDir({ prefix: "unit-" });
  try {
    // The unit's own command line and settings.
    const exec = unit.get("ExecStart")![0].split(/\s+/);
    assert.equal(exec[0], "/usr/bin/deno");
    assert.deepEqual(exec.slice(1, 4), ["task", "--frozen", "worker"]);
    assert.ok(
      unit.get("EnvironmentFile")?.length,
      "the unit reads secrets from an EnvironmentFile",
    );
    const killSignal = (unit.get("KillSignal")?.[0] ?? "SIGTERM") as Deno.Signal;
    const stopSec = Number(unit.get("TimeoutStopSec")?.[0] ?? "90");

    // A frozen checkout: tracked files only, npm packages from the lock file, no download.
    const app = `${tmp}/app`;
    await checkoutCopy(app);
    const env = await childEnv();
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["install", "--frozen"],
      cwd: app,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));

    await using server = await startDevServer();
    await using fixtures = await startFixtureServer();
    const venues = `${tmp}/venues.json`;
    await Deno.writeTextFile(
      venues,
      JSON.stringify({
        venues: fixtures.venueList(await loadVenueList()).filter((v) => v.key === "stoup-ballard"),
      }),
    );
    const queue = `unit-${crypto.randomUUID().slice(0, 8)}`;
    const envFile = `${tmp}/worker.env`;
    await Deno.writeTextFile(
      envFile,
      `TEMPORAL_ADDRESS=${server.address}\nTEMPORAL_TASK_QUEUE=${queue}\nVENUE_ALLOW_PRIVATE_NETWORKS=true\n`,
      { mode: 0o600 },
    );
    assert.equal((await Deno.stat(envFile)).mode! & 0o777, 0o600);

    // systemd's environment: Environment= lines, then the EnvironmentFile; HOME and DENO_DIR
    // (fixed under /var in the unit) map to temp dirs and to this machine's Deno cache.
    const unitEnv: Record<string, string> = {};
    for (const e of unit.get("Environment") ?? []) {
      const [k, ...v] = e.split("=");
      unitEnv[k] = v.join("=");
    }
    assert.ok(unitEnv.DENO_DIR && unitEnv.HOME, "the unit pins DENO_DIR and HOME");
    const fileVars = Object.fromEntries(
      (await Deno.readTextFile(envFile)).trim().split("\n").map((l) => l.split("=", 2)),
    );
    await using worker = spawnWatched(exec.slice(1), {
      cwd: app,
      env: {
        ...unitEnv,
        ...fileVars,
        PATH: env.PATH,
        HOME: `${tmp}/state`,
        DENO_DIR: env.DENO_DIR,
      },
      name: "unit worker",
    });
    await worker.waitFor(/worker: RUNNING .*taskQueue=unit-/, 60_000);

    const r = await runTask("start", ["--venues", venues, "--date", FIXTURE_DATE, "--json"], {
      env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: queue },
    });
    assert.equal(r.code, 0, r.stderr + worker.output());
    assert.ok(JSON.parse(r.stdout).events.length >= 5);

    const t0 = Date.now();
    const code = await worker.stop(killSignal, stopSec * 1000);
    assert.equal(code, 0, worker.output());
    assert.ok(Date.now() - t0 < stopSec * 1000, "stopped within TimeoutStopSec");
    assert.match(worker.output(), /worker: stopped/);
    // --frozen: the run changed neither the lock file nor node_modules' setup.
    assert.equal(
      await Deno.readTextFile(`${app}/deno.lock`),
      await Deno.readTextFile(`${ROOT}deno.lock`),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
