/**
 * `deno task dev` stopped by SIGINT/SIGTERM in each phase — while its dev server starts, while
 * its worker starts, while it waits for the workflow — sent to the `deno task` process or to its
 * child: exit 130, one line naming what it stopped, no stack trace, and nothing left running (no
 * `temporal server start-dev`, nothing listening on the port). A second signal forces.
 */
import assert from "node:assert/strict";
import { spawnTask } from "./helpers/proc.ts";
import { FIXTURE_DATE } from "../src/venues/fixture_server.ts";
import { stuckVenue } from "./helpers/stuck_venue.ts";
import { freeDevPort, isListening } from "./harness/ports.ts";

/** Every process as pid, parent pid and argv (read from /proc through `sh`: Deno reads /proc only with -A). */
async function processes(): Promise<{ pid: number; ppid: number; argv: string[] }[]> {
  const script = `for d in /proc/[0-9]*; do
  read -r l < "$d/stat" 2>/dev/null || continue
  set -- \${l##*) }
  printf '%s %s %s\\n' "\${d#/proc/}" "$2" "$(tr '\\0' ' ' < "$d/cmdline" 2>/dev/null)"
done`;
  const out = await new Deno.Command("sh", { args: ["-c", script], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map((line) => {
    const [pid, ppid, ...argv] = line.split(" ");
    return { pid: Number(pid), ppid: Number(ppid), argv };
  });
}

/** Pids of live processes whose command line contains every one of `parts`. */
async function processesWith(parts: string[]): Promise<number[]> {
  return (await processes()).filter((p) => parts.every((x) => p.argv.includes(x))).map((p) =>
    p.pid
  );
}

/** The direct child of `pid` (the dev script under `deno task`). */
async function childOf(pid: number): Promise<number> {
  const child = (await processes()).find((p) => p.ppid === pid);
  if (!child) throw new Error(`no child of ${pid}`);
  return child.pid;
}

const PHASES = [
  {
    name: "while its dev server starts (SIGINT to deno task)",
    marker: /^dev: nothing at .*; starting `temporal server start-dev`/m,
    signal: "SIGINT" as const,
    target: "task",
    serverUp: false,
    line: "dev: SIGINT: stopped the dev server it started",
  },
  {
    name: "while its worker starts (SIGTERM to the dev process)",
    marker: /^dev: starting a worker on task queue /m,
    signal: "SIGTERM" as const,
    target: "child",
    serverUp: true,
    line: "dev: SIGTERM: stopped the worker and the dev server it started",
  },
  {
    name: "while it waits for the workflow (SIGINT to deno task)",
    marker: /^dev: workflow \S+ started$/m,
    signal: "SIGINT" as const,
    target: "task",
    serverUp: true,
    line: "dev: SIGINT: stopped the workflow wait, the worker and the dev server it started",
  },
];

for (const phase of PHASES) {
  Deno.test(`dev: a signal ${phase.name} stops everything it started (exit 130)`, async () => {
    const port = freeDevPort();
    await using venue = await stuckVenue();
    await using dev = await spawnTask("dev", [
      "--venues",
      venue.venuesFile,
      "--date",
      FIXTURE_DATE,
    ], {
      env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, ...venue.allowEnv },
    });
    await dev.waitFor(phase.marker, 90_000);
    if (phase.serverUp) {
      // The check below can see a server: here it is, running.
      assert.notDeepEqual(await processesWith(["start-dev", String(port)]), []);
    }
    const target = phase.target === "task" ? dev.pid : await childOf(dev.pid);
    Deno.kill(target, phase.signal);
    const status = await dev.status;
    const out = dev.output();
    assert.equal(status.code, 130, out);
    const lines = out.trimEnd().split("\n");
    assert.equal(lines.at(-1), phase.line, out);
    assert.equal(lines.filter((l) => l.startsWith(`dev: ${phase.signal}`)).length, 1, out);
    assert.ok(!/^\s+at |Uncaught|IllegalState/m.test(out), `stack or uncaught error:\n${out}`);
    assert.deepEqual(await processesWith(["start-dev", String(port)]), [], "server left");
    assert.equal(await isListening("127.0.0.1", port), false, `something still listens on ${port}`);
  });
}

Deno.test("dev: the same SIGINT delivered twice within a second stops everything once (exit 130)", async () => {
  const port = freeDevPort();
  await using dev = await spawnTask("dev", ["--offline"], {
    env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` },
  });
  await dev.waitFor(/^dev: starting a worker on task queue /m, 90_000);
  // Both straight to the dev process, 200 ms apart (the OS merges two that are still pending), as
  // a terminal's Ctrl-C and deno task's forwarding of it can arrive.
  const child = await childOf(dev.pid);
  Deno.kill(child, "SIGINT");
  await new Promise((r) => setTimeout(r, 200));
  Deno.kill(child, "SIGINT");
  const status = await dev.status;
  const out = dev.output();
  assert.equal(status.code, 130, out);
  // A duplicate delivery (deno task forwards the signal; a terminal signals the process group) is
  // not a second request: one orderly stop, no forced exit.
  assert.equal(
    out.trimEnd().split("\n").at(-1),
    "dev: SIGINT: stopped the worker and the dev server it started",
    out,
  );
  assert.ok(!/again: forced exit/.test(out), out);
  assert.ok(!/^\s+at |Uncaught/m.test(out), `stack or uncaught error:\n${out}`);
  assert.deepEqual(await processesWith(["start-dev", String(port)]), [], "server left");
  assert.equal(await isListening("127.0.0.1", port), false, `something still listens on ${port}`);
});
