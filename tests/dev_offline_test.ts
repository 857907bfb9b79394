import assert from "node:assert/strict";
import { loadVenueList } from "../src/venues/list.ts";
import { runTask } from "./helpers/proc.ts";
import { freeDevPort, isListening } from "./harness/ports.ts";

Deno.test("dev --offline: starts a dev server, reads all seven venues, and stops the server", async () => {
  const port = freeDevPort();
  const out = await runTask("dev", ["--offline"], {
    env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` },
    timeoutMs: 90_000,
  });
  assert.equal(out.code, 0, out.stderr);
  assert.ok(!/^\s{4}at /m.test(out.stderr), `stack trace in stderr:\n${out.stderr}`);
  assert.match(
    out.stderr,
    new RegExp(
      `^dev: nothing at 127\\.0\\.0\\.1:${port}; starting \`temporal server start-dev\``,
      "m",
    ),
  );
  assert.match(out.stderr, /^dev: offline: venues served from our fixtures .* as of 2026-03-05$/m);
  assert.match(out.stderr, /^dev: workflow \S+ started$/m);
  assert.match(out.stderr, /^dev: stopping the dev server it started$/m);
  assert.match(out.stdout, /^Food trucks in Ballard, Thursday, March 5, 2026 to /);
  assert.match(out.stdout, /^\d+ event\(s\) from 7 venue\(s\)\.$/m);
  for (const v of await loadVenueList()) {
    assert.ok(out.stdout.includes(` @ ${v.name}\n`), `no event of ${v.name}:\n${out.stdout}`);
  }
  assert.ok(!out.stdout.includes("failed"), out.stdout);
  assert.equal(await isListening("127.0.0.1", port), false, `something still listens on ${port}`);
  assert.equal(
    await isListening("127.0.0.1", port + 1000),
    false,
    `the Web UI still listens on ${port + 1000}`,
  );
});
