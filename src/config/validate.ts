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
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { AuthMode, ConfigIssue, LayeredConfig, PemSource, Setting } from "./resolve.ts";
import { describeFsError, readSmallTextFile } from "./files.ts";
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

/** Certificates expiring within this many days produce a warning. Default 15. */
export const EXPIRY_WARNING_DAYS = 15;

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

/** The name to print for a PEM setting. */
export function pemLabel(s: Setting<PemSource>): string {
  return s.from ?? "?";
}

async function readPem(
  s: Setting<PemSource>,
  errors: ConfigIssue[],
): Promise<string | undefined> {
  if (!s.value) return undefined;
  if ("data" in s.value) return s.value.data.replace(/\\n/g, "\n");
  const path = s.value.path;
  try {
    return await readSmallTextFile(path);
  } catch (err) {
    errors.push({
      variable: pemLabel(s),
      message: `${path}: ${describeFsError(err)} (point it at a readable PEM file)`,
    });
    return undefined;
  }
}

function where(s: Setting<PemSource>): string {
  return s.value && "path" in s.value ? `${s.value.path}` : "the inline value";
}

/** Parses a PEM certificate, reporting what is wrong with it to `errors`. */
export function parseCert(
  s: Setting<PemSource>,
  pem: string,
  errors: ConfigIssue[],
): X509Certificate | undefined {
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    const looksKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem);
    errors.push({
      variable: pemLabel(s),
      message: `${where(s)} is not a PEM certificate${
        looksKey ? " (it holds a private key: swap the cert and key settings?)" : ""
      } (expected -----BEGIN CERTIFICATE-----)`,
    });
    return undefined;
  }
  try {
    return new X509Certificate(pem);
  } catch {
    errors.push({
      variable: pemLabel(s),
      message: `${where(s)} holds a damaged certificate (re-export it as PEM)`,
    });
    return undefined;
  }
}

/** Parses an unencrypted PEM private key, reporting what is wrong with it to `errors`. */
export function parseKey(
  s: Setting<PemSource>,
  pem: string,
  errors: ConfigIssue[],
): KeyObject | undefined {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    const looksCert = pem.includes("-----BEGIN CERTIFICATE-----");
    errors.push({
      variable: pemLabel(s),
      message: `${where(s)} is not a PEM private key${
        looksCert ? " (it holds a certificate: swap the cert and key settings?)" : ""
      } (expected -----BEGIN PRIVATE KEY-----)`,
    });
    return undefined;
  }
  if (pem.includes("ENCRYPTED")) {
    errors.push({
      variable: pemLabel(s),
      message: `${
        where(s)
      } is an encrypted private key; the SDK needs it unencrypted (openssl pkey -in key.pem -out plain.pem)`,
    });
    return undefined;
  }
  try {
    return createPrivateKey(pem);
  } catch {
    errors.push({
      variable: pemLabel(s),
      message: `${where(s)} holds a damaged private key (re-export it as PEM)`,
    });
    return undefined;
  }
}

/** Expired or not yet valid: an error; expiring within {@link EXPIRY_WARNING_DAYS}: a warning. */
export function checkValidity(
  s: Setting<PemSource>,
  cert: X509Certificate,
  now: Date,
  errors: ConfigIssue[],
  warnings: ConfigIssue[],
): void {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (to.getTime() <= now.getTime()) {
    errors.push({
      variable: pemLabel(s),
      message: `certificate ${where(s)} expired on ${day(to)} (issue a new one)`,
    });
  } else if (from.getTime() > now.getTime()) {
    errors.push({
      variable: pemLabel(s),
      message: `certificate ${where(s)} is not valid until ${
        day(from)
      } (check the machine's clock or the certificate)`,
    });
  } else {
    const days = Math.floor((to.getTime() - now.getTime()) / 86_400_000);
    if (days < EXPIRY_WARNING_DAYS) {
      warnings.push({
        variable: pemLabel(s),
        message: `certificate ${where(s)} expires in ${days} day(s), on ${day(to)} (renew it soon)`,
      });
    }
  }
}

/** Reads the API key file, trimming one trailing newline. */
export async function readApiKeyFile(path: string): Promise<string> {
  return (await readSmallTextFile(path)).replace(/\r?\n$/, "");
}

/** Validates `cfg`, reading the files it names. `now` is injectable for expiry tests. */
export async function validateConfig(
  cfg: LayeredConfig,
  now: Date = new Date(),
  profileProblem?: ConfigIssue,
): Promise<Validation> {
  const errors: ConfigIssue[] = [...cfg.conflicts];
  const warnings: ConfigIssue[] = [];
  const material: Material = {};
  const notes: Record<string, string> = {};
  if (profileProblem) errors.push(profileProblem);

  // Address.
  if (checkAddressHygiene(cfg, errors)) checkHostPort(cfg, errors);
  const address = cfg.address.value ?? "";
  checkHostVerification(cfg, errors);
  checkCodec(cfg, warnings);

  // API key (inline or file).
  if (cfg.apiKey.value !== undefined && cfg.apiKeyFile.value !== undefined) {
    errors.push({
      variable: "TEMPORAL_API_KEY / TEMPORAL_API_KEY_FILE",
      message: "both are set; keep only one (the file form allows rotation without restart)",
    });
  }
  let apiKey = cfg.apiKey.value;
  let apiKeyVar = cfg.apiKey.from ?? "TEMPORAL_API_KEY";
  if (apiKey === undefined && cfg.apiKeyFile.value !== undefined) {
    apiKeyVar = "TEMPORAL_API_KEY_FILE";
    try {
      apiKey = await readApiKeyFile(cfg.apiKeyFile.value);
      if (apiKey === "") {
        errors.push({
          variable: apiKeyVar,
          message: `${cfg.apiKeyFile.value} is empty (write the API key into it)`,
        });
        apiKey = undefined;
      }
    } catch (err) {
      errors.push({
        variable: apiKeyVar,
        message: `${cfg.apiKeyFile.value}: ${
          describeFsError(err)
        } (point it at a readable file holding the API key)`,
      });
    }
  }
  if (apiKey !== undefined) {
    if (/\s/.test(apiKey)) {
      errors.push({
        variable: apiKeyVar,
        message:
          "the API key contains whitespace (a stray space, newline or quote? paste it again)",
      });
    }
    material.apiKey = apiKey;
  }

  // TLS flag.
  let tlsFlag: boolean | undefined;
  if (cfg.tls.value !== undefined) {
    const v = cfg.tls.value.trim().toLowerCase();
    if (["true", "1", "yes", "on"].includes(v)) tlsFlag = true;
    else if (["false", "0", "no", "off"].includes(v)) tlsFlag = false;
    else {
      errors.push({
        variable: cfg.tls.from ?? "TEMPORAL_TLS",
        message: `"${cfg.tls.value}" is not true or false`,
      });
    }
  }

  // Certificates and key.
  const hasCert = cfg.clientCert.value !== undefined;
  const hasKey = cfg.clientKey.value !== undefined;
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
  if (caPem !== undefined) {
    const ca = parseCert(cfg.serverCa, caPem, errors);
    if (ca) {
      checkValidity(cfg.serverCa, ca, now, errors, warnings);
      notes.serverCa = `subject "${ca.subject.replace(/\n/g, ", ")}"`;
      material.serverCa = new TextEncoder().encode(caPem);
    }
  }
  if (certPem !== undefined) material.clientCert = new TextEncoder().encode(certPem);
  if (keyPem !== undefined) material.clientKey = new TextEncoder().encode(keyPem);

  if (tlsFlag === false && (apiKey !== undefined || hasCert)) {
    errors.push({
      variable: cfg.tls.from ?? "TEMPORAL_TLS",
      message: `TLS is turned off but ${
        apiKey !== undefined ? "an API key" : "a client certificate"
      } is set; credentials need TLS (unset TEMPORAL_TLS or set it to true)`,
    });
  }

  const authMode: AuthMode = apiKey !== undefined
    ? "api-key"
    : hasCert
    ? "mtls"
    : (tlsFlag ?? (cfg.serverCa.value !== undefined || cfg.serverName.value !== undefined))
    ? "tls"
    : "local";
  const tlsEnabled = tlsFlag ?? authMode !== "local";

  checkGrpcMeta(cfg, apiKey !== undefined, errors);
  // Temporal Cloud.
  if (isCloudAddress(address)) {
    checkCloud(
      cfg,
      { authMode, apiKeySet: apiKey !== undefined, certSet: hasCert },
      errors,
      warnings,
    );
  }
  return { authMode, tlsEnabled, errors, warnings, material, notes };
}
