/**
 * Classifies connection failures into plain words (unauthorized, client certificate rejected,
 * namespace not found...), shared by `check-env` and by every task that connects.
 *
 * @example
 * ```ts
 * import { classifyGrpcError } from "./classify.ts";
 * const { failure, message } = classifyGrpcError(err);
 * ```
 * @module
 */

/** The failure classes check-env can name. */
export type FailureClass =
  | "cannot resolve host"
  | "nothing listening"
  | "timed out"
  | "server certificate not trusted"
  | "client certificate rejected"
  | "TLS handshake failed"
  | "unauthorized"
  | "namespace not found"
  | "not a Temporal server"
  | "connection failed";

/** Connecting failed; `failure` names the class. Tasks exit with {@link ConnectionFailedError.exitCode} 2. */
export class ConnectionFailedError extends Error {
  override name = "ConnectionFailedError";
  /** Exit code for tasks: 2 (cannot connect or not authorized). */
  readonly exitCode = 2;
  constructor(readonly address: string, readonly failure: FailureClass, readonly detail: string) {
    super(`cannot connect to ${address}: ${failure}: ${detail}`);
  }
}

/** Wraps any connect-time error as a {@link ConnectionFailedError}. */
export function connectionFailed(address: string, err: unknown): ConnectionFailedError {
  if (err instanceof ConnectionFailedError) return err;
  const c = classifyGrpcError((err as { cause?: unknown })?.cause ?? err);
  const c2 = c.failure === "connection failed" ? classifyGrpcError(err) : c;
  return new ConnectionFailedError(address, c2.failure, c2.message);
}

/** Maps a gRPC / SDK error to a failure class. */
export function classifyGrpcError(err: unknown): { failure: FailureClass; message: string } {
  const e = err as { code?: number; details?: string; message?: string };
  const msg = (e.details ?? e.message ?? String(err)).split("\n")[0];
  if (
    /client certificate|certificate required|bad certificate|unknown ca|certificate unknown/i.test(
      msg,
    )
  ) {
    const why = /\(([^()]*)\)"?\s*$/.exec(msg)?.[1];
    return {
      failure: "client certificate rejected",
      message: `the server did not accept the client certificate${
        why ? ` (${why})` : ""
      }; use a certificate signed by the CA the server trusts`,
    };
  }
  if (/UnknownIssuer/.test(msg)) {
    return {
      failure: "server certificate not trusted",
      message:
        "the server's certificate is not trusted (set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it)",
    };
  }
  if (/NotValidForName/.test(msg)) {
    const expected = /expected: DnsName\("([^"]+)"\)/.exec(msg)?.[1];
    return {
      failure: "server certificate not trusted",
      message: `the server's certificate is not valid for${
        expected ? ` "${expected}"` : " this name"
      } (set TEMPORAL_TLS_SERVER_NAME to a name on the certificate)`,
    };
  }
  if (
    e.code === 16 || e.code === 7 ||
    /unauthenticated|unauthori[sz]ed|permission denied|invalid api key|401|403/i.test(msg)
  ) {
    return {
      failure: "unauthorized",
      message:
        `the server rejected the credentials: ${msg} (check TEMPORAL_API_KEY or the client certificate)`,
    };
  }
  if (e.code === 5 || /not ?found/i.test(msg)) {
    return { failure: "namespace not found", message: msg };
  }
  if (/alert|handshake/i.test(msg)) {
    return {
      failure: "client certificate rejected",
      message:
        `the server rejected the client certificate: ${msg} (use a certificate signed by the CA the server trusts)`,
    };
  }
  if (/deadline|timed? ?out/i.test(msg)) return { failure: "timed out", message: msg };
  if (/protocol|http2|unexpected|malformed/i.test(msg)) {
    return {
      failure: "not a Temporal server",
      message: `the server at this address does not answer Temporal gRPC: ${msg}`,
    };
  }
  return { failure: "connection failed", message: msg };
}
