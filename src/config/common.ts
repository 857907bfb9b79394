/**
 * The shared vocabulary of the config modules: a variable map, a validation finding and the
 * gRPC metadata variable prefix. It imports nothing, so every config module (sources, layering,
 * validation, app settings) can use it without importing another (which is how `app` ↔
 * `resolve` ↔ `sources` became a cycle).
 *
 * @example
 * ```ts
 * import type { ConfigIssue, EnvMap } from "./common.ts";
 * const env: EnvMap = { TEMPORAL_ADDRESS: "localhost:7233" };
 * const issue: ConfigIssue = { variable: "TEMPORAL_ADDRESS", message: "needs a port" };
 * ```
 * @module
 */

/** A validation finding; `variable` names the setting at fault. */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/** A variable map: name → value (unset names are absent). */
export type EnvMap = Record<string, string>;

/** Prefix of the environment variables that carry gRPC metadata. */
export const GRPC_META_PREFIX = "TEMPORAL_GRPC_META_";
