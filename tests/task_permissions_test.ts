/**
 * The tasks' permissions, as Deno really grants them: each scoped task runs with its named
 * permission set from `deno.json` (`deno run -q -P=<set>`, plus the task's own override of one
 * kind, which replaces that kind of the set), grants nothing beyond it, and prints no notice; the
 * compiled binary's flags cover what each of its subcommands' tasks gets.
 *
 * A probe script stands in for each task's script (`tests/helpers/permission_probe.ts`) and
 * reports the state of every descriptor.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DENO_JSON,
  PERMISSION_KINDS,
  type PermissionSet,
  readPermissionSet,
  readTaskCommand,
  taskRunArgs,
} from "../src/ops/tasks.ts";
import { compilePlan } from "../src/ops/compile.ts";

const ROOT = join(DENO_JSON, "..");
const PROBE = new URL("./helpers/permission_probe.ts", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(DENO_JSON)) as {
  tasks: Record<string, { command: string }>;
  permissions: Record<string, PermissionSet>;
};
/** The tools granted everything on purpose (test runner, benchmark, history recorder). */
const UNSCOPED = ["test", "bench", "record-histories"];
/** Tasks that are not `deno run` (no permissions at all). */
const TOOLS = ["fmt", "lint", "check"];
const SCOPED = Object.keys(config.tasks).filter((t) => ![...UNSCOPED, ...TOOLS].includes(t));

type Descriptor = Deno.PermissionDescriptor;
const key = (d: Descriptor) => JSON.stringify(d);

/** The states the probe reports for `descriptors` when run with `args` (its script swapped). */
async function probe(args: string[], descriptors: Descriptor[]): Promise<Map<string, string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args, JSON.stringify(descriptors)],
    cwd: ROOT,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.equal(stderr, "", `${args.join(" ")}: no notice on stderr`);
  return new Map(Object.entries(JSON.parse(new TextDecoder().decode(out.stdout))));
}

/** `deno run <task's flags> --config deno.json <probe>`. */
async function taskProbeArgs(task: string): Promise<string[]> {
  const args = await taskRunArgs(task);
  args[args.indexOf("--config") + 2] = PROBE;
  return args;
}

/** The set name and the per-kind overrides (`--allow-<kind>[=list]`) of a task's command. */
function parseTask(command: string): { set?: string; overrides: PermissionSet } {
  const overrides: PermissionSet = {};
  let set: string | undefined;
  for (const word of command.split(/\s+/)) {
    const p = /^-P=(.+)$/.exec(word);
    if (p) set = p[1];
    const m = /^--allow-([a-z]+)(?:=(.*))?$/.exec(word);
    if (m) overrides[m[1] as keyof PermissionSet] = m[2] === undefined ? true : m[2].split(",");
  }
  return { set, overrides };
}

/** A value a grant covers: a `NAME_*` wildcard covers `NAME_X`. */
const sample = (v: string) => v.endsWith("*") ? v.slice(0, -1) + "X" : v;

/** A descriptor for one value of a kind, or for the whole kind (`value` undefined). */
function descriptor(kind: string, value?: string): Descriptor {
  if (value === undefined) return { name: kind } as Descriptor;
  const field = { env: "variable", read: "path", write: "path", net: "host", sys: "kind" }[kind] ??
    (kind === "run" ? "command" : "path");
  const v = ["read", "write"].includes(kind) ? join(ROOT, value) : value;
  return { name: kind, [field]: kind === "env" ? sample(v) : v } as Descriptor;
}

Deno.test("every scoped task uses a named permission set; only the tools get unscoped flags", async () => {
  assert.ok(SCOPED.length >= 10, SCOPED.join(","));
  for (const task of SCOPED) {
    const command = await readTaskCommand(task);
    assert.match(command, /^deno run -q -P=[\w-]+ /, task);
    assert.ok(command.length < 100, `${task}: ${command}`);
    assert.doesNotMatch(command, /--allow-env|-A\b|--allow-all/, task);
  }
  for (const task of UNSCOPED) assert.doesNotMatch(await readTaskCommand(task), /-P=|-A\b/, task);
});

Deno.test("each scoped task is granted exactly its set (with its overrides), nothing beyond, and prints no notice", async () => {
  for (const task of SCOPED) {
    const { set: name, overrides } = parseTask(await readTaskCommand(task));
    assert.ok(name, task);
    const granted: PermissionSet = { ...await readPermissionSet(name), ...overrides };
    const expect = new Map<string, string>();
    for (const kind of PERMISSION_KINDS) {
      const grant = granted[kind];
      if (grant === true) {
        expect.set(key(descriptor(kind)), "granted");
        continue;
      }
      // A kind not granted, or granted only for a list: the whole kind is not granted.
      expect.set(key(descriptor(kind)), "prompt");
      for (const v of grant ?? []) expect.set(key(descriptor(kind, v)), "granted");
    }
    // Names outside every list are refused even where the kind is scoped.
    if (Array.isArray(granted.env)) expect.set(key(descriptor("env", "ATG_NOT_LISTED")), "prompt");
    if (Array.isArray(granted.run)) expect.set(key(descriptor("run", "sh")), "prompt");
    if (Array.isArray(granted.sys)) expect.set(key(descriptor("sys", "osRelease")), "prompt");
    const states = await probe(
      await taskProbeArgs(task),
      [...expect.keys()].map((k) => JSON.parse(k)),
    );
    for (const [k, want] of expect) assert.equal(states.get(k), want, `${task}: ${k}`);
  }
});

Deno.test("the compiled binary's flags cover what the worker, start and check-env tasks get", async () => {
  const names = new Set<string>();
  for (const set of Object.values(config.permissions)) {
    for (const kind of PERMISSION_KINDS) {
      const grant = set[kind];
      names.add(key(descriptor(kind)));
      if (Array.isArray(grant)) { for (const v of grant) names.add(key(descriptor(kind, v))); }
    }
  }
  const descriptors = [...names].map((k) => JSON.parse(k) as Descriptor);
  const plan = await compilePlan();
  const binary = await probe(["run", ...plan.permissions, PROBE], descriptors);
  for (const task of ["worker", "start", "check-env"]) {
    const states = await probe(await taskProbeArgs(task), descriptors);
    let grants = 0;
    for (const [k, state] of states) {
      if (state !== "granted") continue;
      grants++;
      assert.equal(binary.get(k), "granted", `${task} gets ${k}; the binary must too`);
    }
    assert.ok(grants > 20, `${task}: ${grants} grants probed`);
  }
});
