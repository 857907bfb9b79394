/**
 * The worker's `NativeConnection` (the SDK's Rust core) built from a validated config.
 * Importing this module loads the native core: it needs `--allow-ffi`.
 *
 * @example
 * ```ts
 * import { connectWorker } from "./connect_worker.ts";
 * declare const cfg: import("./mod.ts").TemporalConfig;
 * const { connection, close } = await connectWorker(cfg);
 * ```
 * @module
 */
import { NativeConnection } from "@temporalio/worker";
import type { TemporalConfig } from "./mod.ts";
import { connectionOptions, watchApiKeyFile } from "./connect.ts";
import { connectionFailed } from "./classify.ts";
import { preflight } from "./preflight.ts";

/** A connected worker connection. */
export interface ConnectedWorker {
  connection: NativeConnection;
  /** Stops key rotation and closes the connection. */
  close(): Promise<void>;
}

/** Connects a `NativeConnection` for `cfg`, rotating the API key from its file when configured. */
export async function connectWorker(
  cfg: TemporalConfig,
  options: {
    onRotate?: (chars: number) => void;
    onError?: (msg: string) => void;
    rotateIntervalMs?: number;
  } = {},
): Promise<ConnectedWorker> {
  // The Rust core's transport errors are terse: the pre-flight names most failures first.
  await preflight(cfg);
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(connectionOptions(cfg));
  } catch (err) {
    throw connectionFailed(cfg.address, err);
  }
  const stop = watchApiKeyFile(cfg, [connection], {
    ...options,
    intervalMs: options.rotateIntervalMs,
  });
  return {
    connection,
    close: async () => {
      stop();
      await connection.close();
    },
  };
}
