/**
 * PEM certificates and private keys of the Temporal connection settings: reading them (inline or
 * from a file), parsing them with `node:crypto`, and checking a certificate's validity dates.
 * Problems go to an `errors`/`warnings` list, one line each, naming the setting; never the secret.
 *
 * @example
 * ```ts
 * import { checkValidity, parseCert } from "./pem.ts";
 * import type { ConfigIssue, PemSource, Setting } from "./resolve.ts";
 * declare const setting: Setting<PemSource>;
 * declare const pem: string;
 * const errors: ConfigIssue[] = [], warnings: ConfigIssue[] = [];
 * const cert = parseCert(setting, pem, errors);
 * if (cert) checkValidity(setting, cert, new Date(), errors, warnings);
 * ```
 * @module
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { describeFsError, readSmallTextFile } from "./files.ts";
import type { ConfigIssue, PemSource, Setting } from "./resolve.ts";

/** Certificates expiring within this many days produce a warning. Default 15. */
export const EXPIRY_WARNING_DAYS = 15;

/** The name to print for a PEM setting. */
export function pemLabel(s: Setting<PemSource>): string {
  return s.from ?? "?";
}

/** The PEM text of `s` (inline, `\\n` unescaped, or read from its file); `undefined` if unset or unreadable (reported). */
export async function readPem(
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
