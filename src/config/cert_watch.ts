/**
 * Live client-certificate rotation: watches the client certificate and key files (when mTLS
 * material comes from paths) and reports a new, valid pair. Neither SDK connection can swap its
 * TLS identity in place (the Rust core's `NativeConnection` has `setApiKey`/`setMetadata`, no TLS
 * update), so the worker recycles itself: it drains the current worker, reconnects with the new
 * pair and starts a new worker on the same task queue (see `runWorker`).
 *
 * The files are polled (default every 2 s), not watched: mounted secrets are usually replaced by
 * symlink swaps that file watchers miss. A pair that does not validate (half written, key and
 * certificate from different renewals, expired) is reported once and ignored until it changes.
 *
 * @example
 * ```ts
 * import { watchClientCert } from "./cert_watch.ts";
 * declare const cfg: import("./mod.ts").TemporalConfig;
 * const stop = watchClientCert(cfg, {
 *   onChange: (material, subject) => console.error(`new client certificate ${subject}`),
 * });
 * stop();
 * ```
 * @module
 */
import type { TemporalConfig } from "./mod.ts";
import type { ConfigIssue } from "./common.ts";
import { readSmallTextFile } from "./files.ts";
import { checkValidity, parseCert, parseKey } from "./validate.ts";
import type { Material } from "./validate.ts";

/** Options of {@link watchClientCert}. */
export interface CertWatchOptions {
  /** Poll interval in milliseconds. Default 2000. */
  intervalMs?: number;
  /** Called with the new material and a description of the new certificate. */
  onChange: (material: Required<Pick<Material, "clientCert" | "clientKey">>, about: string) => void;
  /** Called once per distinct unusable pair, with a one-line reason (no secret). Default: none. */
  onError?: (message: string) => void;
  /** Clock for the validity check. Default now. */
  now?: () => Date;
}

/** Checks a new pair: both parse, the certificate is valid at `now`, and they belong together. */
function checkNewPair(
  cert: TemporalConfig["settings"]["clientCert"],
  key: TemporalConfig["settings"]["clientKey"],
  certPem: string,
  keyPem: string,
  now: Date,
): { x509: ReturnType<typeof parseCert>; errors: ConfigIssue[] } {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const x509 = parseCert(cert, certPem, errors);
  const k = parseKey(key, keyPem, errors);
  if (x509) checkValidity(cert, x509, now, errors, warnings);
  if (x509 && k && !x509.checkPrivateKey(k)) {
    errors.push({
      variable: `${cert.from} / ${key.from}`,
      message: "the new client certificate and key do not belong together",
    });
  }
  return { x509, errors };
}

/**
 * Polls the client certificate and key files of `cfg`; a no-op (returns a no-op stop) unless
 * both come from file paths.
 */
export function watchClientCert(cfg: TemporalConfig, options: CertWatchOptions): () => void {
  const cert = cfg.settings.clientCert;
  const key = cfg.settings.clientKey;
  if (!cert.value || !key.value || !("path" in cert.value) || !("path" in key.value)) {
    return () => {};
  }
  const certPath = cert.value.path;
  const keyPath = key.value.path;
  const dec = new TextDecoder();
  let current = `${dec.decode(cfg.material.clientCert)}\0${dec.decode(cfg.material.clientKey)}`;
  let rejected: string | undefined;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const certPem = await readSmallTextFile(certPath);
      const keyPem = await readSmallTextFile(keyPath);
      const both = `${certPem}\0${keyPem}`;
      if (both === current || both === rejected) return;
      const now = options.now?.() ?? new Date();
      const { x509, errors } = checkNewPair(cert, key, certPem, keyPem, now);
      if (errors.length) {
        rejected = both;
        options.onError?.(
          `client certificate not rotated, keeping the current one: ${errors[0].variable}: ${
            errors[0].message
          } (write the new pair, then rename it into place)`,
        );
        return;
      }
      current = both;
      rejected = undefined;
      const enc = new TextEncoder();
      options.onChange(
        { clientCert: enc.encode(certPem), clientKey: enc.encode(keyPem) },
        `subject "${x509!.subject.replace(/\n/g, ", ")}", expires ${
          new Date(x509!.validTo).toISOString().slice(0, 10)
        }`,
      );
    } catch (err) {
      options.onError?.(
        `client certificate not rotated: could not re-read ${certPath} or ${keyPath}: ${
          (err as Error).message.split("\n")[0]
        }`,
      );
    } finally {
      busy = false;
    }
  }, options.intervalMs ?? 2000);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
