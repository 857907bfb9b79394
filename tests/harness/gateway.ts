/**
 * A TLS-terminating gRPC gateway (nginx, HTTP/2, `grpc_pass`) in front of a Temporal dev
 * server, standing in for Temporal Cloud's front door in tests.
 *
 * Modes:
 * - `"tls"`: TLS only.
 * - `"api-key"`: TLS, and every request must carry `authorization: Bearer <apiKey>`;
 *   otherwise nginx answers with gRPC status 16 (UNAUTHENTICATED) itself.
 *   {@link Gateway.setApiKey} rotates the key (config rewrite + `nginx -s reload`).
 * - `"mtls"`: TLS, and the client must present a certificate issued by the test CA
 *   (`ssl_verify_client on`). Without one the TLS handshake fails; one that does not verify
 *   (rogue CA, expired) gets gRPC status 16 from nginx (it cannot fail the handshake then).
 *
 * Two Deno hazards this harness steers around, which apply to the project's own code too:
 * - A GOAWAY arriving on two or more open grpc-js sessions crashes Deno 2.9.6 (exit 139, or
 *   134 with nghttp2's assertion `stream->closed_next == NULL` in find_stream_on_goaway_func;
 *   denoland/deno#36788). Servers send GOAWAY on graceful shutdown, on reload, and when a
 *   connection reaches its maximum age (Temporal's frontend does that too). So `stop()` uses
 *   nginx's fast shutdown (no GOAWAY); `setApiKey()` cannot avoid one.
 * - `Connection.connect()` is `lazy()` + `ensureConnected()` and leaves the channel open when
 *   `ensureConnected()` throws: close it yourself (`lazy`, then `ensureConnected` in a try).
 *
 * @example
 * ```ts
 * import { Connection } from "@temporalio/client";
 * import { makeTestCerts } from "./certs.ts";
 * import { startDevServer } from "./dev_server.ts";
 * import { startGateway } from "./gateway.ts";
 *
 * await using server = await startDevServer();
 * const dir = await Deno.makeTempDir();
 * const certs = await makeTestCerts(dir);
 * await using gateway = await startGateway({
 *   mode: "api-key",
 *   upstream: server.address,
 *   certs,
 *   apiKey: "test-key-1",
 * });
 * const connection = await Connection.connect({
 *   address: gateway.address,
 *   tls: { serverRootCACertificate: await Deno.readFile(certs.caCert) },
 *   apiKey: "test-key-1",
 * });
 * await connection.workflowService.getSystemInfo({});
 * await connection.close();
 * ```
 *
 * nginx runs under the watchdog of `supervise.ts` (`spawnSupervised`): it is stopped with
 * its workers even when the test process dies. Permissions: `--allow-run=sh,nginx` (`sh` starts
 * nginx; `nginx -s reload` is run directly), `--allow-read`/`--allow-write` for the temp dir
 * and the certificates, `--allow-net=127.0.0.1,localhost`.
 *
 * ## What clients see (measured: Deno 2.9.6, @temporalio/client and /worker 1.24.0, nginx 1.22.1)
 *
 * `client` = `Connection.connect()` + `workflowService.getSystemInfo()` (grpc-js, default retry
 * interceptor); `lazy` = `Connection.lazy({ interceptors: [] })` + a call (the only way to see
 * the transport error, which the eager connect hides); `native` = `NativeConnection.connect()`
 * (Rust core, tonic + rustls; it calls GetSystemInfo itself, so failures throw from `connect`).
 * Error `name`s: grpc-js → `Error` with numeric `code`; the client's eager connect on a gRPC
 * status → `ServiceError` "Failed to connect to Temporal server" with that `Error` as `cause`;
 * native at connect → `TransportError` (no `code`); native calls on an open connection →
 * `ServiceError` with `code` and the bare grpc-message.
 *
 * - Every transport or TLS failure, `client`: `Error: Failed to connect before the deadline`,
 *   after `connectTimeout` (default 10 s). Nothing more specific is available from it.
 * - Server certificate not trusted (no CA given, or another CA):
 *   - lazy: `14 UNAVAILABLE: No connection established. Last error: Error: unable to verify
 *     the first certificate. Resolution note: `
 *   - native: `tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData,
 *     error: InvalidCertificate(UnknownIssuer) }))`
 * - Server name mismatch (other-name certificate, no override):
 *   - lazy: `… Last error: Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match
 *     certificate's altnames: Host: localhost. is not in the cert's altnames:
 *     DNS:temporal.internal. …`
 *   - native: `… InvalidCertificate(NotValidForNameContext { expected: DnsName("localhost"),
 *     presented: ["DnsName(\"temporal.internal\")"] }) …` (with an IP address:
 *     `expected: IpAddress(V4(Ipv4Addr([127, 0, 0, 1])))`).
 *   - With `serverNameOverride: "temporal.internal"` both work (at `localhost:` or `127.0.0.1:`).
 * - IP address + TLS without `serverNameOverride`, lazy only (Deno's `node:tls` refuses an IP as
 *   SNI; native is fine): `… Last error: TypeError [ERR_INVALID_ARG_VALUE]: The property
 *   'options.servername' must not be an IP address. Received '127.0.0.1'. …`
 * - Unauthorized (`"api-key"` mode, wrong or missing key):
 *   - client: `ServiceError: Failed to connect to Temporal server`, cause `16 UNAUTHENTICATED:
 *     Request unauthorized.` (fast: not retried)
 *   - lazy: `Error` code 16 `16 UNAUTHENTICATED: Request unauthorized.`
 *   - native: `TransportError: Failed to call GetSystemInfo: code: 'The request does not have
 *     valid authentication credentials', message: "Request unauthorized."`
 *   - after a rotation, on an already-open connection: grpc-js `Error` code 16 (same text);
 *     native `ServiceError` code 16 `Request unauthorized.`
 * - Client certificate rejected (`"mtls"` mode, rogue CA or expired): gRPC 16 from the gateway,
 *   `client certificate rejected (FAILED:unable to verify the first certificate)` or
 *   `… (FAILED:certificate has expired)`; wrapped exactly like "Unauthorized" above (native:
 *   `code: 'The request does not have valid authentication credentials', message: "client
 *   certificate rejected (…)"`). A harness artefact: nginx cannot fail the handshake for a bad
 *   certificate, a real mTLS server (Temporal Cloud) answers with a TLS alert instead.
 * - No client certificate (`"mtls"` mode): TLS handshake failure (alert certificate_required);
 *   under TLS 1.3 the client sees it after its own handshake finished, so the text is racy:
 *   - lazy: `… Last error: write EPIPE (<date>). …` or `… Last error: received fatal alert:
 *     CertificateRequired (<date>). …`
 *   - native: `… hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert:
 *     CertificateRequired" }) …` or `… code: 'The operation was cancelled', message:
 *     "operation was canceled", … hyper::Error(Canceled, "connection closed") …`
 * - Client certificate and key that do not match (fails in the client, before any I/O):
 *   - lazy: `… Last error: Error: unsupported protocol. …`
 *   - native: `tonic::transport::Error(Transport, InconsistentKeys(KeyMismatch))`
 * - Plaintext client against the TLS port:
 *   - lazy: `… Last error: Protocol error (<date>). …` (or `Last error: null`)
 *   - native: `… "h2 protocol error: http2 error" … GoAway(b"", FRAME_SIZE_ERROR, Library) …`
 *     or `… "operation was canceled" … hyper::Error(Canceled, "connection closed") …`
 * - Nothing listening:
 *   - lazy: `14 UNAVAILABLE: No connection established. Last error: Error: connect
 *     ECONNREFUSED 127.0.0.1:<port>. …` (or `Last error: null` on the very first attempt)
 *   - native (≈2 ms): `tonic::transport::Error(Transport, ConnectError(ConnectError("tcp
 *     connect error", 127.0.0.1:<port>, Os { code: 111, kind: ConnectionRefused, message:
 *     "Connection refused" })))`
 * - Temporal behind the gateway is down: gRPC 14 from the gateway; lazy `14 UNAVAILABLE:
 *   upstream Temporal frontend unavailable`; native `TransportError: Failed to call
 *   GetSystemInfo: code: 'The service is currently unavailable', message: "upstream Temporal
 *   frontend unavailable"`; client: retried until `DEADLINE_EXCEEDED`.
 *
 * `harness_test.ts` asserts all of these.
 *
 * @module
 */

import { delay } from "../../src/core/delay.ts";
import { retrying } from "../../src/core/retry.ts";
import type { TestCerts } from "./certs.ts";
import { freePort } from "./ports.ts";
import { CommandNotFoundError, spawnSupervised, type SupervisedProcess } from "./supervise.ts";

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** What the gateway demands of clients besides TLS. */
  mode: "api-key" | "mtls" | "tls";
  /** `host:port` of the Temporal frontend to forward to (e.g. `DevServer.address`). */
  upstream: string;
  /** The test PKI from `makeTestCerts`. */
  certs: TestCerts;
  /** Required in `"api-key"` mode: the accepted key (letters, digits and `._~+/=-`). */
  apiKey?: string;
  /**
   * Which server certificate to present: `"default"` (DNS:localhost, IP:127.0.0.1) or
   * `"other-name"` (DNS:temporal.internal only, for `serverNameOverride` tests).
   */
  serverCert?: "default" | "other-name";
  /** The nginx binary. Default `"nginx"` (looked up on PATH). */
  executable?: string;
  /**
   * A gRPC metadata header every request must carry with exactly this value (any mode), as a
   * proxy or tenant router would demand; requests without it get gRPC status 16
   * (UNAUTHENTICATED, {@link UNAUTHENTICATED_MESSAGE}). `name`: lower-case letters, digits, `-`.
   */
  requiredHeader?: { name: string; value: string };
  /** Extra nginx directives appended to the `server {}` block (escape hatch for experiments). */
  extraServerConfig?: string;
  /**
   * How long `stop()` waits after SIGTERM (nginx's fast shutdown: connections are closed
   * without GOAWAY) before it SIGKILLs the master and its workers. Default 3 000 ms.
   */
  stopGraceMs?: number;
  /** How long to wait for nginx to accept connections. Default 10 000 ms. */
  startTimeoutMs?: number;
}

/** A running gateway. Dispose of it (`await using`) or call {@link Gateway.stop}. */
export interface Gateway extends AsyncDisposable {
  /**
   * `localhost:<port>`: use this one. It matches the default server certificate's DNS SAN.
   * (grpc-js under Deno cannot use TLS with an IP address, see the module doc.)
   */
  readonly address: string;
  /**
   * `127.0.0.1:<port>`: fine for `NativeConnection` (IP SAN), and for grpc-js only together
   * with `serverNameOverride`.
   */
  readonly ipAddress: string;
  /** The TCP port nginx listens on (127.0.0.1 only). */
  readonly port: number;
  /** The name the presented server certificate is valid for (`localhost` or `temporal.internal`). */
  readonly serverName: string;
  /** Process id of the nginx master. */
  readonly pid: number;
  /** nginx's temp dir (config, logs, pid file); removed by `stop()`. */
  readonly dir: string;
  /** Contents of nginx's error log (level `info`: includes TLS handshake failures). */
  errorLog(): Promise<string>;
  /**
   * Contents of the access log (one line per request, written when it ends: status, gRPC
   * status, path, and `client="<subject of the client certificate>"` in mTLS mode).
   */
  accessLog(): Promise<string>;
  /**
   * `"api-key"` mode only: makes `newKey` the only accepted key. Resolves once a fresh
   * connection with the old key is rejected and one with the new key is let through.
   * Connections opened before the reload keep being served by the old worker until nginx
   * closes them (GOAWAY, at most ≈1 s later: `worker_shutdown_timeout`). Beware: that GOAWAY
   * can crash a Deno process holding two or more grpc-js sessions to the gateway
   * (denoland/deno#36788); the Rust core's `NativeConnection` is not affected.
   */
  setApiKey(newKey: string): Promise<void>;
  /** Stops nginx (TERM, then KILL) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Thrown when nginx is not installed. */
export class NginxNotFoundError extends Error {
  /** Creates the error for the executable that could not be found. */
  constructor(executable = "nginx", options?: ErrorOptions) {
    super(
      `\`${executable}\` was not found on PATH; the TLS gateway harness needs nginx. Install it with ` +
        "`apt-get install nginx` (Debian/Ubuntu; nginx ≥ 1.19.5 with http_ssl and http_v2).",
      options,
    );
    this.name = "NginxNotFoundError";
  }
}

/** Thrown when nginx fails to start, to reload, or is not ready in time. */
export class GatewayError extends Error {
  /** Creates the error; `log` is nginx's stderr and error log. */
  constructor(message: string, readonly log: string, options?: ErrorOptions) {
    super(
      `${message}\n--- nginx output and error log ---\n${log.trim() || "(none)"}`,
      options,
    );
    this.name = "GatewayError";
  }
}

/** Marker header on responses generated by the gateway itself (not by Temporal). */
export const GATEWAY_REJECT_HEADER = "x-test-gateway-reject";
/** The `grpc-message` sent with UNAUTHENTICATED in `"api-key"` mode. */
export const UNAUTHENTICATED_MESSAGE = "Request unauthorized.";
/**
 * Start of the `grpc-message` sent with UNAUTHENTICATED in `"mtls"` mode for a client
 * certificate that does not verify; nginx's reason follows in parentheses, e.g.
 * `client certificate rejected (FAILED:certificate has expired)`.
 */
export const CLIENT_CERT_REJECTED_MESSAGE = "client certificate rejected";

const API_KEY_RE = /^[A-Za-z0-9._~+/=-]+$/;
const UPSTREAM_RE = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;

/**
 * Starts nginx as a TLS gRPC gateway to `opts.upstream` and waits until it accepts
 * connections (typically 20–40 ms).
 *
 * @throws {NginxNotFoundError} when nginx is not installed.
 * @throws {GatewayError} when nginx does not start.
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  if (!UPSTREAM_RE.test(opts.upstream)) {
    throw new TypeError(
      `upstream must be host:port, got ${JSON.stringify(opts.upstream)}`,
    );
  }
  if (opts.mode === "api-key") checkApiKey(opts.apiKey);
  return await retrying(
    3,
    () => startOnce(opts),
    (error) => error instanceof GatewayError && /Address already in use/i.test(error.log),
  );
}

function checkApiKey(key: string | undefined): asserts key is string {
  if (!key || !API_KEY_RE.test(key)) {
    throw new TypeError(
      "api-key mode needs apiKey made of letters, digits and ._~+/=- only",
    );
  }
}

async function startOnce(opts: GatewayOptions): Promise<Gateway> {
  const dir = await Deno.makeTempDir({ prefix: "test-gateway-" });
  await Deno.mkdir(`${dir}/tmp`);
  const port = freePort();
  const conf = `${dir}/nginx.conf`;
  const errorLogPath = `${dir}/error.log`;
  const other = opts.serverCert === "other-name";
  const serverName = other ? opts.certs.otherServerName : "localhost";
  let apiKey = opts.apiKey;
  const render = () =>
    nginxConfig({
      dir,
      port,
      mode: opts.mode,
      upstream: opts.upstream,
      certs: opts.certs,
      apiKey,
      serverCert: other ? opts.certs.otherNameServerCert : opts.certs.serverCert,
      serverKey: other ? opts.certs.otherNameServerKey : opts.certs.serverKey,
      requiredHeader: opts.requiredHeader,
      extra: opts.extraServerConfig ?? "",
    });
  await Deno.writeTextFile(conf, render());
  const nginx = opts.executable ?? "nginx";
  const baseArgs = ["-p", `${dir}/`, "-c", conf, "-e", errorLogPath];

  let proc: SupervisedProcess;
  try {
    proc = await spawnSupervised(nginx, baseArgs, { cleanupDir: dir });
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (error instanceof CommandNotFoundError) {
      throw new NginxNotFoundError(nginx, { cause: error });
    }
    throw error;
  }
  const decoder = new TextDecoder();
  const readErrorLog = () => Deno.readTextFile(errorLogPath).catch(() => "");
  const logs = async () => `${proc.output()}${await readErrorLog()}`;

  // TERM (fast shutdown), then KILL of the master and its workers. Not
  // QUIT: a graceful shutdown sends GOAWAY on every open HTTP/2 connection, and a GOAWAY on
  // two or more grpc-js sessions crashes Deno 2.9.6 (segfault, or nghttp2's assertion
  // `stream->closed_next == NULL` in find_stream_on_goaway_func; denoland/deno#36788).
  const graceMs = opts.stopGraceMs ?? 3000;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await proc.stop([["TERM", graceMs]]);
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    })();
    return stopping;
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (proc.exited) {
      const s = await proc.status;
      const log = await logs();
      await stop();
      throw new GatewayError(
        `nginx exited during startup (code ${s.code})`,
        log,
      );
    }
    if (Date.now() > deadline) {
      const log = await logs();
      await stop();
      throw new GatewayError("nginx did not accept connections in time", log);
    }
    // The master logs "start worker process <pid>" (after "start worker processes") once it
    // has bound the port and written the pid file (needed by `-s reload`); the TCP check
    // makes sure the port is really ours.
    if (/start worker process \d+/.test(await readErrorLog())) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        break;
      } catch { /* not yet */ }
    }
    await Promise.race([delay(10), proc.status]);
  }

  const caPem = await Deno.readTextFile(opts.certs.caCert);
  let rotation = Promise.resolve();
  const setApiKey = (newKey: string): Promise<void> => {
    const next = rotation.then(() => rotate(newKey));
    rotation = next.catch(() => {});
    return next;
  };
  const rotate = async (newKey: string): Promise<void> => {
    if (opts.mode !== "api-key") {
      throw new TypeError(`setApiKey needs mode "api-key", not "${opts.mode}"`);
    }
    checkApiKey(newKey);
    const oldKey = apiKey!;
    apiKey = newKey;
    const oldWorkers = liveWorkers(await readErrorLog());
    await Deno.writeTextFile(conf, render());
    const reload = await new Deno.Command(nginx, {
      args: [...baseArgs, "-s", "reload"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!reload.success) {
      throw new GatewayError(
        `nginx -s reload failed (code ${reload.code}): ${decoder.decode(reload.stderr)}`,
        await logs(),
      );
    }
    const reloadDeadline = Date.now() + 10_000;
    const probe = (key: string) => probeApiKey({ port, serverName, caPem, key });
    for (;;) {
      // Until an old worker has begun its graceful shutdown it still accepts connections
      // (with the old config), so a single good probe would prove nothing.
      const log = await readErrorLog();
      if (
        oldWorkers.every((pid) => workerIsLeaving(log, pid)) &&
        (oldKey === newKey || await probe(oldKey) === "rejected") &&
        await probe(newKey) === "accepted"
      ) return;
      if (Date.now() > reloadDeadline) {
        throw new GatewayError(
          "the new API key was not in force 10 s after nginx -s reload",
          await logs(),
        );
      }
      await delay(20);
    }
  };

  return {
    address: `localhost:${port}`,
    ipAddress: `127.0.0.1:${port}`,
    port,
    pid: proc.pid,
    serverName,
    dir,
    errorLog: readErrorLog,
    accessLog: () => Deno.readTextFile(`${dir}/access.log`).catch(() => ""),
    setApiKey,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Pids of the worker processes the master started and has not seen exit, per the error log. */
function liveWorkers(errorLog: string): number[] {
  const started = [...errorLog.matchAll(/start worker process (\d+)/g)].map((m) => Number(m[1]));
  return started.filter((pid) => !errorLog.includes(`worker process ${pid} exited`));
}

/** Whether the error log shows that worker `pid` stopped accepting connections or exited. */
function workerIsLeaving(errorLog: string, pid: number): boolean {
  return errorLog.includes(` ${pid}#${pid}: gracefully shutting down`) ||
    errorLog.includes(`worker process ${pid} exited`);
}

/**
 * Sends one HTTP/1.1 request over TLS with `authorization: Bearer <key>` and tells whether
 * the gateway itself rejected it (marker header) or let it through to Temporal.
 */
async function probeApiKey(o: {
  port: number;
  serverName: string;
  caPem: string;
  key: string;
}): Promise<"accepted" | "rejected" | "error"> {
  let conn: Deno.Conn | undefined;
  const timer = setTimeout(() => conn?.close(), 3000);
  try {
    const tcp = await Deno.connect({ hostname: "127.0.0.1", port: o.port });
    conn = tcp;
    conn = await Deno.startTls(tcp, {
      hostname: o.serverName,
      caCerts: [o.caPem],
      alpnProtocols: ["http/1.1"],
    });
    const request = [
      "POST /test.gateway.Probe/Probe HTTP/1.1",
      `Host: ${o.serverName}`,
      `Authorization: Bearer ${o.key}`,
      "Content-Type: application/grpc",
      "Content-Length: 0",
      "Connection: close",
      "",
      "",
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(request));
    let head = "";
    const buf = new Uint8Array(4096);
    const decoder = new TextDecoder();
    while (!head.includes("\r\n\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      head += decoder.decode(buf.subarray(0, n), { stream: true });
    }
    if (!head.startsWith("HTTP/")) return "error";
    return head.toLowerCase().includes(`\r\n${GATEWAY_REJECT_HEADER}:`) ? "rejected" : "accepted";
  } catch {
    return "error";
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch { /* closed by the timer */ }
  }
}

function nginxConfig(o: {
  dir: string;
  port: number;
  mode: GatewayOptions["mode"];
  upstream: string;
  certs: TestCerts;
  apiKey?: string;
  serverCert: string;
  serverKey: string;
  requiredHeader?: { name: string; value: string };
  extra: string;
}): string {
  const q = (path: string) => JSON.stringify(path); // paths are quoted nginx strings
  const d = o.dir;
  // mTLS: no client certificate fails the TLS handshake (OpenSSL verify mode "Require"), as on
  // a strict mTLS server. A certificate that does not verify cannot fail it: nginx's verify
  // callback accepts every chain and answers each request with 495, an HTML 400 page that
  // both clients misread as a garbled gRPC frame ("Received message larger than max
  // (1752460652 …)", "invalid compression flag: 60"), so it becomes a gRPC UNAUTHENTICATED.
  const mtls = o.mode === "mtls"
    ? `
    ssl_verify_client on;
    ssl_client_certificate ${q(o.certs.caCert)};
    ssl_verify_depth 2;
    ssl_conf_command VerifyMode Peer,Require;
    error_page 495 496 = @client_cert_rejected;
    location @client_cert_rejected {
      default_type application/grpc;
      add_header grpc-status 16 always;
      add_header grpc-message "${CLIENT_CERT_REJECTED_MESSAGE} ($ssl_client_verify)" always;
      add_header ${GATEWAY_REJECT_HEADER} client-certificate always;
      return 200;
    }`
    : "";
  const rh = o.requiredHeader;
  if (rh && (!/^[a-z0-9-]+$/.test(rh.name) || !API_KEY_RE.test(rh.value))) {
    throw new TypeError("requiredHeader: name of a-z0-9-, value of letters, digits, ._~+/=-");
  }
  const apiKeyCheck = (o.mode === "api-key"
    ? `
      if ($test_gateway_authorized = 0) { return 401; }`
    : "") +
    (rh
      ? `
      if ($test_gateway_header_ok = 0) { return 401; }`
      : "");
  const headerMap = rh
    ? `
  map $http_${rh.name.replaceAll("-", "_")} $test_gateway_header_ok {
    default 0;
    "${rh.value}" 1;
  }
`
    : "";
  return `# Generated by tests/harness/gateway.ts (mode ${o.mode})
daemon off;
master_process on;
worker_processes 1;
# Ignored (with a warning) unless started as root; as root it keeps workers able to read
# the 0700 temp dir instead of switching to nobody/www-data.
user root;
pid ${q(`${d}/nginx.pid`)};
lock_file ${q(`${d}/nginx.lock`)};
error_log ${q(`${d}/error.log`)} info;
worker_shutdown_timeout 1s;

events {
  worker_connections 1024;
}

http {
  log_format grpc '$time_iso8601 $status grpc-status=$sent_http_grpc_status '
                  '$request_method $uri $server_protocol client="$ssl_client_s_dn"';
  access_log ${q(`${d}/access.log`)} grpc;
  client_body_temp_path ${q(`${d}/tmp/client_body`)};
  proxy_temp_path ${q(`${d}/tmp/proxy`)};
  fastcgi_temp_path ${q(`${d}/tmp/fastcgi`)};
  uwsgi_temp_path ${q(`${d}/tmp/uwsgi`)};
  scgi_temp_path ${q(`${d}/tmp/scgi`)};

  # gRPC: no body size limit; long polls last ≈70 s, so time out well after that.
  client_max_body_size 0;
  client_body_timeout 300s;
  keepalive_timeout 300s;
  keepalive_requests 1000000;  # else GOAWAY after 1000 requests on one HTTP/2 connection
  grpc_read_timeout 300s;
  grpc_send_timeout 300s;

  map $http_authorization $test_gateway_authorized {
    default 0;
    ${o.apiKey ? `"Bearer ${o.apiKey}" 1;` : ""}
  }

${headerMap}
  upstream temporal_frontend {
    server ${o.upstream};
    keepalive 32;
  }

  server {
    listen 127.0.0.1:${o.port} ssl http2;
    ssl_certificate ${q(o.serverCert)};
    ssl_certificate_key ${q(o.serverKey)};
    ssl_protocols TLSv1.2 TLSv1.3;${mtls}

    error_page 401 = @unauthenticated;
    error_page 502 503 504 = @unavailable;

    location / {${apiKeyCheck}
      grpc_pass grpc://temporal_frontend;
    }

    # Trailers-only gRPC responses produced by the gateway itself.
    location @unauthenticated {
      default_type application/grpc;
      add_header ${GATEWAY_REJECT_HEADER} api-key always;
      add_trailer grpc-status 16 always;
      add_trailer grpc-message ${q(UNAUTHENTICATED_MESSAGE)} always;
      return 200 "";
    }
    location @unavailable {
      default_type application/grpc;
      add_header grpc-status 14 always;
      add_header grpc-message "upstream Temporal frontend unavailable" always;
      add_header ${GATEWAY_REJECT_HEADER} upstream always;
      return 200;
    }
${o.extra}
  }
}
`;
}
