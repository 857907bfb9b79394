/**
 * Connectivity check for `check-env`: probes the configured address step by step (DNS and
 * TCP, TLS handshake, gRPC namespace lookup) and names the failure class in plain words.
 *
 * @example
 * ```ts
 * import { checkConnection } from "./checkenv.ts";
 * const r = await checkConnection(cfg, { timeoutMs: 5000 });
 * if (!r.ok) console.error(`${r.failure}: ${r.message}`);
 * ```
 * @module
 */
import type { TemporalConfig } from "./config/mod.ts";
import { splitHostPort } from "./config/mod.ts";
import { connectClient } from "./config/connect.ts";
import { classifyGrpcError, ConnectionFailedError } from "./config/classify.ts";
import type { FailureClass } from "./config/classify.ts";

export { classifyGrpcError } from "./config/classify.ts";
export type { FailureClass } from "./config/classify.ts";

/** Outcome of {@link checkConnection}. */
export type CheckResult =
  | { ok: true; namespace: string; serverVersion?: string; ms: number }
  | { ok: false; failure: FailureClass; message: string; ms: number };

class Classified extends Error {
  constructor(readonly failure: FailureClass, message: string) {
    super(message);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Classified("timed out", `${what} did not finish within ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function probeTcp(host: string, port: number, timeoutMs: number): Promise<Deno.TcpConn> {
  try {
    return await withTimeout(
      Deno.connect({ hostname: host, port }),
      timeoutMs,
      `TCP connect to ${host}:${port}`,
    );
  } catch (err) {
    if (err instanceof Classified) throw err;
    const msg = (err as Error).message;
    if (err instanceof Deno.errors.ConnectionRefused) {
      throw new Classified(
        "nothing listening",
        `nothing is listening on ${host}:${port} (is the server running? is TEMPORAL_ADDRESS right?)`,
      );
    }
    if (/lookup|resolve|name or service|nodename|No address/i.test(msg)) {
      throw new Classified(
        "cannot resolve host",
        `the host name ${host} cannot be resolved (check TEMPORAL_ADDRESS and DNS)`,
      );
    }
    if (err instanceof Deno.errors.TimedOut) {
      throw new Classified("timed out", `TCP connect to ${host}:${port} timed out (firewall?)`);
    }
    throw new Classified(
      "connection failed",
      `TCP connect to ${host}:${port} failed: ${msg.split("\n")[0]}`,
    );
  }
}

async function probeTls(
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
    await withTimeout(tls.handshake(), timeoutMs, "TLS handshake");
  } catch (err) {
    if (err instanceof Classified) throw err;
    const msg = (err as Error).message;
    if (
      /UnknownIssuer|unknown ?ca|self.signed|BadSignature|certificate verify|invalid peer certificate: (UnknownIssuer|BadEncoding|Other)/i
        .test(msg)
    ) {
      throw new Classified(
        "server certificate not trusted",
        `the server's certificate is not trusted${
          caCerts ? " by TEMPORAL_TLS_SERVER_CA_CERT_PATH" : ""
        } (set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it)`,
      );
    }
    if (/NotValidForName|not valid for name|CertNotValidForName|hostname/i.test(msg)) {
      throw new Classified(
        "server certificate not trusted",
        `the server's certificate is not valid for "${name}" (set TEMPORAL_TLS_SERVER_NAME to a name on the certificate)`,
      );
    }
    if (/Expired|NotValidYet/i.test(msg)) {
      throw new Classified(
        "server certificate not trusted",
        `the server's certificate is expired or not yet valid`,
      );
    }
    if (/InvalidContentType|corrupt message|wrong version|record|eof|reset/i.test(msg)) {
      throw new Classified(
        "TLS handshake failed",
        `TLS handshake with ${host} failed: the server does not speak TLS here (set TEMPORAL_TLS=false for a plaintext server)`,
      );
    }
    throw new Classified(
      "TLS handshake failed",
      `TLS handshake with ${host} failed: ${msg.split("\n")[0]}`,
    );
  } finally {
    try {
      (tls ?? tcp).close();
    } catch { /* already closed */ }
  }
}

/** Options of {@link checkConnection}. */
export interface CheckOptions {
  /** Timeout for each step in milliseconds. Default 5000. */
  timeoutMs?: number;
}

/** Connects step by step and checks that the namespace exists. Never throws. */
export async function checkConnection(
  cfg: TemporalConfig,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const timeoutMs = options.timeoutMs ?? 5000;
  const hp = splitHostPort(cfg.address);
  if (!hp) {
    return {
      ok: false,
      failure: "connection failed",
      message: `bad address ${cfg.address}`,
      ms: ms(),
    };
  }
  try {
    const tcp = await probeTcp(hp.host, hp.port, timeoutMs);
    if (cfg.tlsEnabled) await probeTls(cfg, tcp, hp.host, timeoutMs);
    else tcp.close();
    const conn = await withTimeout(
      connectClient(cfg, { connectTimeoutMs: timeoutMs }),
      timeoutMs + 1000,
      "gRPC connect",
    );
    try {
      const ns = await withTimeout(
        conn.connection.workflowService.describeNamespace({ namespace: cfg.namespace }),
        timeoutMs,
        "namespace lookup",
      );
      const info = await conn.connection.workflowService.getSystemInfo({}).catch(() => undefined);
      return {
        ok: true,
        namespace: ns.namespaceInfo?.name ?? cfg.namespace,
        serverVersion: info?.serverVersion ?? undefined,
        ms: ms(),
      };
    } finally {
      await conn.close();
    }
  } catch (err) {
    if (err instanceof ConnectionFailedError) {
      return { ok: false, failure: err.failure, message: err.detail, ms: ms() };
    }
    if (err instanceof Classified) {
      return { ok: false, failure: err.failure, message: err.message, ms: ms() };
    }
    const c = classifyGrpcError(err);
    if (c.failure === "namespace not found") {
      c.message =
        `namespace "${cfg.namespace}" does not exist on ${cfg.address} (check TEMPORAL_NAMESPACE)`;
    }
    return { ok: false, ...c, ms: ms() };
  }
}
