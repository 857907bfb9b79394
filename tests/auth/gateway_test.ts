/**
 * Temporal Cloud-grade auth end to end: API key, mTLS, custom CA and server name, through a real
 * TLS gateway (nginx `grpc_pass`) in front of a real dev server, for both the worker
 * (`deno task worker`) and the client (`deno task start`, `deno task check-env`).
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { makeTestCerts } from "../harness/certs.ts";
import { startGateway } from "../harness/gateway.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";

const KEY = "tk_SECRET_gateway_key_0123456789abcdef";
const KEY2 = "tk_SECRET_rotated_key_fedcba9876543210";
const WRONG = "tk_SECRET_wrong_key_000000000000000000";

function assertNoSecret(text: string) {
  for (const k of [KEY, KEY2, WRONG]) assert.ok(!text.includes(k), "an API key leaked into output");
}

/** check-env, the worker and the starter all refuse `env` with exit 2 and the same failure class. */
async function allRefuse(env: Record<string, string>, failure: RegExp, args: string[]) {
  const c = await runTask("check-env", [], { env });
  assert.equal(c.code, 2, c.stdout + c.stderr);
  assert.match(c.stdout, new RegExp(`✗ ${failure.source}`));
  for (const task of ["worker", "start"]) {
    const r = await runTask(task, task === "start" ? args : [], { env, timeoutMs: 60_000 });
    assert.equal(r.code, 2, `${task}: ${r.stdout}${r.stderr}`);
    const last = r.stderr.trim().split("\n").at(-1)!;
    assert.match(last, new RegExp(`^${task}: cannot connect to localhost:\\d+: ${failure.source}`));
    assert.ok(!/^\s+at /m.test(r.stderr), `${task} printed a stack trace`);
    assertNoSecret(r.stdout + r.stderr);
  }
}

Deno.test("auth through a TLS gateway: API key, mTLS, custom CA, server name, inline PEM, rotation", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "auth-" });
  await Deno.mkdir(`${tmp}/certs`);
  const certs = await makeTestCerts(`${tmp}/certs`);
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  const venues = fixtures.venueList(await loadVenueList()).filter((v) => v.key === "stoup-ballard");
  const venuesFile = `${tmp}/venues.json`;
  await Deno.writeTextFile(venuesFile, JSON.stringify({ venues }));
  await using apiGw = await startGateway({
    mode: "api-key",
    upstream: server.address,
    certs,
    apiKey: KEY,
  });
  await using mtlsGw = await startGateway({ mode: "mtls", upstream: server.address, certs });
  await using tlsGw = await startGateway({ mode: "tls", upstream: server.address, certs });
  await using otherGw = await startGateway({
    mode: "tls",
    upstream: server.address,
    certs,
    serverCert: "other-name",
  });
  const queue = () => ({ TEMPORAL_TASK_QUEUE: `auth-${crypto.randomUUID().slice(0, 8)}` });
  const startArgs = ["--venues", venuesFile, "--date", FIXTURE_DATE, "--json"];

  /** A worker and a starter with the same env: the workflow must run end to end. */
  async function runsEndToEnd(env: Record<string, string>) {
    const e = { ...env, ...queue(), ...fixtures.allowEnv };
    await using worker = await spawnTask("worker", [], { env: e });
    await worker.waitFor(/worker: RUNNING/, 60_000);
    const r = await runTask("start", startArgs, { env: e });
    assert.equal(r.code, 0, r.stdout + r.stderr + worker.output());
    const result: FoodTruckWorkflowResult = JSON.parse(r.stdout);
    assert.ok(result.events.length >= 5);
    assert.equal(await worker.stop(), 0, worker.output());
    assertNoSecret(r.stdout + r.stderr + worker.output());
    return worker.output();
  }

  const ca = { TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert };

  await t.step("API key: the right key runs the workflow (worker and client)", async () => {
    await runsEndToEnd({ TEMPORAL_ADDRESS: apiGw.address, TEMPORAL_API_KEY: KEY, ...ca });
    const r = await runTask("check-env", [], {
      env: { TEMPORAL_ADDRESS: apiGw.address, TEMPORAL_API_KEY: KEY, ...ca },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /auth mode\s+api-key/);
    assert.match(r.stdout, new RegExp(`API key\\s+set, ${KEY.length} chars`));
    assertNoSecret(r.stdout + r.stderr);
  });

  await t.step(
    "API key: a wrong key is rejected by the server (check-env exit 2, worker and start refuse)",
    async () => {
      const env = { TEMPORAL_ADDRESS: apiGw.address, TEMPORAL_API_KEY: WRONG, ...ca, ...queue() };
      const r = await runTask("check-env", [], { env });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout, /✗ unauthorized: the server rejected the credentials/);
      const s = await runTask("start", startArgs, { env });
      assert.equal(s.code, 2, s.stdout + s.stderr);
      assert.match(s.stderr, /^start: cannot connect to localhost:\d+: unauthorized: /m);
      const w = await runTask("worker", [], { env, timeoutMs: 60_000 });
      assert.equal(w.code, 2, w.stdout + w.stderr);
      assert.match(w.stderr, /^worker: cannot connect to localhost:\d+: unauthorized: /m);
      for (const out of [r, s, w]) {
        assertNoSecret(out.stdout + out.stderr);
        assert.ok(!/^\s+at /m.test(out.stderr), "stack trace printed");
      }
    },
  );

  await t.step("API key: no key at an API-key endpoint is a clear unauthorized error", async () => {
    const r = await runTask("check-env", [], { env: { TEMPORAL_ADDRESS: apiGw.address, ...ca } });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /auth mode\s+tls/);
    assert.match(r.stdout, /✗ unauthorized: /);
  });

  await t.step("mTLS: a valid client certificate runs the workflow", async () => {
    await runsEndToEnd({
      TEMPORAL_ADDRESS: mtlsGw.address,
      TEMPORAL_TLS_CERT: certs.clientCert,
      TEMPORAL_TLS_KEY: certs.clientKey,
      ...ca,
    });
  });

  await t.step("mTLS: inline PEM works like the file paths", async () => {
    await runsEndToEnd({
      TEMPORAL_ADDRESS: mtlsGw.address,
      TEMPORAL_TLS_CLIENT_CERT_DATA: await Deno.readTextFile(certs.clientCert),
      TEMPORAL_TLS_CLIENT_KEY_DATA: await Deno.readTextFile(certs.clientKey),
      ...ca,
    });
  });

  await t.step(
    "mTLS: a certificate from a rogue CA is rejected by check-env, worker and start (exit 2)",
    async () => {
      const env = {
        TEMPORAL_ADDRESS: mtlsGw.address,
        TEMPORAL_TLS_CERT: certs.rogueClientCert,
        TEMPORAL_TLS_KEY: certs.rogueClientKey,
        ...ca,
      };
      await allRefuse(
        env,
        /client certificate rejected: the server did not accept the client certificate/,
        startArgs,
      );
    },
  );

  await t.step(
    "mTLS: expired or mismatched certificates are refused before connecting (exit 1)",
    async () => {
      const expired = await runTask("check-env", [], {
        env: {
          TEMPORAL_ADDRESS: mtlsGw.address,
          TEMPORAL_TLS_CERT: certs.expiredClientCert,
          TEMPORAL_TLS_KEY: certs.expiredClientKey,
          ...ca,
        },
      });
      assert.equal(expired.code, 1, expired.stdout);
      assert.match(expired.stdout, /✗ TEMPORAL_TLS_CERT: certificate .* expired on/);
      assert.doesNotMatch(expired.stdout, /Connection/);
      const mismatched = await runTask("worker", [], {
        env: {
          TEMPORAL_ADDRESS: mtlsGw.address,
          TEMPORAL_TLS_CERT: certs.clientCert,
          TEMPORAL_TLS_KEY: certs.mismatchedKey,
          ...ca,
        },
      });
      assert.equal(mismatched.code, 1, mismatched.stderr);
      assert.match(
        mismatched.stderr,
        /TEMPORAL_TLS_CERT \/ TEMPORAL_TLS_KEY: the client certificate and key do not belong together/,
      );
    },
  );

  await t.step(
    "custom CA: works with TEMPORAL_TLS_SERVER_CA_CERT_PATH, 'not trusted' without it",
    async () => {
      await runsEndToEnd({ TEMPORAL_ADDRESS: tlsGw.address, TEMPORAL_TLS: "true", ...ca });
      await allRefuse(
        { TEMPORAL_ADDRESS: tlsGw.address, TEMPORAL_TLS: "true", ...queue() },
        /server certificate not trusted: the server's certificate is not trusted \(set TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
        startArgs,
      );
    },
  );

  await t.step("TEMPORAL_TLS_SERVER_NAME makes the other-name certificate work", async () => {
    await allRefuse(
      { TEMPORAL_ADDRESS: otherGw.address, ...ca, ...queue() },
      /server certificate not trusted: the server's certificate is not valid for "localhost" \(set TEMPORAL_TLS_SERVER_NAME/,
      startArgs,
    );
    await runsEndToEnd({
      TEMPORAL_ADDRESS: otherGw.address,
      TEMPORAL_TLS_SERVER_NAME: certs.otherServerName,
      ...ca,
    });
  });

  await t.step(
    "API key rotation from TEMPORAL_API_KEY_FILE without restarting the worker",
    async () => {
      const keyFile = `${tmp}/api-key`;
      await Deno.writeTextFile(keyFile, `${KEY}\n`);
      const env = {
        TEMPORAL_ADDRESS: apiGw.address,
        TEMPORAL_API_KEY_FILE: keyFile,
        ...ca,
        ...queue(),
        ...fixtures.allowEnv,
      };
      await using worker = await spawnTask("worker", [], { env });
      await worker.waitFor(/worker: RUNNING/, 60_000);
      const first = await runTask("start", startArgs, { env });
      assert.equal(first.code, 0, first.stderr);
      await Deno.writeTextFile(keyFile, `${KEY2}\n`);
      await apiGw.setApiKey(KEY2);
      await worker.waitFor(/API key rotated from TEMPORAL_API_KEY_FILE \(set, \d+ chars\)/, 15_000);
      const second = await runTask("start", startArgs, { env });
      assert.equal(second.code, 0, second.stdout + second.stderr + worker.output());
      assert.ok(JSON.parse(second.stdout).events.length >= 5);
      assert.equal(await worker.stop(), 0);
      assertNoSecret(first.stdout + first.stderr + second.stdout + second.stderr + worker.output());
    },
  );
  await Deno.remove(tmp, { recursive: true });
});
