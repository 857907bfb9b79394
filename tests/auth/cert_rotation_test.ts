/**
 * Live client-certificate rotation: the cert and key files of a running worker behind the mTLS
 * gateway are replaced; the worker recycles itself (drain, reconnect with the new pair, start a
 * new worker) without a restart, and the gateway sees the new certificate on the worker's calls.
 * A half-written pair is refused and the worker keeps running on the current one.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { makeTestCerts } from "../harness/certs.ts";
import { startGateway } from "../harness/gateway.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";
import { waitUntil } from "../harness/wait.ts";

/** Issues a client certificate `CN=<cn>` signed by the test CA (reusing the harness's openssl.cnf). */
async function issueClientCert(dir: string, cn: string, cert: string, key: string) {
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-noenc",
      "-config",
      `${dir}/openssl.cnf`,
      "-extensions",
      "client_ext",
      "-CA",
      `${dir}/ca.crt`,
      "-CAkey",
      `${dir}/ca.key`,
      "-subj",
      `/O=Around the Grounds tests/CN=${cn}`,
      "-days",
      "7",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

/** How the test polls the gateway's log (it writes a line when a request ends). */
const POLL = { timeoutMs: 90_000, intervalMs: 200 };

Deno.test("client certificate rotation under a running worker behind the mTLS gateway", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cert-rotation-" });
  await Deno.mkdir(`${tmp}/certs`);
  const certs = await makeTestCerts(`${tmp}/certs`);
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  await using gw = await startGateway({ mode: "mtls", upstream: server.address, certs });
  const venues = fixtures.venueList(await loadVenueList()).filter((v) => v.key === "stoup-ballard");
  const venuesFile = `${tmp}/venues.json`;
  await Deno.writeTextFile(venuesFile, JSON.stringify({ venues }));

  // The worker's cert and key live at fixed paths; rotation replaces the files (write + rename).
  const certPath = `${tmp}/client.crt`;
  const keyPath = `${tmp}/client.key`;
  await issueClientCert(certs.dir, "worker-one", certPath, keyPath);
  await issueClientCert(certs.dir, "worker-two", `${tmp}/two.crt`, `${tmp}/two.key`);
  const env = {
    TEMPORAL_ADDRESS: gw.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    TEMPORAL_TLS_CERT: certPath,
    TEMPORAL_TLS_KEY: keyPath,
    TEMPORAL_TASK_QUEUE: `rot-${crypto.randomUUID().slice(0, 8)}`,
  };
  const starter = {
    ...env,
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
  };
  const startArgs = ["--venues", venuesFile, "--date", FIXTURE_DATE, "--json"];
  const workerCalls = async (cn: string) =>
    (await gw.accessLog()).split("\n").filter((l) =>
      /RespondWorkflowTaskCompleted/.test(l) && l.includes(`CN=${cn}`)
    ).length;

  await using worker = await spawnTask("worker", [], { env: { ...env, ...fixtures.allowEnv } });
  await worker.waitFor(/RUNNING on /, 60_000);
  const first = await runTask("start", startArgs, { env: starter });
  assert.equal(first.code, 0, first.stdout + first.stderr + worker.output());
  await waitUntil(
    "the first certificate's calls",
    async () => (await workerCalls("worker-one")) > 0,
    POLL,
  );

  // A half-written pair (new certificate, old key) is refused; the worker keeps running.
  await Deno.copyFile(`${tmp}/two.crt`, `${certPath}.tmp`);
  await Deno.rename(`${certPath}.tmp`, certPath);
  await worker.waitFor(
    /client certificate not rotated, keeping the current one: TEMPORAL_TLS_CERT \/ TEMPORAL_TLS_KEY: the new client certificate and key do not belong together/,
    30_000,
  );
  // Then the key arrives: the worker recycles onto the new pair, without a restart.
  await Deno.copyFile(`${tmp}/two.key`, `${keyPath}.tmp`);
  await Deno.rename(`${keyPath}.tmp`, keyPath);
  await worker.waitFor(
    /client certificate changed \(subject .*CN=worker-two.*\): recycling/,
    30_000,
  );
  await worker.waitFor(/RUNNING again with the new client certificate/, 60_000);
  const oneBefore = await workerCalls("worker-one");
  const second = await runTask("start", startArgs, { env: starter });
  assert.equal(second.code, 0, second.stdout + second.stderr + worker.output());
  assert.ok(JSON.parse(second.stdout).events.length >= 5);
  await waitUntil(
    "the new certificate's calls",
    async () => (await workerCalls("worker-two")) > 0,
    POLL,
  );
  assert.equal(await workerCalls("worker-one"), oneBefore, "the old certificate was still used");
  assert.equal(await worker.stop(), 0, worker.output());
  assert.equal(worker.output().match(/RUNNING on /g)?.length, 1, "the worker restarted");
  await Deno.remove(tmp, { recursive: true });
});
