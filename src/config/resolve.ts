/**
 * Layers the configuration sources — process environment → `.env` → TOML profile → defaults —
 * into one {@link TemporalConfig} that records, for every value, where it came from.
 *
 * @example
 * ```ts
 * import { layerConfig } from "./resolve.ts";
 * const profile = { path: undefined, found: false, name: "default", named: false, profile: {} };
 * const cfg = layerConfig({ env: { TEMPORAL_ADDRESS: "localhost:7233" }, dotEnv: {}, profile });
 * console.log(cfg.address.value, cfg.address.source); // "localhost:7233" "env"
 * ```
 * @module
 */
import type { ProfileSource } from "./sources.ts";
import type { ConfigIssue, EnvMap } from "./common.ts";
import { GRPC_META_PREFIX } from "./common.ts";
import { normalizeGrpcMetaKey } from "./sources.ts";

/** Where a value came from, highest precedence first. */
export type Source = "env" | ".env" | "profile" | "default";

/** One resolved value, its source, and the variable (or profile key) that supplied it. */
export interface Setting<T> {
  value: T | undefined;
  source: Source | undefined;
  /** The variable or profile key that supplied the value, e.g. `TEMPORAL_TLS_CLIENT_CERT_PATH` or `profile.tls.client_cert_path`. */
  from?: string;
}

/** PEM material: a file path, or inline data. */
export type PemSource = { path: string } | { data: string };

/** How the client authenticates: plaintext, server-authenticated TLS only, API key over TLS, or mutual TLS. */
export type AuthMode = "local" | "tls" | "api-key" | "mtls";

export type { ConfigIssue } from "./common.ts";

/** Defaults for unset values. */
export const DEFAULTS = {
  address: "localhost:7233",
  namespace: "default",
  taskQueue: "food-truck-task-queue",
} as const;

/** The layered (not yet validated) configuration. */
export interface LayeredConfig {
  address: Setting<string>;
  namespace: Setting<string>;
  taskQueue: Setting<string>;
  apiKey: Setting<string>;
  apiKeyFile: Setting<string>;
  tls: Setting<string>;
  clientCert: Setting<PemSource>;
  clientKey: Setting<PemSource>;
  serverCa: Setting<PemSource>;
  serverName: Setting<string>;
  /** `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION` / `tls.disable_host_verification` (as "true"/"false"). */
  disableHostVerification: Setting<string>;
  /** `TEMPORAL_CODEC_ENDPOINT` / `codec.endpoint` (not supported here: a warning). */
  codecEndpoint: Setting<string>;
  /** `TEMPORAL_CODEC_AUTH` / `codec.auth` (not supported here: a warning). */
  codecAuth: Setting<string>;
  /** gRPC metadata by normalized header name (`TEMPORAL_GRPC_META_<NAME>`, `grpc_meta`). */
  grpcMeta: Record<string, Setting<string>>;
  /** Conflicts found while layering (alias spellings set to different values...). */
  conflicts: ConfigIssue[];
}

interface Layer {
  source: Source;
  vars: EnvMap;
}

/** Inputs of {@link layerConfig}. */
export interface LayerInput {
  env: EnvMap;
  dotEnv: EnvMap;
  profile: ProfileSource;
}

const present = (v: string | undefined): v is string => v !== undefined && v !== "";

/**
 * Picks the first layer that sets any of `names`; within that layer, differing values under
 * alias spellings are a conflict.
 */
function pickVar(
  layers: Layer[],
  names: string[],
  conflicts: ConfigIssue[],
): Setting<string> | undefined {
  for (const layer of layers) {
    const set = names.filter((n) => present(layer.vars[n]));
    if (set.length === 0) continue;
    const values = new Set(set.map((n) => layer.vars[n]));
    if (values.size > 1) {
      conflicts.push({
        variable: set.join(" / "),
        message: `${set.join(" and ")} are aliases but are set to different values${
          layer.source === ".env" ? " in .env" : ""
        }; keep only one`,
      });
    }
    return { value: layer.vars[set[0]], source: layer.source, from: set[0] };
  }
  return undefined;
}

function pickPem(
  layers: Layer[],
  pathNames: string[],
  dataName: string,
  profilePem: { path: string } | { data: string | Uint8Array } | undefined,
  profileKey: string,
  conflicts: ConfigIssue[],
): Setting<PemSource> {
  for (const layer of layers) {
    const localConflicts: ConfigIssue[] = [];
    const path = pickVar([layer], pathNames, localConflicts);
    const data = present(layer.vars[dataName]) ? layer.vars[dataName] : undefined;
    conflicts.push(...localConflicts);
    if (path && data !== undefined) {
      conflicts.push({
        variable: `${path.from} / ${dataName}`,
        message: `both ${path.from} (a path) and ${dataName} (inline PEM) are set${
          layer.source === ".env" ? " in .env" : ""
        }; keep only one`,
      });
    }
    if (path) return { value: { path: path.value! }, source: layer.source, from: path.from };
    if (data !== undefined) return { value: { data }, source: layer.source, from: dataName };
  }
  if (profilePem) {
    if ("path" in profilePem) {
      return { value: { path: profilePem.path }, source: "profile", from: `${profileKey}_path` };
    }
    const data = typeof profilePem.data === "string"
      ? profilePem.data
      : new TextDecoder().decode(profilePem.data);
    return { value: { data }, source: "profile", from: `${profileKey}_data` };
  }
  return { value: undefined, source: undefined };
}

/** The client certificate, its key and the server CA: each a path or inline PEM, by layer. */
function layerPems(
  layers: Layer[],
  tls: ProfileSource["profile"]["tls"],
  conflicts: ConfigIssue[],
): Pick<LayeredConfig, "clientCert" | "clientKey" | "serverCa"> {
  return {
    clientCert: pickPem(
      layers,
      ["TEMPORAL_TLS_CERT", "TEMPORAL_TLS_CLIENT_CERT_PATH"],
      "TEMPORAL_TLS_CLIENT_CERT_DATA",
      tls?.clientCert,
      "profile.tls.client_cert",
      conflicts,
    ),
    clientKey: pickPem(
      layers,
      ["TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CLIENT_KEY_PATH"],
      "TEMPORAL_TLS_CLIENT_KEY_DATA",
      tls?.clientKey,
      "profile.tls.client_key",
      conflicts,
    ),
    serverCa: pickPem(
      layers,
      ["TEMPORAL_TLS_SERVER_CA_CERT_PATH"],
      "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
      tls?.serverCACert,
      "profile.tls.server_ca_cert",
      conflicts,
    ),
  };
}

/** Layers env → .env → profile → defaults. Pure: reads no file and no environment. */
export function layerConfig(input: LayerInput): LayeredConfig {
  const layers: Layer[] = [
    { source: "env", vars: input.env },
    { source: ".env", vars: input.dotEnv },
  ];
  const p = input.profile.profile;
  const x = input.profile.extra ?? {};
  const conflicts: ConfigIssue[] = [];
  const str = (
    names: string[],
    profileValue: string | undefined,
    profileKey: string,
    def?: string,
  ): Setting<string> =>
    pickVar(layers, names, conflicts) ??
      (present(profileValue)
        ? { value: profileValue, source: "profile", from: profileKey }
        : def !== undefined
        ? { value: def, source: "default" }
        : { value: undefined, source: undefined });
  // A [profile.x.tls] table turns TLS on unless it says `disabled = true` (as the Temporal CLI reads it).
  const tlsProfile = p.tls ? String(p.tls.disabled !== true) : undefined;
  return {
    address: str(["TEMPORAL_ADDRESS"], p.address, "profile.address", DEFAULTS.address),
    namespace: str(["TEMPORAL_NAMESPACE"], p.namespace, "profile.namespace", DEFAULTS.namespace),
    taskQueue: str(["TEMPORAL_TASK_QUEUE"], undefined, "", DEFAULTS.taskQueue),
    apiKey: str(["TEMPORAL_API_KEY"], p.apiKey, "profile.api_key"),
    apiKeyFile: str(["TEMPORAL_API_KEY_FILE"], undefined, ""),
    tls: str(["TEMPORAL_TLS"], tlsProfile, "profile.tls.disabled"),
    ...layerPems(layers, p.tls, conflicts),
    serverName: str(["TEMPORAL_TLS_SERVER_NAME"], p.tls?.serverName, "profile.tls.server_name"),
    disableHostVerification: str(
      ["TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"],
      x.disableHostVerification === undefined ? undefined : String(x.disableHostVerification),
      "profile.tls.disable_host_verification",
    ),
    codecEndpoint: str(["TEMPORAL_CODEC_ENDPOINT"], x.codec?.endpoint, "profile.codec.endpoint"),
    codecAuth: str(["TEMPORAL_CODEC_AUTH"], x.codec?.auth, "profile.codec.auth"),
    grpcMeta: layerGrpcMeta(input, x.grpcMeta ?? {}),
    conflicts,
  };
}

export { GRPC_META_PREFIX } from "./common.ts";

/**
 * gRPC metadata: the profile's `grpc_meta`, then `.env`, then the environment, each header
 * overriding the layer below. As in Temporal's envconfig, an empty `TEMPORAL_GRPC_META_<NAME>`
 * removes that header.
 */
function layerGrpcMeta(
  input: LayerInput,
  profileMeta: Record<string, string>,
): Record<string, Setting<string>> {
  const out: Record<string, Setting<string>> = {};
  for (const [k, v] of Object.entries(profileMeta)) {
    out[k] = { value: v, source: "profile", from: `profile.grpc_meta.${k}` };
  }
  for (const [source, vars] of [[".env", input.dotEnv], ["env", input.env]] as const) {
    for (const [name, value] of Object.entries(vars)) {
      if (!name.startsWith(GRPC_META_PREFIX) || name === GRPC_META_PREFIX) continue;
      const header = normalizeGrpcMetaKey(name.slice(GRPC_META_PREFIX.length));
      if (value === "") delete out[header];
      else out[header] = { value, source, from: name };
    }
  }
  return out;
}
