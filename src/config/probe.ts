/**
 * Pre-flight probes of a Temporal endpoint with Deno's own network APIs: DNS and TCP, then the
 * TLS handshake with the configured CA and server name. They name a failure precisely and at
 * once, where the gRPC client would only report "Failed to connect before the deadline" after its
 * timeout.
 *
 * @example
 * ```ts
 * import { probeEndpoint } from "./probe.ts";
 * import { loadConfig, requireValid } from "./mod.ts";
 * const cfg = requireValid(await loadConfig());
 * await probeEndpoint(cfg, 5000); // throws ConnectionFailedError("nothing listening", …)
 * ```
 * @module
 */
import type { TemporalConfig } from "./mod.ts";
import { splitHostPort } from "./validate.ts";
import { ConnectionFailedError } from "./classify.ts";
import { withTimeout } from "../core/timeout.ts";

/**
 * `p`, or a "timed out" {@link ConnectionFailedError} on `address` naming `what` when `p` takes
 * longer than `ms` (see {@link withTimeout}).
 */
export function withConnectTimeout<T>(
  address: string,
  p: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  return withTimeout(
    p,
    ms,
    () => new ConnectionFailedError(address, "timed out", `${what} did not finish within ${ms} ms`),
  );
}

async function probeTcp(
  address: string,
  addressVar: string,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Deno.TcpConn> {
  try {
    return await withConnectTimeout(
      address,
      Deno.connect({ hostname: host, port }),
      timeoutMs,
      `TCP connect to ${host}:${port}`,
    );
  } catch (err) {
    if (err instanceof ConnectionFailedError) throw err;
    const msg = (err as Error).message;
    if (err instanceof Deno.errors.ConnectionRefused) {
      throw new ConnectionFailedError(
        address,
        "nothing listening",
        `nothing is listening on ${host}:${port} (is the server running? is ${addressVar} right?)`,
      );
    }
    if (/lookup|resolve|name or service|nodename|No address/i.test(msg)) {
      throw new ConnectionFailedError(
        address,
        "cannot resolve host",
        `the host name ${host} cannot be resolved (check ${addressVar} and DNS)`,
      );
    }
    if (err instanceof Deno.errors.TimedOut) {
      throw new ConnectionFailedError(
        address,
        "timed out",
        `TCP connect to ${host}:${port} timed out (firewall?)`,
      );
    }
    throw new ConnectionFailedError(
      address,
      "connection failed",
      `TCP connect to ${host}:${port} failed: ${msg.split("\n")[0]}`,
    );
  }
}

/**
 * What to do when the server answers in plaintext. TLS can be turned off only without
 * credentials: with an API key or a client certificate, `TEMPORAL_TLS=false` is itself an error.
 */
function plaintextAdvice(cfg: TemporalConfig): string {
  if (cfg.material.apiKey !== undefined) {
    return "an API key is only sent over TLS: check TEMPORAL_ADDRESS, or for a plaintext server such as the local dev server unset TEMPORAL_API_KEY / TEMPORAL_API_KEY_FILE";
  }
  if (cfg.material.clientCert) {
    return "a client certificate needs TLS: check TEMPORAL_ADDRESS, or for a plaintext server unset TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY";
  }
  return "set TEMPORAL_TLS=false for a plaintext server";
}

/** The one-line {@link ConnectionFailedError} for a failed TLS handshake with `host` as `name`. */
function tlsFailure(
  address: string,
  cfg: TemporalConfig,
  err: unknown,
  host: string,
  name: string,
): ConnectionFailedError {
  const caVar = cfg.settings.serverCa.from ?? "TEMPORAL_TLS_SERVER_CA_CERT_PATH";
  const msg = (err as Error).message;
  if (
    /UnknownIssuer|unknown ?ca|self.signed|BadSignature|certificate verify|invalid peer certificate: (UnknownIssuer|BadEncoding|Other)/i
      .test(msg)
  ) {
    return new ConnectionFailedError(
      address,
      "server certificate not trusted",
      cfg.material.serverCa
        ? `the server's certificate is not trusted by ${caVar} (set it to the CA that signed the server's certificate)`
        : `the server's certificate is not trusted (set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it)`,
    );
  }
  if (/NotValidForName|not valid for name|CertNotValidForName|hostname/i.test(msg)) {
    return new ConnectionFailedError(
      address,
      "server certificate not trusted",
      `the server's certificate is not valid for "${name}" (set TEMPORAL_TLS_SERVER_NAME to a name on the certificate)`,
    );
  }
  if (/Expired|NotValidYet/i.test(msg)) {
    return new ConnectionFailedError(
      address,
      "server certificate not trusted",
      `the server's certificate is expired or not yet valid`,
    );
  }
  if (/InvalidContentType|corrupt message|wrong version|record|eof|reset/i.test(msg)) {
    return new ConnectionFailedError(
      address,
      "TLS handshake failed",
      `TLS handshake with ${host} failed: the server does not speak TLS here (${
        plaintextAdvice(cfg)
      })`,
    );
  }
  return new ConnectionFailedError(
    address,
    "TLS handshake failed",
    `TLS handshake with ${host} failed: ${msg.split("\n")[0]}`,
  );
}

async function probeTls(
  address: string,
  cfg: TemporalConfig,
  tcp: Deno.TcpConn,
  host: string,
  timeoutMs: number,
): Promise<void> {
  const caCerts = cfg.material.serverCa
    ? [new TextDecoder().decode(cfg.material.serverCa)]
    : undefined;
  const name = cfg.serverName ?? host;
  let tls: Deno.TlsConn | undefined;
  try {
    tls = await Deno.startTls(tcp, { hostname: name, caCerts, alpnProtocols: ["h2"] });
    await withConnectTimeout(address, tls.handshake(), timeoutMs, "TLS handshake");
  } catch (err) {
    if (err instanceof ConnectionFailedError) throw err;
    throw tlsFailure(address, cfg, err, host, name);
  } finally {
    try {
      (tls ?? tcp).close();
    } catch { /* already closed */ }
  }
}

/**
 * Checks that `cfg.address` accepts TCP and, when TLS is on, completes a TLS handshake trusting
 * the configured CA for the configured server name. Throws {@link ConnectionFailedError}.
 *
 * @param timeoutMs Timeout of each step. Default 5000.
 */
export async function probeEndpoint(cfg: TemporalConfig, timeoutMs = 5000): Promise<void> {
  const hp = splitHostPort(cfg.address);
  if (!hp) {
    throw new ConnectionFailedError(cfg.address, "connection failed", `bad address ${cfg.address}`);
  }
  const addressVar = cfg.settings.address.from ?? "TEMPORAL_ADDRESS";
  const tcp = await probeTcp(cfg.address, addressVar, hp.host, hp.port, timeoutMs);
  if (cfg.tlsEnabled) await probeTls(cfg.address, cfg, tcp, hp.host, timeoutMs);
  else tcp.close();
}
