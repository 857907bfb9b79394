/**
 * Every connection message of the pre-flight probe (`src/config/probe.ts`), read as a whole line:
 * real listeners on loopback (closed port, plain TCP, TLS with the test PKI), no mocks.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/mod.ts";
import { probeEndpoint } from "../../src/config/probe.ts";
import { ConnectionFailedError } from "../../src/config/classify.ts";
import { makeTestCerts } from "../harness/certs.ts";
import { freePort as closedPort } from "../harness/ports.ts";

const tmp = await Deno.makeTempDir({ prefix: "probe-test-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* gone */ }
});
const certs = await makeTestCerts(tmp);

/** The message the probe throws for `env`, exactly. */
async function probeLine(env: Record<string, string>, timeoutMs = 5000): Promise<string> {
  const cfg = await loadConfig({ env: { HOME: `${tmp}/home`, ...env }, noEnvFile: true });
  assert.deepEqual(cfg.errors, []);
  try {
    await probeEndpoint(cfg, timeoutMs);
  } catch (err) {
    assert.ok(err instanceof ConnectionFailedError, String(err));
    assert.equal(err.message.split("\n").length, 1);
    return err.message;
  }
  throw new Error("the probe succeeded");
}

/** A TLS listener presenting `cert`; accepts and handshakes until closed. */
function tlsServer(cert: string, key: string) {
  const l = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(cert),
    key: Deno.readTextFileSync(key),
    alpnProtocols: ["h2"],
  });
  (async () => {
    for await (const c of l) c.handshake().catch(() => {}).finally(() => c.close());
  })().catch(() => {});
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

/** A TCP listener that accepts and never says anything. */
function silentServer() {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const c of l) conns.push(c);
  })().catch(() => {});
  return {
    port: (l.addr as Deno.NetAddr).port,
    close: () => {
      for (const c of conns) c.close();
      l.close();
    },
  };
}

/** A TCP listener answering every connection with plaintext HTTP. */
function plainServer() {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const c of l) {
      c.write(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n")).catch(() => {})
        .finally(() => setTimeout(() => c.close(), 50));
    }
  })().catch(() => {});
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

Deno.test("nothing listening: names the host, the port and the address variable", async () => {
  const port = closedPort();
  assert.equal(
    await probeLine({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` }),
    `cannot connect to 127.0.0.1:${port}: nothing listening: nothing is listening on 127.0.0.1:${port} (is the server running? is TEMPORAL_ADDRESS right?)`,
  );
});

Deno.test("nothing listening at a profile's address names profile.address", async () => {
  const port = closedPort();
  const toml = `${tmp}/p.toml`;
  await Deno.writeTextFile(toml, `[profile.default]\naddress = "127.0.0.1:${port}"\n`);
  assert.equal(
    await probeLine({ TEMPORAL_CONFIG_FILE: toml }),
    `cannot connect to 127.0.0.1:${port}: nothing listening: nothing is listening on 127.0.0.1:${port} (is the server running? is profile.address right?)`,
  );
});

Deno.test("a host that does not resolve: names the host and the address variable", async () => {
  assert.equal(
    await probeLine({ TEMPORAL_ADDRESS: "no-such-host.invalid:7233" }),
    "cannot connect to no-such-host.invalid:7233: cannot resolve host: the host name no-such-host.invalid cannot be resolved (check TEMPORAL_ADDRESS and DNS)",
  );
});

Deno.test("TLS against a plaintext server: says the server does not speak TLS", async () => {
  const s = plainServer();
  try {
    assert.equal(
      await probeLine({ TEMPORAL_ADDRESS: `localhost:${s.port}`, TEMPORAL_TLS: "true" }),
      `cannot connect to localhost:${s.port}: TLS handshake failed: TLS handshake with localhost failed: the server does not speak TLS here (set TEMPORAL_TLS=false for a plaintext server)`,
    );
  } finally {
    s.close();
  }
});

Deno.test("a TLS handshake that never finishes times out with the step named", async () => {
  const s = silentServer();
  try {
    assert.equal(
      await probeLine({ TEMPORAL_ADDRESS: `localhost:${s.port}`, TEMPORAL_TLS: "true" }, 1500),
      `cannot connect to localhost:${s.port}: timed out: TLS handshake did not finish within 1500 ms`,
    );
  } finally {
    s.close();
  }
});

Deno.test("server certificate from an unknown CA: without and with a configured CA", async () => {
  const s = tlsServer(certs.serverCert, certs.serverKey);
  try {
    assert.equal(
      await probeLine({ TEMPORAL_ADDRESS: `localhost:${s.port}`, TEMPORAL_TLS: "true" }),
      `cannot connect to localhost:${s.port}: server certificate not trusted: the server's certificate is not trusted (set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it)`,
    );
    assert.equal(
      await probeLine({
        TEMPORAL_ADDRESS: `localhost:${s.port}`,
        TEMPORAL_TLS_SERVER_CA_CERT_DATA: await Deno.readTextFile(certs.rogueCaCert),
      }),
      `cannot connect to localhost:${s.port}: server certificate not trusted: the server's certificate is not trusted by TEMPORAL_TLS_SERVER_CA_CERT_DATA (set it to the CA that signed the server's certificate)`,
    );
  } finally {
    s.close();
  }
});

Deno.test("server certificate for another name: suggests TEMPORAL_TLS_SERVER_NAME; it then passes", async () => {
  const s = tlsServer(certs.otherNameServerCert, certs.otherNameServerKey);
  try {
    const env = {
      TEMPORAL_ADDRESS: `localhost:${s.port}`,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    };
    assert.equal(
      await probeLine(env),
      `cannot connect to localhost:${s.port}: server certificate not trusted: the server's certificate is not valid for "localhost" (set TEMPORAL_TLS_SERVER_NAME to a name on the certificate)`,
    );
    const ok = await loadConfig({
      env: { ...env, TEMPORAL_TLS_SERVER_NAME: certs.otherServerName },
      noEnvFile: true,
    });
    await probeEndpoint(ok, 5000);
  } finally {
    s.close();
  }
});

Deno.test("an expired server certificate is named as such", async () => {
  // The harness's expired certificate is a client certificate for CN=expired; rustls checks
  // the validity period first.
  const s = tlsServer(certs.expiredClientCert, certs.expiredClientKey);
  try {
    assert.equal(
      await probeLine({
        TEMPORAL_ADDRESS: `localhost:${s.port}`,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      }),
      `cannot connect to localhost:${s.port}: server certificate not trusted: the server's certificate is expired or not yet valid`,
    );
  } finally {
    s.close();
  }
});
