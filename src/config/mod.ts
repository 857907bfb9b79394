/**
 * The one configuration module. Every task that connects to Temporal gets its settings and
 * its connections here; nothing else reads `TEMPORAL_*` variables or opens certificate files.
 *
 * Sources, highest first: process environment → `.env` file (current directory, or
 * `--env-file`) → Temporal's TOML profile (`TEMPORAL_CONFIG_FILE`, `TEMPORAL_PROFILE`) → defaults.
 * A `.env` value never overrides a variable already set (non-empty) in the environment; an empty
 * value counts as unset everywhere (see {@link mergeVars}).
 *
 * Only the variables in {@link ENV_NAMES} are read, so `--allow-env=<those names>` suffices;
 * when the process may list its environment (plain `--allow-env`), `TEMPORAL_*` names are listed
 * too, for `TEMPORAL_GRPC_META_<NAME>` and warnings about misspelled names.
 *
 * @example
 * ```ts
 * import { loadConfig, requireValid } from "./mod.ts";
 * import { connectClient } from "./connect.ts";
 * const cfg = requireValid(await loadConfig({ envFile: ".env" }));
 * const { client, connection } = await connectClient(cfg);
 * try {
 *   await client.workflow.start("FoodTruckWorkflow", { taskQueue: cfg.taskQueue, workflowId: "x", args: [] });
 * } finally {
 *   await connection.close();
 * }
 * ```
 * @module
 */
import {
  ENV_NAMES,
  envEnumerable,
  type EnvMap,
  readDotEnv,
  readProcessEnv,
  readProfile,
} from "./sources.ts";
import type { ProfileSource } from "./sources.ts";
import { layerConfig } from "./resolve.ts";
import type { AuthMode, ConfigIssue, LayeredConfig, Source } from "./resolve.ts";
import { splitHostPort, validateConfig } from "./validate.ts";
import type { Material } from "./validate.ts";
import { readAppSettings } from "./app.ts";
import { unknownNameWarnings } from "./env_lint.ts";
import { redactAddress } from "./rules.ts";
import { checkGitTokenFile } from "./git.ts";
import type { AppSettings } from "./app.ts";
import { FatalError } from "../core/exit.ts";

export type { AppSettings } from "./app.ts";
export { APP_ENV_NAMES, DEFAULT_ANTHROPIC_MODEL } from "./app.ts";

export { ENV_NAMES } from "./sources.ts";
export { ConfigFileError } from "./sources.ts";
export type { AuthMode, ConfigIssue, PemSource, Setting, Source } from "./resolve.ts";
export { DEFAULTS } from "./resolve.ts";
export { isCloudAddress, splitHostPort } from "./validate.ts";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `.env` path. Default `.env` in the current directory (optional); a path given here must exist. */
  envFile?: string;
  /** Skip the `.env` file entirely. Default false. */
  noEnvFile?: boolean;
  /** The environment to use instead of the process's (tests). Default: the named variables of the process. */
  env?: EnvMap;
  /** Profile name (`--profile`); overrides `TEMPORAL_PROFILE`. Default: `TEMPORAL_PROFILE`, else `default`. */
  profile?: string;
  /** Clock for certificate expiry checks. Default now. */
  now?: Date;
}

/** The resolved, validated configuration. */
export interface TemporalConfig {
  /** Every setting with its value and source (secrets included: print only via {@link describeConfig}). */
  settings: Omit<LayeredConfig, "conflicts">;
  address: string;
  namespace: string;
  taskQueue: string;
  authMode: AuthMode;
  tlsEnabled: boolean;
  serverName?: string;
  /** The `.env` file consulted and whether it existed. */
  envFile: { path: string; found: boolean } | undefined;
  profile: ProfileSource;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Non-secret facts (certificate subjects and expiry). */
  notes: Record<string, string>;
  /**
   * False when Deno could not list the process environment (a scoped `--allow-env`): then
   * `TEMPORAL_GRPC_META_*` and misspelled `TEMPORAL_*` names are seen only in `.env`.
   */
  envListed: boolean;
  /** Loaded credentials. Never print. */
  material: Material;
  /** gRPC metadata sent on every call (header → value; values may be secret: never print). */
  grpcMetadata: Record<string, string>;
  /** Deploy target, git token and AI settings (secrets inside: never print). */
  app: AppSettings;
  /** Path of the API key file, when the key comes from `TEMPORAL_API_KEY_FILE` (for rotation). */
  apiKeyFile?: string;
  /** `TEMPORAL_METRICS_BIND`: `host:port` of the worker's Prometheus `/metrics`. Default: off. */
  metricsBind?: string;
  /** `TEMPORAL_HEALTH_BIND`: `host:port` of the worker's `/healthz`. Default: off. */
  healthBind?: string;
}

/**
 * The configuration is invalid; `issues` holds one line per problem. Its message has no secret.
 * Exit code 1.
 */
export class ConfigError extends FatalError {
  override name = "ConfigError";
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"), 1);
  }
}

/** `VARIABLE: message` */
export function formatIssue(i: ConfigIssue): string {
  return `${i.variable}: ${i.message}`;
}

/**
 * The empty-value rule, one rule for every variable: an empty value counts as unset, in the
 * environment and in `.env` alike, so a lower layer (`.env`, then the profile, then the default)
 * supplies it. (Exception, as in Temporal's envconfig: an empty `TEMPORAL_GRPC_META_<NAME>`
 * removes that header.)
 */
export function mergeVars(env: EnvMap, dotEnv: EnvMap): EnvMap {
  const out: EnvMap = {};
  for (const [k, v] of Object.entries(dotEnv)) if (v !== "") out[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== "") out[k] = v;
  return out;
}

/** Reads the `.env` file (or `--env-file`) unless `noEnvFile`; its problems become issues. */
async function loadEnvFile(options: LoadConfigOptions): Promise<{
  dotEnv: EnvMap;
  envFile: TemporalConfig["envFile"];
  fileErrors: ConfigIssue[];
  fileWarnings: ConfigIssue[];
}> {
  let dotEnv: EnvMap = {};
  let envFile: TemporalConfig["envFile"];
  const fileErrors: ConfigIssue[] = [];
  const fileWarnings: ConfigIssue[] = [];
  if (!options.noEnvFile) {
    const path = options.envFile ?? ".env";
    try {
      const read = await readDotEnv(path, options.envFile !== undefined);
      dotEnv = read.vars;
      envFile = { path, found: read.found };
      fileWarnings.push(...read.warnings, ...unknownNameWarnings(dotEnv, path, ENV_NAMES));
    } catch (err) {
      fileErrors.push({
        variable: options.envFile !== undefined ? "--env-file" : ".env",
        message: (err as Error).message,
      });
      envFile = { path, found: false };
    }
  }
  return { dotEnv, envFile, fileErrors, fileWarnings };
}

/** Reads every source, layers and validates. Never throws for invalid settings: see `errors`. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<TemporalConfig> {
  const env = options.env ?? readProcessEnv(ENV_NAMES);
  const { dotEnv, envFile, fileErrors, fileWarnings } = await loadEnvFile(options);
  fileWarnings.push(...unknownNameWarnings(env, "the environment", ENV_NAMES));
  // The profile's location may itself come from .env.
  const merged = mergeVars(env, dotEnv);
  const profile = options.profile !== undefined
    ? flagProfile(await readProfile({ ...merged, TEMPORAL_PROFILE: options.profile }))
    : await readProfile(merged);
  const layered = layerConfig({ env, dotEnv, profile });
  const v = await validateConfig(layered, options.now ?? new Date(), profile.problem);
  const { conflicts: _c, ...settings } = layered;
  const app = readAppSettings(merged);
  app.issues.push(...await checkGitTokenFile(app.deploy));
  const ops = readOpsBinds(merged);
  return {
    settings,
    address: layered.address.value!,
    namespace: layered.namespace.value!,
    taskQueue: layered.taskQueue.value!,
    authMode: v.authMode,
    tlsEnabled: v.tlsEnabled,
    serverName: layered.serverName.value,
    envFile,
    profile,
    errors: [
      ...fileErrors,
      ...(profile.issues?.errors ?? []),
      ...v.errors,
      ...app.issues,
      ...ops.issues,
    ],
    warnings: [...fileWarnings, ...(profile.issues?.warnings ?? []), ...v.warnings],
    notes: v.notes,
    envListed: options.env !== undefined || envEnumerable(),
    material: v.material,
    grpcMetadata: Object.fromEntries(
      Object.entries(layered.grpcMeta).map(([k, s]) => [k, s.value!]),
    ),
    app,
    apiKeyFile: layered.apiKey.value === undefined ? layered.apiKeyFile.value : undefined,
    ...(ops.metricsBind ? { metricsBind: ops.metricsBind } : {}),
    ...(ops.healthBind ? { healthBind: ops.healthBind } : {}),
  };
}

/** A profile chosen with `--profile`: its problems name the flag. */
function flagProfile(p: ProfileSource): ProfileSource {
  if (p.problem?.variable !== "TEMPORAL_PROFILE") return p;
  return {
    ...p,
    problem: {
      variable: "--profile",
      message: p.problem.message.replace("unset TEMPORAL_PROFILE", "drop --profile"),
    },
  };
}

/** Reads the worker's optional metrics and health bind addresses (env over `.env`). */
function readOpsBinds(
  vars: EnvMap,
): { metricsBind?: string; healthBind?: string; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const read = (name: string) => {
    const v = vars[name]?.trim();
    if (!v) return undefined;
    const hp = splitHostPort(v);
    if (!hp || hp.port > 65535) {
      issues.push({ variable: name, message: `"${v}" is not host:port (e.g. 127.0.0.1:9464)` });
      return undefined;
    }
    return v;
  };
  return {
    metricsBind: read("TEMPORAL_METRICS_BIND"),
    healthBind: read("TEMPORAL_HEALTH_BIND"),
    issues,
  };
}

/** Returns `cfg` when it has no errors; otherwise throws {@link ConfigError} listing them all. */
export function requireValid(cfg: TemporalConfig): TemporalConfig {
  if (cfg.errors.length) throw new ConfigError(cfg.errors);
  return cfg;
}

const SOURCE_LABEL: Record<Source, string> = {
  env: "env",
  ".env": ".env",
  profile: "profile",
  default: "default",
};

type Row = [name: string, value: string, source: string];

/** `env`, `.env <path>`, `profile <name>`, `default`, or `-` when unset. */
function sourceOf(x: { source?: Source; from?: string }): string {
  return x.source
    ? `${SOURCE_LABEL[x.source]}${x.from && x.source !== "default" ? ` ${x.from}` : ""}`
    : "-";
}

/** A PEM setting: its path, or the length of inline PEM (`set` for a secret), or `(not set)`. */
function pemValue(x: TemporalConfig["settings"]["clientCert"], secret: boolean): string {
  if (!x.value) return "(not set)";
  if ("path" in x.value) return x.value.path;
  return `inline PEM (${secret ? "set, " : ""}${x.value.data.length} chars)`;
}

/** The API key row: its length only, and where it came from (the variable or the key file). */
function apiKeyRow(cfg: TemporalConfig): Row {
  const s = cfg.settings;
  const key = cfg.material.apiKey;
  const value = key !== undefined
    ? `set, ${key.length} chars`
    : s.apiKey.value !== undefined
    ? "set (unreadable)"
    : "(not set)";
  const from = s.apiKey.source
    ? sourceOf(s.apiKey)
    : s.apiKeyFile.source
    ? `${sourceOf(s.apiKeyFile)} (file ${s.apiKeyFile.value})`
    : "-";
  return ["API key", value, from];
}

/** Rows for the settings that are only shown when set: host verification, codec endpoint. */
function unsupportedRows(cfg: TemporalConfig): Row[] {
  const s = cfg.settings;
  const rows: Row[] = [];
  const hv = s.disableHostVerification.value;
  if (hv !== undefined) {
    const disable = hv.trim().toLowerCase() === "true" || hv.trim() === "1";
    const value = disable ? "disable requested (not supported)" : "on";
    rows.push(["host verification", value, sourceOf(s.disableHostVerification)]);
  }
  if (s.codecEndpoint.value !== undefined) {
    const value = `${s.codecEndpoint.value} (not supported)`;
    rows.push(["codec endpoint", value, sourceOf(s.codecEndpoint)]);
  }
  return rows;
}

/** One row per connection setting: name, redacted value, source. */
function settingRows(cfg: TemporalConfig): Row[] {
  const s = cfg.settings;
  return [
    ["address", redactAddress(cfg.address), sourceOf(s.address)],
    ["namespace", cfg.namespace, sourceOf(s.namespace)],
    ["task queue", cfg.taskQueue, sourceOf(s.taskQueue)],
    ["auth mode", cfg.authMode, "derived"],
    ["TLS", cfg.tlsEnabled ? "on" : "off", s.tls.source ? sourceOf(s.tls) : "derived"],
    apiKeyRow(cfg),
    ["client cert", pemValue(s.clientCert, false), sourceOf(s.clientCert)],
    ["client key", pemValue(s.clientKey, true), sourceOf(s.clientKey)],
    ["server CA", pemValue(s.serverCa, false), sourceOf(s.serverCa)],
    ["server name", s.serverName.value ?? "(not set)", sourceOf(s.serverName)],
    ...Object.entries(s.grpcMeta).map(([h, v]): Row => [
      `gRPC header ${h}`,
      `set, ${v.value?.length ?? 0} chars`,
      sourceOf(v),
    ]),
    ...unsupportedRows(cfg),
  ];
}

/** The `name  value` lines after the settings: files read, notes, endpoints, the deploy target. */
function contextLines(cfg: TemporalConfig): [string, string][] {
  const out: [string, string][] = [];
  const envFile = cfg.envFile;
  out.push([
    ".env file",
    envFile ? `${envFile.path} (${envFile.found ? "read" : "not found"})` : "(skipped)",
  ]);
  const p = cfg.profile;
  out.push([
    "profile",
    `${p.name} in ${p.path ?? "(no path)"} (${p.found ? "read" : "not found"})`,
  ]);
  out.push(...Object.entries(cfg.notes));
  if (!cfg.envListed) {
    out.push([
      "environment",
      "not listable under a scoped --allow-env: TEMPORAL_GRPC_META_* are read from .env and the profile only",
    ]);
  }
  if (cfg.metricsBind) out.push(["metrics", `http://${cfg.metricsBind}/metrics`]);
  if (cfg.healthBind) out.push(["health", `http://${cfg.healthBind}/healthz`]);
  const git = cfg.app.deploy;
  if (git) {
    const token = git.tokenFile
      ? `token from file ${git.tokenFile}`
      : git.token
      ? `token set, ${git.token.length} chars`
      : "no token";
    const folder = git.subdir || "(root)";
    out.push(["deploy", `${git.repositoryUrl}, branch ${git.branch}, folder ${folder}, ${token}`]);
  }
  return out;
}

/** Human description of the configuration: one line per setting with its redacted value and source. */
export function describeConfig(cfg: TemporalConfig): string[] {
  const rows = settingRows(cfg);
  const width = Math.max(...rows.map((r) => r[0].length));
  return [
    ...rows.map(([k, v, from]) => `  ${k.padEnd(width)}  ${v}  [${from}]`),
    ...contextLines(cfg).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
  ];
}
