import assert from "node:assert/strict";
import { collectTestFiles, fileFailed, parseSummary, runAll, summarize } from "./run_suite.ts";

const PASSING = `Deno.test("one", () => {});\nDeno.test("two", () => {});\n` +
  `Deno.test({ name: "skipped", ignore: true, fn() {} });\n`;
const FAILING =
  `Deno.test("fine", () => {});\nDeno.test("broken", () => { throw new Error("no"); });\n`;
// A file whose process dies the way CI's did: a real segmentation fault (a read of address 8),
// after one test passed.
const CRASHING = `Deno.test("before", () => {});\n` +
  `Deno.test("crash", () => {\n` +
  `  new Deno.UnsafePointerView(Deno.UnsafePointer.create(8n)!).getInt8();\n` +
  `});\n`;

async function suiteDir(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "atg-suite-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${name}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test("collectTestFiles: test-named files under folders, fixtures and helpers left out", async () => {
  const dir = await suiteDir({
    "a_test.ts": PASSING,
    "sub/b.test.ts": PASSING + "\n".repeat(50),
    "sub/helper.ts": "export {};",
    "fixtures/c_test.ts": PASSING,
  });
  try {
    assert.deepEqual(await collectTestFiles([dir]), [`${dir}/sub/b.test.ts`, `${dir}/a_test.ts`]);
    assert.deepEqual(await collectTestFiles([`${dir}/sub/helper.ts`]), [`${dir}/sub/helper.ts`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseSummary reads deno test's last summary line, colours or not", () => {
  assert.deepEqual(
    parseSummary(
      "ok | 1 passed | 0 failed\n\x1b[31mFAILED\x1b[0m | 3 passed | 2 failed | 1 ignored (4s)",
    ),
    { passed: 3, failed: 2, ignored: 1 },
  );
  assert.deepEqual(parseSummary("error: Module not found"), { passed: 0, failed: 0, ignored: 0 });
});

Deno.test("runAll: each file in its own process; a crash or a failure fails that file only, by name", async () => {
  const dir = await suiteDir({
    "pass_test.ts": PASSING,
    "fail_test.ts": FAILING,
    "crash_test.ts": CRASHING,
  });
  try {
    const files = await collectTestFiles([dir]);
    const seen: string[] = [];
    const results = await runAll(files, ["--no-check", "--allow-ffi"], {
      jobs: 2,
      timeoutMs: 60_000,
      onDone: (r) => seen.push(r.file),
    });
    assert.deepEqual(seen.sort(), [...files].sort());
    const by = (name: string) => results.find((r) => r.file.endsWith(name))!;
    assert.equal(fileFailed(by("pass_test.ts")), false);
    assert.deepEqual([by("pass_test.ts").passed, by("pass_test.ts").ignored], [2, 1]);
    assert.equal(by("fail_test.ts").failed, 1);
    assert.equal(by("crash_test.ts").signal, "SIGSEGV");
    const summary = summarize(results, 1234).split("\n");
    assert.equal(summary[0], "2 of 3 test files failed:");
    assert.ok(summary.includes(`  ${dir}/crash_test.ts: crashed with SIGSEGV`), summary.join("\n"));
    assert.ok(summary.includes(`  ${dir}/fail_test.ts: 1 failed`), summary.join("\n"));
    assert.equal(summary.at(-1), "FAILED | 3 passed | 2 failed | 1 ignored (3 files, 1s)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runAll: a file that outlives its timeout is killed and reported as such", async () => {
  const dir = await suiteDir({
    "hang_test.ts": `Deno.test("hang", () => new Promise((r) => setTimeout(r, 600_000)));\n`,
  });
  try {
    const [r] = await runAll(await collectTestFiles([dir]), ["--no-check"], {
      jobs: 1,
      timeoutMs: 1500,
    });
    assert.equal(r.signal, "timeout");
    assert.match(
      summarize([r], 1500),
      /hang_test\.ts: killed after the file timeout\nFAILED \| 0 passed \| 1 failed/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
