/**
 * Classifies connection failures into plain words (unauthorized, client certificate rejected,
 * namespace not found...), shared by `check-env` and by every task that connects.
 *
 * @example
 * ```ts
 * import { classifyGrpcError } from "./classify.ts";
 * declare const err: unknown;
 * const { failure, message } = classifyGrpcError(err);
 * ```
 * @module
 */
import { FatalError } from "../core/exit.ts";

/** The failure classes every connecting command names (check-env, start, worker, schedule, dev). */
export type FailureClass =
  | "cannot resolve host"
  | "nothing listening"
  | "timed out"
  | "server certificate not trusted"
  | "client certificate rejected"
  | "no client certificate sent"
  | "TLS handshake failed"
  | "unauthorized"
  | "namespace not found"
  | "not a Temporal server"
  | "connection failed";

/** Connecting failed; `failure` names the class. Exit code 2 (cannot connect or not authorized). */
export class ConnectionFailedError extends FatalError {
  override name = "ConnectionFailedError";
  constructor(readonly address: string, readonly failure: FailureClass, readonly detail: string) {
    super(`cannot connect to ${address}: ${failure}: ${detail.split("\n")[0]}`, 2);
  }
}

/**
 * The message for the "namespace not found" class once the namespace is known (the gRPC error
 * alone does not name it): which namespace, on which server, and the setting to check. The one
 * wording check-env and the schedule commands print.
 *
 * @param namespace The namespace that was asked for (`TEMPORAL_NAMESPACE`).
 * @param address The server's address (`TEMPORAL_ADDRESS`).
 * @returns e.g. `namespace "prod" does not exist on localhost:7233 (check TEMPORAL_NAMESPACE)`.
 */
export function namespaceMissingMessage(namespace: string, address: string): string {
  return `namespace "${namespace}" does not exist on ${address} (check TEMPORAL_NAMESPACE)`;
}

/** Wraps any connect-time error as a {@link ConnectionFailedError}. */
export function connectionFailed(address: string, err: unknown): ConnectionFailedError {
  if (err instanceof ConnectionFailedError) return err;
  const c = classifyGrpcError((err as { cause?: unknown })?.cause ?? err);
  const c2 = c.failure === "connection failed" ? classifyGrpcError(err) : c;
  return new ConnectionFailedError(address, c2.failure, c2.message);
}

/**
 * The first line of an error, with the Rust core's `tonic::transport::Error(…)` debug dump
 * reduced to its innermost reason (`ConnectionRefused`, `InvalidContentType`, …).
 */
export function plainMessage(err: unknown): string {
  const e = err as { details?: string; message?: string };
  const msg = (e?.details || e?.message || String(err)).split("\n")[0];
  if (!/tonic::transport::Error|hyper::Error|ConnectError\(/.test(msg)) return msg;
  const reason = /error: "([^"]+)"/.exec(msg)?.[1] ?? /error: (\w+(?:\(\w+\))?)/.exec(msg)?.[1] ??
    /kind: (\w+)/.exec(msg)?.[1];
  const head = msg.replace(/,?\s*source: tonic::transport::Error.*$/, "")
    .replace(/tonic::transport::Error.*$/, "").replace(/[,:\s]+$/, "");
  return `${head ? `${head}: ` : ""}transport error${reason ? ` (${reason})` : ""}`;
}

type Rule = {
  test: (msg: string, code: number | undefined) => boolean;
  failure: FailureClass;
  /** The message; `msg` is the plain first line, `raw` the unreduced one. */
  message: (msg: string, raw: string) => string;
};

/** One rule per failure class, first match wins: the order is the precedence. */
const RULES: Rule[] = [
  {
    test: (m) => /CertificateRequired|certificate required/i.test(m),
    failure: "no client certificate sent",
    message: () =>
      "the server requires a client certificate (mTLS) and none is configured: set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (or use TEMPORAL_API_KEY if the server takes API keys)",
  },
  {
    test: (m) =>
      /client certificate|bad certificate|unknown ca|certificate unknown|BadCertificate/i.test(m),
    failure: "client certificate rejected",
    message: (m) => {
      const why = /\(([^()]*)\)"?\s*$/.exec(m)?.[1];
      return `the server did not accept the client certificate${
        why ? ` (${why})` : ""
      }; use a certificate signed by the CA the server trusts`;
    },
  },
  {
    test: (m) => /UnknownIssuer|unable to verify the first certificate|self.signed/i.test(m),
    failure: "server certificate not trusted",
    message: () =>
      "the server's certificate is not trusted (set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it)",
  },
  {
    test: (m) => /NotValidForName|ERR_TLS_CERT_ALTNAME_INVALID/.test(m),
    failure: "server certificate not trusted",
    message: (_m, raw) => {
      const expected = /expected: DnsName\("([^"]+)"\)/.exec(raw)?.[1];
      return `the server's certificate is not valid for${
        expected ? ` "${expected}"` : " this name"
      } (set TEMPORAL_TLS_SERVER_NAME to a name on the certificate)`;
    },
  },
  {
    test: (m, code) =>
      code === 16 || code === 7 ||
      /unauthenticated|unauthori[sz]ed|permission denied|invalid api key|valid authentication credentials|\b40[13]\b/i
        .test(m),
    failure: "unauthorized",
    message: (m) =>
      `the server rejected the credentials: ${
        /message: "([^"]+)"/.exec(m)?.[1] ?? m
      } (check TEMPORAL_API_KEY or the client certificate)`,
  },
  {
    test: (m, code) => code === 5 || /namespace.*not ?found|not ?found/i.test(m),
    failure: "namespace not found",
    message: (m) => m,
  },
  {
    test: (m) => /ConnectionRefused|connection refused/i.test(m),
    failure: "nothing listening",
    message: () => "nothing is listening there (is the server running? is TEMPORAL_ADDRESS right?)",
  },
  {
    test: (m) => /InvalidContentType|wrong version number/i.test(m),
    failure: "TLS handshake failed",
    message: () => "the server does not speak TLS here",
  },
  {
    test: (m) => /alert|handshake/i.test(m),
    failure: "TLS handshake failed",
    message: (m) => `the TLS handshake failed: ${m}`,
  },
  {
    test: (m) => /deadline|timed? ?out/i.test(m),
    failure: "timed out",
    message: (m) => m,
  },
  {
    test: (m) => /protocol|http2|unexpected|malformed|EOF decoding|Internal error/i.test(m),
    failure: "not a Temporal server",
    message: (m) => `the server at this address does not answer Temporal gRPC: ${m}`,
  },
];

/** Maps a gRPC / SDK error to a failure class and a one-line message with the fix. */
export function classifyGrpcError(err: unknown): { failure: FailureClass; message: string } {
  if (err instanceof ConnectionFailedError) return { failure: err.failure, message: err.detail };
  const code = (err as { code?: number })?.code;
  const e = err as { details?: string; message?: string };
  const raw = (e?.details || e?.message || String(err)).split("\n")[0];
  const msg = plainMessage(err);
  const rule = RULES.find((r) => r.test(raw, code));
  return rule
    ? { failure: rule.failure, message: rule.message(msg, raw) }
    : { failure: "connection failed", message: msg };
}
