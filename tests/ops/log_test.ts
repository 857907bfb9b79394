/**
 * The logger: both formats (the examples in docs/operations.md are these lines), levels,
 * secrets and `taskToken` never written, errors as one line (stack only at debug), the SDK
 * adapter, and LOG_LEVEL / LOG_FORMAT validation through the config module.
 */
import assert from "node:assert/strict";
import { createLog, sdkLogger } from "../../src/ops/log.ts";
import type { LogFormat, LogLevel } from "../../src/ops/log.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { runTask } from "../helpers/proc.ts";

const AT = new Date("2026-03-05T18:04:05.123Z");

function capture(level: LogLevel, format: LogFormat) {
  const lines: string[] = [];
  const log = createLog({ level, format, write: (l) => lines.push(l), now: () => AT });
  return { log, lines };
}

/** The lines the docs show: a failed venue attempt, a state change, a warning from the SDK. */
function exampleLines(format: LogFormat): string[] {
  const { log, lines } = capture("info", format);
  log.warn("venue fetch failed", {
    venue: "urban-family",
    error: "HttpStatusError",
    detail: "HTTP 503 Service Unavailable from https://urbanfamilybrewing.com/home/calendar/",
    attempt: 2,
    activityType: "fetchVenue",
    workflowId: "food-trucks-2026-03-05-1a2b3c4d",
    runId: "0196a1f2-7c3e-7d44-9a51-6b2f0c9e8d71",
  });
  log.info("RUNNING on localhost:7233 namespace=default taskQueue=food-trucks (ready in 338 ms)");
  return lines;
}

/** The fenced block after `<!-- log-example:NAME -->` in docs/operations.md. */
async function docBlock(name: string): Promise<string[]> {
  const doc = await Deno.readTextFile(new URL("../../docs/operations.md", import.meta.url));
  const m = new RegExp(`<!-- log-example:${name} -->\\n+\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(
    doc,
  );
  assert.ok(m, `no log-example:${name} block in docs/operations.md`);
  return m[1].split("\n");
}

Deno.test("the log examples in docs/operations.md are what the logger writes", async () => {
  assert.deepEqual(await docBlock("text"), exampleLines("text"));
  assert.deepEqual(await docBlock("json"), exampleLines("json"));
  for (const line of exampleLines("json")) JSON.parse(line);
});

Deno.test("levels: lines below LOG_LEVEL are dropped", () => {
  const { log, lines } = capture("warn", "text");
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  assert.deepEqual(lines, ["worker: warning: w", "worker: error: e"]);
  assert.equal(log.enabled("info"), false);
  assert.equal(log.child("sdk").enabled("warn"), true);
});

Deno.test("no secret, no taskToken, no stack at info; the stack only at debug", () => {
  const secret = "ghp_SECRETsecretSECRET123";
  for (const format of ["text", "json"] as const) {
    const { log, lines } = capture("info", format);
    log.addSecret(secret);
    const err = new Error(`failed with ${secret}\nsecond line`);
    log.warn("x", { taskToken: "dGFzaw==", apiKey: "k", authorization: "Bearer z", error: err });
    log.info(`url https://x-access-token:${secret}@example.org`);
    const all = lines.join("\n");
    assert.ok(!all.includes(secret), all);
    assert.ok(!/taskToken|dGFzaw|Bearer|apiKey/.test(all), all);
    assert.ok(!all.includes("second line") && !/\n\s+at /.test(all), all);
    assert.match(all, /Error: failed with \[redacted\]/);
  }
  const { log, lines } = capture("debug", "json");
  log.debug("x", { error: new Error("boom") });
  assert.match(JSON.parse(lines[0]).errorStack, /\n\s+at /);
});

Deno.test("SDK logger: meta reduced to known fields; 'Activity failed' only at debug", () => {
  const meta = {
    taskToken: "c2VjcmV0VG9rZW4=",
    workflowId: "wf",
    workflowRunId: "run",
    activityType: "fetchVenue",
    attempt: 2,
    error: new Error("HTTP 503"),
  };
  const info = capture("info", "json");
  const sdk = sdkLogger(info.log);
  sdk.warn("Activity failed", meta);
  sdk.info("Worker state changed", { state: "RUNNING" });
  sdk.warn("Something the SDK warns about", meta);
  assert.equal(info.lines.length, 1);
  const o = JSON.parse(info.lines[0]);
  assert.deepEqual(
    { msg: o.msg, workflowId: o.workflowId, runId: o.runId, attempt: o.attempt, error: o.error },
    {
      msg: "Something the SDK warns about",
      workflowId: "wf",
      runId: "run",
      attempt: 2,
      error: "Error: HTTP 503",
    },
  );
  const debug = capture("debug", "json");
  sdkLogger(debug.log).warn("Activity failed", meta);
  assert.equal(debug.lines.length, 1);
  assert.ok(!debug.lines[0].includes("c2VjcmV0VG9rZW4"), "taskToken at debug");
  assert.match(JSON.parse(debug.lines[0]).errorStack, /\n\s+at /);
});

Deno.test("LOG_LEVEL / LOG_FORMAT: read by the config module; a bad value is one line naming it", async () => {
  const ok = await loadConfig({ env: { LOG_LEVEL: "DEBUG", LOG_FORMAT: "json" }, noEnvFile: true });
  assert.deepEqual([ok.app.logLevel, ok.app.logFormat, ok.errors], ["debug", "json", []]);
  const def = await loadConfig({ env: {}, noEnvFile: true });
  assert.deepEqual([def.app.logLevel, def.app.logFormat], ["info", "text"]);
  const r = await runTask("worker", ["--no-bundle"], {
    env: { LOG_LEVEL: "loud", LOG_FORMAT: "xml" },
  });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.match(lines.join("\n"), /LOG_LEVEL: "loud" is not one of error, warn, info, debug/);
  assert.match(lines.join("\n"), /LOG_FORMAT: "xml" is not one of text, json/);
  assert.ok(!/^\s+at /m.test(r.stderr), r.stderr);
});

Deno.test("control characters from venues or the SDK are escaped: one line, no terminal escapes", () => {
  const hostile = "HTTP 500 \x1b[31mred\x1b[0m\nsecond line\x9b2J\x00";
  for (const format of ["text", "json"] as const) {
    const { log, lines } = capture("info", format);
    log.warn(`message with ${hostile}`, { detail: hostile });
    assert.equal(lines.length, 1);
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(lines[0]), JSON.stringify(lines[0]));
    if (format === "json") {
      const o = JSON.parse(lines[0]);
      assert.equal(o.detail, hostile, "JSON keeps the text, escaped");
    } else {
      assert.match(lines[0], /detail="HTTP 500 \\u001b\[31mred/);
    }
  }
});
