/**
 * The machine-readable form of the configuration for `check-env --json`: every setting with its
 * source, secrets redacted to "set, N chars", the issues, and (when connecting) the probe
 * result. Field names are stable for scripts.
 *
 * @example
 * ```ts
 * import { configReport } from "./report.ts";
 * declare const cfg: import("./mod.ts").TemporalConfig;
 * console.log(JSON.stringify(configReport(cfg, { checked: false }), null, 2));
 * ```
 * @module
 */
import type { TemporalConfig } from "./mod.ts";
import type { PemSource, Setting } from "./resolve.ts";
import { redactAddress } from "./rules.ts";

/** One setting in the report. Secret values are never included: `redacted` says how long. */
export interface ReportSetting {
  /** The value, for non-secret settings. */
  value?: string;
  /** For secret settings: that a value is set, and its length. */
  redacted?: string;
  /** `env`, `.env`, `profile` or `default`; absent when unset. */
  source?: string;
  /** The variable or profile key that supplied it. */
  from?: string;
}

/** The connection part of the report. */
export type ReportConnection =
  | { checked: false }
  | { checked: true; ok: true; namespace: string; serverVersion?: string; ms: number }
  | { checked: true; ok: false; failure: string; message: string; ms: number };

/** The whole report. */
export interface ConfigReport {
  valid: boolean;
  authMode: string;
  tls: boolean;
  settings: Record<string, ReportSetting>;
  grpcMetadata: Record<string, ReportSetting>;
  envFile?: { path: string; found: boolean };
  profile: { name: string; path?: string; found: boolean };
  errors: { variable: string; message: string }[];
  warnings: { variable: string; message: string }[];
  connection: ReportConnection;
  /** The exit code check-env returns: 0 ok, 1 invalid, 2 cannot connect. */
  exitCode: 0 | 1 | 2;
}

function plain(s: Setting<string>): ReportSetting {
  return {
    ...(s.value !== undefined ? { value: s.value } : {}),
    ...(s.source ? { source: s.source } : {}),
    ...(s.from ? { from: s.from } : {}),
  };
}

function secret(s: Setting<string>): ReportSetting {
  return {
    ...(s.value !== undefined ? { redacted: `set, ${s.value.length} chars` } : {}),
    ...(s.source ? { source: s.source } : {}),
    ...(s.from ? { from: s.from } : {}),
  };
}

function pem(s: Setting<PemSource>, isSecret: boolean): ReportSetting {
  const base = { ...(s.source ? { source: s.source } : {}), ...(s.from ? { from: s.from } : {}) };
  if (!s.value) return base;
  if ("path" in s.value) return { value: s.value.path, ...base };
  return isSecret
    ? { redacted: `inline PEM, ${s.value.data.length} chars`, ...base }
    : { value: `inline PEM (${s.value.data.length} chars)`, ...base };
}

/** Builds the `check-env --json` report. Never contains a secret value. */
export function configReport(cfg: TemporalConfig, connection: ReportConnection): ConfigReport {
  const s = cfg.settings;
  const valid = cfg.errors.length === 0;
  return {
    valid,
    authMode: cfg.authMode,
    tls: cfg.tlsEnabled,
    settings: {
      address: { ...plain(s.address), value: redactAddress(s.address.value ?? "") },
      namespace: plain(s.namespace),
      taskQueue: plain(s.taskQueue),
      tls: plain(s.tls),
      apiKey: s.apiKey.value !== undefined ? secret(s.apiKey) : plain(s.apiKeyFile),
      clientCert: pem(s.clientCert, false),
      clientKey: pem(s.clientKey, true),
      serverCa: pem(s.serverCa, false),
      serverName: plain(s.serverName),
      disableHostVerification: plain(s.disableHostVerification),
      codecEndpoint: plain(s.codecEndpoint),
      codecAuth: secret(s.codecAuth),
    },
    grpcMetadata: Object.fromEntries(Object.entries(s.grpcMeta).map(([k, v]) => [k, secret(v)])),
    ...(cfg.envFile ? { envFile: cfg.envFile } : {}),
    profile: {
      name: cfg.profile.name,
      ...(cfg.profile.path ? { path: cfg.profile.path } : {}),
      found: cfg.profile.found,
    },
    errors: cfg.errors,
    warnings: cfg.warnings,
    connection,
    exitCode: !valid ? 1 : connection.checked && !connection.ok ? 2 : 0,
  };
}
