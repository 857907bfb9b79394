/**
 * Connectivity check for `check-env`: probes the configured address step by step (DNS and
 * TCP, TLS handshake, gRPC namespace lookup) and names the failure class in plain words.
 *
 * @example
 * ```ts
 * import { checkConnection } from "./check_env.ts";
 * declare const cfg: import("../config/mod.ts").TemporalConfig;
 * const r = await checkConnection(cfg, { timeoutMs: 5000 });
 * if (!r.ok) console.error(`${r.failure}: ${r.message}`);
 * ```
 * @module
 */
import type { TemporalConfig } from "../config/mod.ts";
import { connectClient } from "../config/connect.ts";
import {
  classifyGrpcError,
  ConnectionFailedError,
  namespaceMissingMessage,
} from "../config/classify.ts";
import { withConnectTimeout } from "../config/probe.ts";
import { preflight } from "../config/preflight.ts";
import type { FailureClass } from "../config/classify.ts";

export { classifyGrpcError } from "../config/classify.ts";
export type { FailureClass } from "../config/classify.ts";

/** Outcome of {@link checkConnection}. */
export type CheckResult =
  | { ok: true; namespace: string; serverVersion?: string; ms: number }
  | { ok: false; failure: FailureClass; message: string; ms: number };

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
  try {
    await preflight(cfg, timeoutMs);
    const conn = await withConnectTimeout(
      cfg.address,
      connectClient(cfg, { connectTimeoutMs: timeoutMs, preflight: false }),
      timeoutMs + 1000,
      "gRPC connect",
    );
    try {
      const ns = await withConnectTimeout(
        cfg.address,
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
    const c = classifyGrpcError(err);
    if (c.failure === "namespace not found") {
      c.message = namespaceMissingMessage(cfg.namespace, cfg.address);
    }
    return { ok: false, ...c, ms: ms() };
  }
}
