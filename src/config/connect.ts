/**
 * Connections built from a validated {@link TemporalConfig}: a client `Connection`/`Client`
 * and a worker `NativeConnection`, with API-key rotation from `TEMPORAL_API_KEY_FILE`.
 *
 * The worker side (`NativeConnection`) lives in `connect_worker.ts` so that client-only
 * processes never load the SDK's native core.
 *
 * @example
 * ```ts
 * import { connectClient } from "./connect.ts";
 * declare const cfg: import("./mod.ts").TemporalConfig;
 * const { client, connection, close } = await connectClient(cfg);
 * await close();
 * ```
 * @module
 */
import { Client, Connection } from "@temporalio/client";
import type { TLSConfig } from "@temporalio/client";
import type { TemporalConfig } from "./mod.ts";
import { readApiKeyFile } from "./validate.ts";
import { connectionFailed } from "./classify.ts";
import { preflight } from "./preflight.ts";

/** The SDK's TLS option for `cfg`: false (plaintext), true (system roots) or a TLS config. */
export function tlsOptions(cfg: TemporalConfig): TLSConfig | boolean {
  if (!cfg.tlsEnabled) return false;
  const m = cfg.material;
  const tls: TLSConfig = {};
  if (cfg.serverName) tls.serverNameOverride = cfg.serverName;
  if (m.serverCa) tls.serverRootCACertificate = m.serverCa;
  if (m.clientCert && m.clientKey) tls.clientCertPair = { crt: m.clientCert, key: m.clientKey };
  return Object.keys(tls).length ? tls : true;
}

/**
 * Connect options shared by client and worker connections; the gRPC metadata
 * (`TEMPORAL_GRPC_META_*`, the profile's `grpc_meta`) goes on every call of both.
 */
export function connectionOptions(cfg: TemporalConfig): {
  address: string;
  tls: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
} {
  return {
    address: cfg.address,
    tls: tlsOptions(cfg),
    ...(Object.keys(cfg.grpcMetadata ?? {}).length ? { metadata: { ...cfg.grpcMetadata } } : {}),
    ...(cfg.material.apiKey !== undefined ? { apiKey: cfg.material.apiKey } : {}),
  };
}

/** Something that can take a new API key on a live connection. */
export interface ApiKeyTarget {
  setApiKey(key: string): void | Promise<void>;
}

/**
 * Watches `TEMPORAL_API_KEY_FILE` (when the key comes from a file) and applies a changed key to
 * `targets`. Polls every `intervalMs` (default 2000): mounted secrets are often replaced by
 * symlink swaps that file watchers miss. Returns a stop function; a no-op when no file is used.
 */
export function watchApiKeyFile(
  cfg: TemporalConfig,
  targets: ApiKeyTarget[],
  options: {
    intervalMs?: number;
    onRotate?: (chars: number) => void;
    onError?: (msg: string) => void;
  } = {},
): () => void {
  const path = cfg.apiKeyFile;
  if (!path) return () => {};
  let current = cfg.material.apiKey;
  let busy = false;
  let skipped: string | undefined;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const key = await readApiKeyFile(path);
      if (key !== current) {
        if (key === "" || /\s/.test(key)) {
          if (skipped !== key) {
            options.onError?.(
              `TEMPORAL_API_KEY_FILE: ${path} now holds ${
                key === "" ? "nothing" : "a key with whitespace"
              }; keeping the previous key (write the new key atomically, e.g. with mv)`,
            );
          }
          skipped = key;
        } else {
          current = key;
          skipped = undefined;
          for (const t of targets) await t.setApiKey(key);
          options.onRotate?.(key.length);
        }
      }
    } catch (err) {
      options.onError?.(`TEMPORAL_API_KEY_FILE: could not re-read ${path}: ${(err as Error).name}`);
    } finally {
      busy = false;
    }
  }, options.intervalMs ?? 2000);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}

/** A connected client. */
export interface ConnectedClient {
  client: Client;
  connection: Connection;
  /** Stops key rotation and closes the connection. */
  close(): Promise<void>;
}

/**
 * Connects a client `Connection` and `Client` for `cfg` (namespace included), after the
 * pre-flight of `preflight.ts` (default on). Throws `ConnectionFailedError` (exit code 2).
 */
export async function connectClient(
  cfg: TemporalConfig,
  options: { connectTimeoutMs?: number; preflight?: boolean } = {},
): Promise<ConnectedClient> {
  // grpc-js reports a closed port, an untrusted certificate or a non-gRPC server only as a
  // timeout: the pre-flight names them at once (skip with `preflight: false` if already done).
  if (options.preflight !== false) await preflight(cfg, options.connectTimeoutMs ?? 10_000);
  // `Connection.connect` leaks its channel when it fails; lazy + ensureConnected lets us close it
  // (open grpc-js sessions left behind make Deno's http2 GOAWAY crash more likely).
  const connection = Connection.lazy({
    ...connectionOptions(cfg),
    connectTimeout: options.connectTimeoutMs ?? 10_000,
  });
  try {
    await connection.ensureConnected();
  } catch (err) {
    await connection.close().catch(() => {});
    throw connectionFailed(cfg.address, err);
  }
  const client = new Client({ connection, namespace: cfg.namespace });
  const stop = watchApiKeyFile(cfg, [connection]);
  return {
    client,
    connection,
    close: async () => {
      stop();
      await connection.close();
    },
  };
}
