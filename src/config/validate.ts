/**
 * Validates a layered configuration: reads the certificate, key and API-key files it names,
 * checks them with `node:crypto`, derives the auth mode, and reports every problem at once,
 * one line each, naming the variable and the fix. Secrets never enter a message.
 *
 * @example
 * ```ts
 * import { validateConfig } from "./validate.ts";
 * declare const layered: import("./resolve.ts").LayeredConfig;
 * const { errors, warnings, material, authMode } = await validateConfig(layered);
 * ```
 * @module
 */
import type { AuthMode, ConfigIssue, LayeredConfig } from "./resolve.ts";
import { describeFsError, readSmallTextFile } from "./files.ts";
import { checkValidity, parseCert, parseKey, pemLabel, readPem } from "./pem.ts";
import {
  checkAddressHygiene,
  checkCloud,
  checkCodec,
  checkGrpcMeta,
  checkHostPort,
  checkHostVerification,
  splitHostPort,
} from "./rules.ts";

export { splitHostPort } from "./rules.ts";
export { checkValidity, EXPIRY_WARNING_DAYS, parseCert, parseKey, pemLabel } from "./pem.ts";

/** Loaded connection material (never printed). */
export interface Material {
  apiKey?: string;
  clientCert?: Uint8Array;
  clientKey?: Uint8Array;
  serverCa?: Uint8Array;
}

/** Outcome of {@link validateConfig}. */
export interface Validation {
  authMode: AuthMode;
  tlsEnabled: boolean;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  material: Material;
  /** Facts worth showing (certificate subject and expiry), never secret. */
  notes: Record<string, string>;
}

const CLOUD_HOST = /(\.tmprl\.cloud|\.api\.temporal\.io)$/i;

/** True for Temporal Cloud endpoints (`*.tmprl.cloud`, `*.api.temporal.io`). */
export function isCloudAddress(address: string): boolean {
  return CLOUD_HOST.test(splitHostPort(address)?.host ?? address);
}

/** Reads the API key file, trimming one trailing newline. */
export async function readApiKeyFile(path: string): Promise<string> {
  return (await readSmallTextFile(path)).replace(/\r?\n$/, "");
}

/** What the rules of {@link validateConfig} read and fill in, in order. */
interface Check {
  cfg: LayeredConfig;
  now: Date;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  material: Material;
  notes: Record<string, string>;
  /** The API key (inline or read from its file), once {@link checkApiKey} ran. */
  apiKey?: string;
  /** The variable the API key came from. */
  apiKeyVar: string;
  /** `TEMPORAL_TLS` as a boolean (`undefined`: not set or not a boolean). */
  tlsFlag?: boolean;
  hasCert: boolean;
  hasKey: boolean;
  authMode: AuthMode;
}

/**
 * The rules, run in this order (later ones read what earlier ones found); each reports to
 * `errors`/`warnings` and never stops the others, so every problem is reported at once.
 */
const RULES: readonly ((c: Check) => void | Promise<void>)[] = [
  checkAddress,
  checkApiKey,
  checkTlsFlag,
  checkCertKeyPairing,
  checkCertificates,
  checkTlsOffWithCredentials,
  deriveAuthMode,
  (c) => checkGrpcMeta(c.cfg, c.apiKey !== undefined, c.errors),
  checkCloudSettings,
];

/** Validates `cfg`, reading the files it names. `now` is injectable for expiry tests. */
export async function validateConfig(
  cfg: LayeredConfig,
  now: Date = new Date(),
  profileProblem?: ConfigIssue,
): Promise<Validation> {
  const c: Check = {
    cfg,
    now,
    errors: [...cfg.conflicts, ...(profileProblem ? [profileProblem] : [])],
    warnings: [],
    material: {},
    notes: {},
    apiKeyVar: cfg.apiKey.from ?? "TEMPORAL_API_KEY",
    hasCert: cfg.clientCert.value !== undefined,
    hasKey: cfg.clientKey.value !== undefined,
    authMode: "local",
  };
  for (const rule of RULES) await rule(c);
  const { authMode, errors, warnings, material, notes } = c;
  return {
    authMode,
    tlsEnabled: c.tlsFlag ?? authMode !== "local",
    errors,
    warnings,
    material,
    notes,
  };
}

/** The address: hygiene, then host:port; server-name verification; the payload codec. */
function checkAddress({ cfg, errors, warnings }: Check): void {
  if (checkAddressHygiene(cfg, errors)) checkHostPort(cfg, errors);
  checkHostVerification(cfg, errors);
  checkCodec(cfg, warnings);
}

/** The API key, inline or from its file (one of the two), without whitespace. */
async function checkApiKey(c: Check): Promise<void> {
  const { cfg, errors } = c;
  if (cfg.apiKey.value !== undefined && cfg.apiKeyFile.value !== undefined) {
    errors.push({
      variable: "TEMPORAL_API_KEY / TEMPORAL_API_KEY_FILE",
      message: "both are set; keep only one (the file form allows rotation without restart)",
    });
  }
  c.apiKey = cfg.apiKey.value;
  if (c.apiKey === undefined && cfg.apiKeyFile.value !== undefined) {
    c.apiKeyVar = "TEMPORAL_API_KEY_FILE";
    c.apiKey = await readApiKeyOf(cfg.apiKeyFile.value, errors);
  }
  if (c.apiKey === undefined) return;
  if (/\s/.test(c.apiKey)) {
    errors.push({
      variable: c.apiKeyVar,
      message: "the API key contains whitespace (a stray space, newline or quote? paste it again)",
    });
  }
  c.material.apiKey = c.apiKey;
}

/** The key in `TEMPORAL_API_KEY_FILE`'s file `path`; `undefined` (reported) if unreadable/empty. */
async function readApiKeyOf(path: string, errors: ConfigIssue[]): Promise<string | undefined> {
  const variable = "TEMPORAL_API_KEY_FILE";
  try {
    const apiKey = await readApiKeyFile(path);
    if (apiKey !== "") return apiKey;
    errors.push({ variable, message: `${path} is empty (write the API key into it)` });
  } catch (err) {
    errors.push({
      variable,
      message: `${path}: ${describeFsError(err)} (point it at a readable file holding the API key)`,
    });
  }
  return undefined;
}

/** `TEMPORAL_TLS` must be a boolean word. */
function checkTlsFlag(c: Check): void {
  const { tls } = c.cfg;
  if (tls.value === undefined) return;
  const v = tls.value.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) c.tlsFlag = true;
  else if (["false", "0", "no", "off"].includes(v)) c.tlsFlag = false;
  else {
    c.errors.push({
      variable: tls.from ?? "TEMPORAL_TLS",
      message: `"${tls.value}" is not true or false`,
    });
  }
}

/** A client certificate needs its key and the other way round; not both with an API key. */
function checkCertKeyPairing({ cfg, errors, hasCert, hasKey, apiKey, apiKeyVar }: Check): void {
  if (hasCert && !hasKey) {
    errors.push({
      variable: "TEMPORAL_TLS_KEY",
      message: `${
        pemLabel(cfg.clientCert)
      } is set but no client key is (set TEMPORAL_TLS_KEY to the matching private key)`,
    });
  }
  if (hasKey && !hasCert) {
    errors.push({
      variable: "TEMPORAL_TLS_CERT",
      message: `${
        pemLabel(cfg.clientKey)
      } is set but no client certificate is (set TEMPORAL_TLS_CERT to the matching certificate)`,
    });
  }
  if (apiKey !== undefined && (hasCert || hasKey)) {
    errors.push({
      variable: `${apiKeyVar} / ${hasCert ? pemLabel(cfg.clientCert) : pemLabel(cfg.clientKey)}`,
      message:
        "an API key and a client certificate are both set; use one auth method (unset one of them)",
    });
  }
}

/**
 * The client certificate, its key and the server CA: readable, parseable, valid at `now`, and
 * the certificate matching the key; loaded into `material`, described in `notes`.
 */
async function checkCertificates(c: Check): Promise<void> {
  const { cfg, now, errors, warnings, material, notes } = c;
  const certPem = await readPem(cfg.clientCert, errors);
  const keyPem = await readPem(cfg.clientKey, errors);
  const caPem = await readPem(cfg.serverCa, errors);
  const cert = certPem !== undefined ? parseCert(cfg.clientCert, certPem, errors) : undefined;
  const key = keyPem !== undefined ? parseKey(cfg.clientKey, keyPem, errors) : undefined;
  if (cert) {
    checkValidity(cfg.clientCert, cert, now, errors, warnings);
    notes.clientCert = `subject "${cert.subject.replace(/\n/g, ", ")}", expires ${
      new Date(cert.validTo).toISOString().slice(0, 10)
    }`;
  }
  if (cert && key && !cert.checkPrivateKey(key)) {
    errors.push({
      variable: `${pemLabel(cfg.clientCert)} / ${pemLabel(cfg.clientKey)}`,
      message:
        "the client certificate and key do not belong together (use the key the certificate was issued for)",
    });
  }
  const ca = caPem !== undefined ? parseCert(cfg.serverCa, caPem, errors) : undefined;
  if (ca) {
    checkValidity(cfg.serverCa, ca, now, errors, warnings);
    notes.serverCa = `subject "${ca.subject.replace(/\n/g, ", ")}"`;
    material.serverCa = new TextEncoder().encode(caPem);
  }
  if (certPem !== undefined) material.clientCert = new TextEncoder().encode(certPem);
  if (keyPem !== undefined) material.clientKey = new TextEncoder().encode(keyPem);
}

/** `TEMPORAL_TLS=false` with an API key or a client certificate: credentials need TLS. */
function checkTlsOffWithCredentials({ cfg, errors, tlsFlag, apiKey, hasCert }: Check): void {
  if (tlsFlag !== false || (apiKey === undefined && !hasCert)) return;
  errors.push({
    variable: cfg.tls.from ?? "TEMPORAL_TLS",
    message: `TLS is turned off but ${
      apiKey !== undefined ? "an API key" : "a client certificate"
    } is set; credentials need TLS (unset TEMPORAL_TLS or set it to true)`,
  });
}

/** API key > client certificate > TLS (asked for, or implied by a CA/server name) > local. */
function deriveAuthMode(c: Check): void {
  const { cfg } = c;
  c.authMode = c.apiKey !== undefined
    ? "api-key"
    : c.hasCert
    ? "mtls"
    : (c.tlsFlag ?? (cfg.serverCa.value !== undefined || cfg.serverName.value !== undefined))
    ? "tls"
    : "local";
}

/** Temporal Cloud's own rules, for a Cloud address only. */
function checkCloudSettings(c: Check): void {
  if (!isCloudAddress(c.cfg.address.value ?? "")) return;
  checkCloud(
    c.cfg,
    { authMode: c.authMode, apiKeySet: c.apiKey !== undefined, certSet: c.hasCert },
    c.errors,
    c.warnings,
  );
}
