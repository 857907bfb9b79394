/**
 * The raw sources of configuration: the process environment (only the named variables),
 * a `.env` file, and a Temporal TOML profile read with `@temporalio/envconfig`.
 *
 * This module only reads; {@link ../config/mod.ts} layers and validates.
 *
 * @example
 * ```ts
 * import { readProcessEnv, readDotEnv, ENV_NAMES } from "./sources.ts";
 * const env = readProcessEnv(ENV_NAMES);
 * const dot = await readDotEnv(".env", false);
 * ```
 * @module
 */
import { parseEnv } from "node:util";
import { join } from "node:path";
import { loadClientConfigProfile } from "@temporalio/envconfig";
import { configToTomlData, loadFromTomlData } from "@temporalio/envconfig/lib/envconfig-toml.js";
import { checkTomlProfile } from "./official.ts";
import { lintDotEnv } from "./env_lint.ts";
import type { ConfigIssue, EnvMap } from "./common.ts";
import type { ClientConfigProfile } from "@temporalio/envconfig";
import { APP_ENV_NAMES } from "./app.ts";
import { describeFsError, readSmallFile, readSmallTextFile } from "./files.ts";

/** Every `TEMPORAL_*` variable this project reads, and nothing else. */
export const TEMPORAL_ENV_NAMES = [
  "TEMPORAL_ADDRESS",
  "TEMPORAL_NAMESPACE",
  "TEMPORAL_TASK_QUEUE",
  "TEMPORAL_API_KEY",
  "TEMPORAL_API_KEY_FILE",
  "TEMPORAL_TLS",
  "TEMPORAL_TLS_CERT",
  "TEMPORAL_TLS_KEY",
  "TEMPORAL_TLS_CLIENT_CERT_PATH",
  "TEMPORAL_TLS_CLIENT_KEY_PATH",
  "TEMPORAL_TLS_CLIENT_CERT_DATA",
  "TEMPORAL_TLS_CLIENT_KEY_DATA",
  "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
  "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
  "TEMPORAL_TLS_SERVER_NAME",
  "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
  "TEMPORAL_CODEC_ENDPOINT",
  "TEMPORAL_CODEC_AUTH",
  "TEMPORAL_CONFIG_FILE",
  "TEMPORAL_PROFILE",
  "TEMPORAL_METRICS_BIND",
  "TEMPORAL_HEALTH_BIND",
] as const;

/** Non-Temporal variables used to locate the default TOML file. */
export const LOCATION_ENV_NAMES = ["HOME", "XDG_CONFIG_HOME"] as const;

/** The names the config module may read from the environment (what `--allow-env=` must list). */
export const ENV_NAMES: readonly string[] = [
  ...TEMPORAL_ENV_NAMES,
  ...LOCATION_ENV_NAMES,
  ...APP_ENV_NAMES,
];

export type { EnvMap } from "./common.ts";

/**
 * Reads the named variables from the process environment, plus every `TEMPORAL_*` variable
 * (gRPC metadata `TEMPORAL_GRPC_META_<NAME>`, and misspelled names to warn about) when Deno
 * lets the process list its environment (`--allow-env` without a list: a scoped
 * `--allow-env=TEMPORAL_*` cannot enumerate). No other variable is kept.
 */
export function readProcessEnv(names: readonly string[] = ENV_NAMES): EnvMap {
  const out: EnvMap = {};
  if (envEnumerable()) {
    for (const [k, v] of Object.entries(Deno.env.toObject())) {
      if (k.startsWith("TEMPORAL_")) out[k] = v;
    }
  }
  for (const name of names) {
    const v = Deno.env.get(name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** True when the process may list its whole environment. */
export function envEnumerable(): boolean {
  return Deno.permissions.querySync({ name: "env" }).state === "granted";
}

/** A file named by the user could not be used. The message names the file and the fix. */
export class ConfigFileError extends Error {
  override name = "ConfigFileError";
}

export { describeFsError } from "./files.ts";

/**
 * Reads a `.env` file with Node's `parseEnv` (no variable expansion, no override of the real
 * environment: the caller layers it below the process environment).
 *
 * @param path File path. Default `.env` in the current directory.
 * @returns The variables, whether the file existed, and warnings (lines that do not parse).
 * @param required When false (the default file), a missing file yields no variables; when true (a path
 *   given with `--env-file`), a missing file is a {@link ConfigFileError}.
 */
export async function readDotEnv(
  path = ".env",
  required = false,
): Promise<{ vars: EnvMap; found: boolean; warnings: ConfigIssue[] }> {
  let text: string;
  try {
    text = await readSmallTextFile(path);
  } catch (err) {
    if (!required && err instanceof Deno.errors.NotFound) {
      return { vars: {}, found: false, warnings: [] };
    }
    throw new ConfigFileError(`${path}: ${describeFsError(err)}`);
  }
  // readSmallTextFile dropped a byte-order mark and refused binary data.
  return { vars: { ...parseEnv(text) } as EnvMap, found: true, warnings: lintDotEnv(text, path) };
}

/** Where the TOML profile comes from, and what it held. */
export interface ProfileSource {
  /** The file path consulted (whether or not it exists). */
  path: string | undefined;
  /** True when the file exists and was read. */
  found: boolean;
  /** The profile name used (`default` unless `TEMPORAL_PROFILE` names one). */
  name: string;
  /** True when `TEMPORAL_PROFILE` named the profile explicitly. */
  named: boolean;
  /** The profile's values (empty when none). */
  profile: ClientConfigProfile;
  /** A problem (profile not found, TOML syntax, unreadable file), if any. */
  problem?: { variable: string; message: string };
  /** Type errors (exit 1) and unknown keys (warnings) in the chosen profile. */
  issues?: { errors: ConfigIssue[]; warnings: ConfigIssue[] };
  /** Profile settings the SDK's loader does not return. */
  extra?: ProfileExtras;
}

/** Settings of a profile that `@temporalio/envconfig`'s loader drops. */
export interface ProfileExtras {
  /** `tls.disable_host_verification`. */
  disableHostVerification?: boolean;
  /** `codec.endpoint` / `codec.auth`. */
  codec?: { endpoint?: string; auth?: string };
  /** `grpc_meta`, header names normalized. */
  grpcMeta?: Record<string, string>;
}

/** The default TOML path: `$TEMPORAL_CONFIG_FILE`, else `$XDG_CONFIG_HOME` or `~/.config`, then `temporalio/temporal.toml`. */
export function profilePath(env: EnvMap): string | undefined {
  if (env.TEMPORAL_CONFIG_FILE) return env.TEMPORAL_CONFIG_FILE;
  const dir = env.XDG_CONFIG_HOME ||
    (env.HOME
      ? (Deno.build.os === "darwin"
        ? join(env.HOME, "Library", "Application Support")
        : join(env.HOME, ".config"))
      : undefined);
  return dir ? join(dir, "temporalio", "temporal.toml") : undefined;
}

/**
 * Loads the TOML profile with Temporal's own `@temporalio/envconfig` (same file format and keys),
 * with environment overrides disabled: this project layers the environment itself, and the
 * SDK is given only the fixed variable list (`overrideEnvVars`) so that it never enumerates the
 * whole environment.
 */
export async function readProfile(env: EnvMap): Promise<ProfileSource> {
  const path = profilePath(env);
  const name = env.TEMPORAL_PROFILE || "default";
  const named = Boolean(env.TEMPORAL_PROFILE);
  const base = { path, name, named, profile: {} as ClientConfigProfile };
  if (!path) return { ...base, found: false };
  let data: Uint8Array;
  try {
    data = await readSmallFile(path);
  } catch (err) {
    const problem = err instanceof Deno.errors.NotFound
      ? (env.TEMPORAL_CONFIG_FILE
        ? {
          variable: "TEMPORAL_CONFIG_FILE",
          message: `${path}: file not found (fix the path or unset it)`,
        }
        : named
        ? {
          variable: "TEMPORAL_PROFILE",
          message: `"${name}": no config file at ${path} (create it or unset TEMPORAL_PROFILE)`,
        }
        : undefined)
      : { variable: "TEMPORAL_CONFIG_FILE", message: `${path}: ${describeFsError(err)}` };
    return { ...base, found: false, ...(problem ? { problem } : {}) };
  }
  let raw: Record<string, unknown>;
  try {
    raw = loadFromTomlData(decodeText(data), false) as unknown as Record<string, unknown>;
  } catch (err) {
    const msg = (err as Error).message.split("\n")[0];
    return {
      ...base,
      found: true,
      problem: { variable: "TEMPORAL_CONFIG_FILE", message: `${path}: ${msg} (fix the TOML)` },
    };
  }
  // Wrongly typed keys are reported and dropped before the SDK reads the profile.
  const check = checkTomlProfile(raw, name, path);
  const issues = { errors: check.errors, warnings: check.warnings };
  try {
    const profile = loadClientConfigProfile({
      profile: name,
      configSource: { data: configToTomlData(check.clean as never) },
      disableEnv: true,
      overrideEnvVars: {},
    });
    return { ...base, found: true, profile, issues, extra: profileExtras(check.clean, name) };
  } catch (err) {
    const msg = (err as Error).message.split("\n")[0];
    const problem = /Profile '.*' not found/.test(msg)
      ? {
        variable: "TEMPORAL_PROFILE",
        message: `"${name}": no such profile in ${path} (add [profile.${name}] or pick another)`,
      }
      : { variable: "TEMPORAL_CONFIG_FILE", message: `${path}: ${msg} (fix the TOML)` };
    return { ...base, found: true, problem, issues };
  }
}

/** A BOM-less UTF-8 decode that refuses binary data. */
function decodeText(data: Uint8Array): string {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  if (text.includes("\0")) throw new Error("not a text file (NUL bytes)");
  return text;
}

/** The profile keys `@temporalio/envconfig` drops (codec, host verification) and gRPC metadata. */
function profileExtras(doc: Record<string, unknown>, name: string): ProfileExtras {
  const p = ((doc.profile as Record<string, unknown> | undefined)?.[name] ?? {}) as Record<
    string,
    Record<string, unknown> | undefined
  >;
  const out: ProfileExtras = {};
  if (typeof p.tls?.disable_host_verification === "boolean") {
    out.disableHostVerification = p.tls.disable_host_verification;
  }
  if (p.codec && Object.keys(p.codec).length) out.codec = p.codec as ProfileExtras["codec"];
  if (p.grpc_meta) {
    out.grpcMeta = Object.fromEntries(
      Object.entries(p.grpc_meta as Record<string, string>).map(([k, v]) => [
        normalizeGrpcMetaKey(k),
        v,
      ]),
    );
  }
  return out;
}

/**
 * Temporal's header-name normalization for `grpc_meta` keys and `TEMPORAL_GRPC_META_<NAME>`:
 * lower case, underscores to dashes (all of them: the SDK's own helper only replaces the first).
 */
export function normalizeGrpcMetaKey(key: string): string {
  return key.toLowerCase().replaceAll("_", "-");
}
