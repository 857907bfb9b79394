/**
 * The pre-flight every connecting command runs (check-env, start, worker, schedule, dev), so
 * that the same failure reads the same everywhere and is named at once: the DNS/TCP/TLS probe
 * of `probe.ts`, then an HTTP/2 exchange that tells a gRPC server (Temporal answers the HTTP/2
 * preface with a SETTINGS frame) from anything else listening there — an HTTP/1 port such as
 * the Web UI, a TLS gateway that wants a client certificate we do not send.
 *
 * @example
 * ```ts
 * import { preflight } from "./preflight.ts";
 * import { loadConfig, requireValid } from "./mod.ts";
 * const cfg = requireValid(await loadConfig());
 * await preflight(cfg, 5000); // throws ConnectionFailedError("not a Temporal server", …)
 * ```
 * @module
 */
import type { TemporalConfig } from "./mod.ts";
import { splitHostPort } from "./validate.ts";
import { ConnectionFailedError } from "./classify.ts";
import { probeEndpoint, withConnectTimeout } from "./probe.ts";

/** The HTTP/2 client connection preface followed by an empty SETTINGS frame. */
const H2_PREFACE = new Uint8Array([
  ...new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
  0,
  0,
  0,
  4,
  0,
  0,
  0,
  0,
  0,
]);
/** Frame type of SETTINGS. */
const SETTINGS = 4;

/** Reads until `n` bytes arrived or the peer closed; returns what arrived. */
async function readUpTo(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await conn.read(out.subarray(got));
    if (r === null) break;
    got += r;
  }
  return out.subarray(0, got);
}

/** What is listening, from the first bytes it sent back to our HTTP/2 preface. */
function judgeAnswer(cfg: TemporalConfig, head: Uint8Array): ConnectionFailedError | undefined {
  if (head.length >= 9 && head[3] === SETTINGS) return undefined;
  const text = new TextDecoder().decode(head);
  const hp = splitHostPort(cfg.address);
  const portHint = hp && hp.port !== 7233
    ? ` (Temporal's gRPC port is usually 7233, not the Web UI's or the HTTP API's)`
    : "";
  if (text.startsWith("HTTP/")) {
    return new ConnectionFailedError(
      cfg.address,
      "not a Temporal server",
      `${cfg.address} answers plain HTTP/1, not Temporal's gRPC: check TEMPORAL_ADDRESS${portHint}`,
    );
  }
  return new ConnectionFailedError(
    cfg.address,
    "not a Temporal server",
    `${cfg.address} ${
      head.length
        ? "answered something other than HTTP/2"
        : "closed the connection without an answer"
    }: check TEMPORAL_ADDRESS${portHint}`,
  );
}

function noClientCert(cfg: TemporalConfig): ConnectionFailedError {
  return new ConnectionFailedError(
    cfg.address,
    "no client certificate sent",
    "the server requires a client certificate (mTLS) and none is configured: set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (or use TEMPORAL_API_KEY if the server takes API keys)",
  );
}

/** Sends the HTTP/2 preface over a fresh connection and judges the answer. */
async function probeGrpc(cfg: TemporalConfig, timeoutMs: number): Promise<void> {
  const hp = splitHostPort(cfg.address);
  if (!hp) return;
  // A client certificate cannot be presented from Deno's startTls: leave that case to the
  // gRPC connect (the server would ask for the certificate we cannot send here).
  if (cfg.tlsEnabled && cfg.material.clientCert) return;
  let conn: Deno.Conn | undefined;
  try {
    const tcp = await Deno.connect({ hostname: hp.host, port: hp.port });
    conn = tcp;
    if (cfg.tlsEnabled) {
      const tls = await Deno.startTls(tcp, {
        hostname: cfg.serverName ?? hp.host,
        caCerts: cfg.material.serverCa
          ? [new TextDecoder().decode(cfg.material.serverCa)]
          : undefined,
        alpnProtocols: ["h2"],
      });
      conn = tls;
      const hs = await withConnectTimeout(cfg.address, tls.handshake(), timeoutMs, "TLS handshake");
      if (hs.alpnProtocol !== "h2") {
        throw new ConnectionFailedError(
          cfg.address,
          "not a Temporal server",
          `${cfg.address} speaks TLS but not HTTP/2, so not Temporal's gRPC: check TEMPORAL_ADDRESS`,
        );
      }
    }
    await withConnectTimeout(cfg.address, conn.write(H2_PREFACE), timeoutMs, "HTTP/2 preface");
    const head = await withConnectTimeout(
      cfg.address,
      readUpTo(conn, 9),
      timeoutMs,
      "the HTTP/2 answer",
    );
    const bad = judgeAnswer(cfg, head);
    if (bad) throw bad;
  } catch (err) {
    if (err instanceof ConnectionFailedError) throw err;
    const msg = (err as Error).message ?? String(err);
    if (/CertificateRequired|certificate required/i.test(msg)) throw noClientCert(cfg);
    if (/reset|broken pipe|eof/i.test(msg)) throw judgeAnswer(cfg, new Uint8Array());
    // Anything else: the gRPC connect that follows will name it.
  } finally {
    try {
      conn?.close();
    } catch { /* already closed */ }
  }
}

const PROXY_VARS = ["grpc_proxy", "https_proxy", "http_proxy", "HTTPS_PROXY", "HTTP_PROXY"];

/** True when gRPC goes through a proxy: then a direct probe says nothing about the route. */
function proxied(): boolean {
  try {
    return PROXY_VARS.some((v) => Deno.env.get(v));
  } catch {
    return false; // not allowed to read them: grpc-js cannot either
  }
}

/**
 * Names a connection failure before the gRPC client tries: DNS, TCP, TLS (`probeEndpoint`),
 * then whether a gRPC server answers at all. Throws {@link ConnectionFailedError}. With a proxy
 * configured (`grpc_proxy`, `https_proxy`, …) only the TLS check of a TLS endpoint runs, as
 * before this pre-flight existed.
 *
 * @param timeoutMs Timeout of each step. Default 5000.
 */
export async function preflight(cfg: TemporalConfig, timeoutMs = 5000): Promise<void> {
  if (proxied()) {
    if (cfg.tlsEnabled) await probeEndpoint(cfg, timeoutMs);
    return;
  }
  try {
    await probeEndpoint(cfg, timeoutMs);
  } catch (err) {
    if (
      err instanceof ConnectionFailedError &&
      /CertificateRequired|certificate required/i.test(err.detail)
    ) throw noClientCert(cfg);
    throw err;
  }
  await probeGrpc(cfg, timeoutMs);
}
