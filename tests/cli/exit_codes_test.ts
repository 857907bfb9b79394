/**
 * The one exit-code convention: every error a task ends with is a named class extending
 * `FatalError` (src/core/exit.ts) and carries its `exitCode`; `main` prints it as one line and
 * exits with that code.
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const url = (p: string) => new URL(p, ROOT).pathname;

/** Runs tests/cli/_throw_in_main.ts, which ends `main("demo", ...)` with the error named `kind`. */
async function run(kind: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "--allow-env", "--allow-read", url("tests/cli/_throw_in_main.ts"), kind],
    cwd: new URL(".", ROOT).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("main exits with the exitCode each named error carries, printing one line", async () => {
  const cases: [string, number, RegExp][] = [
    ["usage", 1, /^demo: --port must be an integer\n$/],
    ["connection", 2, /^demo: cannot connect to localhost:1: nothing listening: refused\n$/],
    ["noWorker", 2, /^demo: no worker is polling q on localhost:7233\/default/],
    ["cancelled", 3, /^demo: workflow wf-1 was cancelled/],
    ["config", 1, /^demo: invalid configuration:\n {2}✗ TEMPORAL_ADDRESS: bad\n$/],
    ["plain", 1, /^demo: boom\n$/],
  ];
  for (const [kind, code, stderr] of cases) {
    const r = await run(kind);
    assert.equal(r.code, code, `${kind}: ${r.stderr}`);
    assert.match(r.stderr, stderr, `${kind}: ${r.stderr}`);
  }
});

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* tsFiles(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

Deno.test("no error class in src/ carries an exit code except through FatalError", async () => {
  const offenders: string[] = [];
  for await (const file of tsFiles(new URL("src", ROOT).pathname)) {
    if (file.endsWith("/core/exit.ts")) continue;
    const text = await Deno.readTextFile(file);
    // An own exit-code field, or main() reading one off any error (the old duck typing).
    for (const m of text.matchAll(/readonly (?:exitCode|code) = \d|exitCode\?: unknown/g)) {
      offenders.push(`${file}: ${m[0]}`);
    }
  }
  assert.deepEqual(offenders, []);
});
