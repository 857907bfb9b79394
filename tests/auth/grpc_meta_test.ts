/**
 * gRPC metadata (`TEMPORAL_GRPC_META_<NAME>` in `.env`, the profile's `grpc_meta`) is sent on
 * every call by the client and by the worker: an nginx gateway that demands a header refuses
 * requests without it and lets those with it through. check-env shows it redacted.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { makeTestCerts } from "../harness/certs.ts";
import { startGateway } from "../harness/gateway.ts";
import { runTask, spawnTask } from "../helpers/proc.ts";

const HEADER = "x-atg-tenant";
const VALUE = "tenantSECRET42";

Deno.test("gRPC metadata reaches the gateway from the client and the worker; shown redacted", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "grpc-meta-" });
  await Deno.mkdir(`${tmp}/certs`);
  const certs = await makeTestCerts(`${tmp}/certs`);
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  await using gw = await startGateway({
    mode: "tls",
    upstream: server.address,
    certs,
    requiredHeader: { name: HEADER, value: VALUE },
  });
  const venues = fixtures.venueList(await loadVenueList()).filter((v) => v.key === "stoup-ballard");
  const venuesFile = `${tmp}/venues.json`;
  await Deno.writeTextFile(venuesFile, JSON.stringify({ venues }));
  const dotEnv = `${tmp}/meta.env`;
  await Deno.writeTextFile(dotEnv, `TEMPORAL_GRPC_META_X_ATG_TENANT=${VALUE}\n`);
  const toml = `${tmp}/temporal.toml`;
  await Deno.writeTextFile(
    toml,
    `[profile.gw]\naddress = "${gw.address}"\n[profile.gw.tls]\nserver_ca_cert_path = "${certs.caCert}"\n` +
      `[profile.gw.grpc_meta]\n"X_ATG_TENANT" = "${VALUE}"\n`,
  );
  const base = {
    TEMPORAL_ADDRESS: gw.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    TEMPORAL_TASK_QUEUE: `meta-${crypto.randomUUID().slice(0, 8)}`,
  };
  const noSecret = (text: string) => assert.ok(!text.includes(VALUE), "the header value leaked");

  await t.step("without the header: check-env and the worker are refused (exit 2)", async () => {
    const c = await runTask("check-env", [], { env: base });
    assert.equal(c.code, 2, c.stdout + c.stderr);
    assert.match(c.stdout, /^ {2}✗ unauthorized: the server rejected the credentials: /m);
    const w = await runTask("worker", [], { env: base, timeoutMs: 60_000 });
    assert.equal(w.code, 2, w.stdout + w.stderr);
    assert.match(w.stderr, /^worker: cannot connect to localhost:\d+: unauthorized: /m);
  });

  await t.step("with the header from .env: check-env connects and shows it redacted", async () => {
    const c = await runTask("check-env", ["--env-file", dotEnv], { env: base });
    assert.equal(c.code, 0, c.stdout + c.stderr);
    assert.match(
      c.stdout,
      new RegExp(
        `^ {2}gRPC header ${HEADER} +set, ${VALUE.length} chars {2}\\[\\.env TEMPORAL_GRPC_META_X_ATG_TENANT\\]$`,
        "m",
      ),
    );
    noSecret(c.stdout + c.stderr);
  });

  await t.step(
    "with the header from a --profile: check-env --json reports it redacted",
    async () => {
      const c = await runTask("check-env", ["--json", "--profile", "gw"], {
        env: { TEMPORAL_CONFIG_FILE: toml },
      });
      assert.equal(c.code, 0, c.stdout + c.stderr);
      const report = JSON.parse(c.stdout);
      assert.equal(report.connection.ok, true);
      assert.equal(report.exitCode, 0);
      assert.deepEqual(report.grpcMetadata[HEADER], {
        redacted: `set, ${VALUE.length} chars`,
        source: "profile",
        from: `profile.grpc_meta.${HEADER}`,
      });
      assert.equal(report.profile.name, "gw");
      noSecret(c.stdout + c.stderr);
    },
  );

  await t.step(
    "worker (header from .env) and start (header from the profile) run the workflow",
    async () => {
      await using worker = await spawnTask("worker", ["--env-file", dotEnv], {
        env: { ...base, ...fixtures.allowEnv },
      });
      await worker.waitFor(/worker: RUNNING/, 60_000);
      const r = await runTask(
        "start",
        ["--profile", "gw", "--venues", venuesFile, "--date", FIXTURE_DATE, "--json"],
        { env: { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_TASK_QUEUE: base.TEMPORAL_TASK_QUEUE } },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr + worker.output());
      assert.ok(JSON.parse(r.stdout).events.length >= 5);
      assert.equal(await worker.stop(), 0, worker.output());
      noSecret(r.stdout + r.stderr + worker.output());
    },
  );
  await Deno.remove(tmp, { recursive: true });
});
