/**
 * The tasks' permissions, as Deno really grants them: each scoped task runs with its named
 * permission set from `deno.json` (`deno run -q -P=<set>`, plus the task's own override of one
 * kind, which replaces that kind of the set), grants nothing beyond it, and prints no notice; the
 * compiled binary's flags cover what each of its subcommands' tasks gets; the README's permission
 * table states every grant of every task, and nothing they lack.
 *
 * A probe script stands in for each task's script (`tests/helpers/permission_probe.ts`) and
 * reports the state of every descriptor.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DENO_JSON, readTaskCommand, taskRunArgs } from "../src/ops/tasks.ts";
import {
  PERMISSION_KINDS,
  type PermissionSet,
  readPermissionSet,
} from "../src/ops/permission_sets.ts";
import { compilePlan } from "../src/ops/compile.ts";

const ROOT = join(DENO_JSON, "..");
const PROBE = new URL("./helpers/permission_probe.ts", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(DENO_JSON)) as {
  tasks: Record<string, { command: string }>;
  permissions: Record<string, PermissionSet>;
};
/**
 * Tasks outside the sets: the test runner (whose test processes get every permission), the
 * benchmark and the history recorder.
 */
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

/** One row of the README's permission table: a flag and the tasks it is claimed for. */
interface TableRow {
  kind: string;
  /** The listed values (`undefined`: the unscoped flag), abbreviations expanded. */
  values?: string[];
  tasks: string[];
  line: string;
}

/** Expands `GIT_TOKEN(_FILE)` → `GIT_TOKEN`, `GIT_TOKEN_FILE`; drops `…`. */
function expand(value: string): string[] {
  if (value === "…") return [];
  const m = /^(.*)\((\w+)\)(.*)$/.exec(value);
  return m ? [m[1] + m[3], m[1] + m[2] + m[3]] : [value];
}

/** The rows of the table under "### Permissions" in README.md. */
async function readmeRows(): Promise<TableRow[]> {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const section = readme.slice(readme.indexOf("### Permissions"));
  const rows: TableRow[] = [];
  for (const line of section.slice(0, section.indexOf("\n## ")).split("\n")) {
    const m = /^\| `--allow-([a-z]+)(?:=([^`]*))?` +\| ([^|]+)\|/.exec(line);
    if (!m) continue;
    const claim = m[3].replaceAll("`", "").split(";")[0].trim();
    const but = /^all(?: but (.*))?$/.exec(claim);
    const named = (but ? but[1] ?? "" : claim).split(",").map((t) => t.trim()).filter(Boolean);
    for (const t of named) {
      assert.ok(t in config.tasks, `README permission table names no task "${t}": ${line}`);
    }
    rows.push({
      kind: m[1],
      values: m[2]?.split(",").flatMap(expand),
      tasks: but ? SCOPED.filter((t) => !named.includes(t)) : named,
      line,
    });
  }
  return rows;
}

/** Whether `grant` (a set's list, or `true`) allows `value`, which may end in a `*` wildcard. */
function allows(grant: true | string[] | undefined, value: string): boolean {
  if (grant === true) return true;
  return (grant ?? []).some((g) =>
    g === value || (g.endsWith("*") && value.startsWith(g.slice(0, -1))) ||
    (value.endsWith("*") && g.startsWith(value.slice(0, -1)))
  );
}

Deno.test("the README's permission table is true both ways: every claim holds, every grant is listed", async () => {
  const rows = await readmeRows();
  assert.ok(rows.length >= 15, `${rows.length} rows`);
  const grants = new Map<string, PermissionSet>();
  for (const task of SCOPED) {
    const { set, overrides } = parseTask(await readTaskCommand(task));
    grants.set(task, { ...await readPermissionSet(set!), ...overrides });
  }
  const kindOf = (row: TableRow) => row.kind as keyof PermissionSet;
  for (const row of rows) {
    for (const task of row.tasks) {
      const grant = grants.get(task)?.[kindOf(row)];
      if (row.values === undefined) {
        assert.equal(grant, true, `${task} has no unscoped --allow-${row.kind}: ${row.line}`);
        continue;
      }
      for (const v of row.values) assert.ok(allows(grant, v), `${task} lacks ${v}: ${row.line}`);
    }
  }
  for (const [task, set] of grants) {
    for (const kind of PERMISSION_KINDS) {
      const grant = set[kind];
      if (grant === undefined) continue;
      const mine = rows.filter((r) => r.kind === kind && r.tasks.includes(task));
      if (grant === true) {
        assert.ok(mine.some((r) => !r.values), `README: no row for ${task}'s --allow-${kind}`);
        continue;
      }
      for (const g of grant) {
        assert.ok(
          mine.some((r) => r.values && allows(r.values, g)),
          `README: no row for ${task}'s --allow-${kind}=…${g}…`,
        );
      }
    }
  }
});
