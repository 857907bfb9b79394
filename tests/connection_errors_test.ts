/**
 * One connection classifier for every command: check-env, start, worker, schedule and dev name
 * the same failure with the same words and exit code 2 — a closed port, a port that is not
 * Temporal (the dev server's HTTP API), an mTLS gateway reached without a client certificate,
 * an API key sent to a plaintext server — with no raw transport error and no advice that leads
 * into another error.
 */
import assert from "node:assert/strict";
import { startDevServer } from "./harness/dev_server.ts";
import { startGateway } from "./harness/gateway.ts";
import { makeTestCerts } from "./harness/certs.ts";
import { freePort } from "./harness/ports.ts";
import { runTask } from "./helpers/proc.ts";
import {
  classifyGrpcError,
  namespaceMissingMessage,
  plainMessage,
} from "../src/config/classify.ts";

const COMMANDS = [
  ["check-env", []],
  ["start", []],
  ["worker", []],
  ["schedule", ["list"]],
  ["dev", []],
] as const;

/** The one line of `task` that names the failure: `✗ …` for check-env, `<task>: …` otherwise. */
function failureLine(task: string, r: { stdout: string; stderr: string }): string {
  if (task === "check-env") {
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("  ✗ "));
    assert.equal(lines.length, 1, r.stdout);
    return lines[0].slice(4);
  }
  const lines = r.stderr.trimEnd().split("\n");
  const last = lines.at(-1)!;
  const m = new RegExp(`^${task}: cannot connect to \\S+: (.*)$`).exec(last);
  assert.ok(m, `${task}: ${r.stderr}`);
  return m[1];
}

Deno.test("every command names the same connection failure the same way (exit 2)", async (t) => {
  await using server = await startDevServer();
  const dir = await Deno.makeTempDir({ prefix: "conn-" });
  try {
    const certs = await makeTestCerts(dir);
    await using mtls = await startGateway({ mode: "mtls", upstream: server.address, certs });
    const closedAddress = `127.0.0.1:${freePort()}`;
    const httpApi = `127.0.0.1:${server.httpPort}`;
    const cases: { name: string; env: Record<string, string>; line: string; skip: string[] }[] = [
      {
        name: "closed port",
        env: { TEMPORAL_ADDRESS: closedAddress },
        line:
          `nothing listening: nothing is listening on ${closedAddress} (is the server running? is TEMPORAL_ADDRESS right?)`,
        // dev starts a server where nothing listens: not a failure there.
        skip: ["dev"],
      },
      {
        name: "not a Temporal server (the dev server's HTTP API port)",
        env: { TEMPORAL_ADDRESS: httpApi },
        line:
          `not a Temporal server: ${httpApi} answers plain HTTP/1, not Temporal's gRPC: check TEMPORAL_ADDRESS (Temporal's gRPC port is usually 7233, not the Web UI's or the HTTP API's)`,
        skip: [],
      },
      {
        name: "mTLS gateway without a client certificate",
        env: {
          TEMPORAL_ADDRESS: mtls.address,
          TEMPORAL_TLS: "true",
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
        },
        line:
          "no client certificate sent: the server requires a client certificate (mTLS) and none is configured: set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (or use TEMPORAL_API_KEY if the server takes API keys)",
        skip: [],
      },
      {
        name: "API key against a plaintext server",
        env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_API_KEY: "tk_SECRET_plain" },
        line:
          "TLS handshake failed: TLS handshake with 127.0.0.1 failed: the server does not speak TLS here (an API key is only sent over TLS: check TEMPORAL_ADDRESS, or for a plaintext server such as the local dev server unset TEMPORAL_API_KEY / TEMPORAL_API_KEY_FILE)",
        skip: [],
      },
    ];
    for (const c of cases) {
      await t.step(c.name, async () => {
        for (const [task, args] of COMMANDS) {
          if (c.skip.includes(task)) continue;
          const r = await runTask(task, [...args], { env: c.env, timeoutMs: 90_000 });
          const all = r.stdout + r.stderr;
          assert.equal(r.code, 2, `${task}: exit ${r.code}\n${all}`);
          assert.equal(failureLine(task, r), c.line, `${task}:\n${all}`);
          assert.ok(!/tonic::|hyper::|^\s+at /m.test(all), `${task}: raw error or stack\n${all}`);
          assert.ok(!all.includes("tk_SECRET"), `${task}: the API key leaked`);
          if (task !== "check-env") {
            // The failure is the one line.
            assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${task}:\n${r.stderr}`);
          }
        }
      });
    }
    await t.step("the API-key advice does not lead into a configuration error", async () => {
      // Following the old advice (TEMPORAL_TLS=false with the key) is refused as invalid:
      const r = await runTask("check-env", ["--offline"], {
        env: {
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_API_KEY: "tk_SECRET_plain",
          TEMPORAL_TLS: "false",
        },
      });
      assert.equal(r.code, 1, r.stdout);
      // ...and the advice given now (unset the key) works on this server:
      const ok = await runTask("check-env", [], { env: { TEMPORAL_ADDRESS: server.address } });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the Rust core's transport errors are reduced to a class and a plain reason", () => {
  const refused =
    `tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", 127.0.0.1:1, Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })))`;
  assert.equal(classifyGrpcError(new Error(refused)).failure, "nothing listening");
  assert.ok(!plainMessage(new Error(refused)).includes("tonic"));
  const noCert =
    `Failed to call GetSystemInfo: code: 'Unknown error', message: "transport error", source: tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert: CertificateRequired" }))`;
  assert.equal(classifyGrpcError(new Error(noCert)).failure, "no client certificate sent");
  assert.equal(
    plainMessage(new Error(noCert)),
    `Failed to call GetSystemInfo: code: 'Unknown error', message: "transport error": transport error (received fatal alert: CertificateRequired)`,
  );
  const plain =
    `tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidMessage(InvalidContentType) }))`;
  assert.equal(classifyGrpcError(new Error(plain)).failure, "TLS handshake failed");
});

Deno.test("a missing namespace is named with its server and the setting to check", () => {
  assert.equal(
    namespaceMissingMessage("no-such-ns", "localhost:7233"),
    `namespace "no-such-ns" does not exist on localhost:7233 (check TEMPORAL_NAMESPACE)`,
  );
});
