/**
 * Validation rules for the Temporal connection settings, one function per rule: each reads the
 * layered settings and appends one-line issues (naming the setting and the fix) to `errors`
 * or `warnings`. `validate.ts` runs them; no rule prints a secret.
 *
 * @example
 * ```ts
 * import { checkAddressHygiene } from "./rules.ts";
 * import type { ConfigIssue, LayeredConfig } from "./resolve.ts";
 * declare const layered: LayeredConfig; // from the config module's layering step
 * const errors: ConfigIssue[] = [];
 * checkAddressHygiene(layered, errors); // "TEMPORAL_ADDRESS: … drop the scheme: use x:7233"
 * ```
 * @module
 */
import type { AuthMode, ConfigIssue, LayeredConfig } from "./resolve.ts";

/** Splits `host:port` (IPv6 as `[::1]:7233`); undefined when malformed. */
export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s/@]+):(\d+)$/.exec(address.trim());
  if (!m) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

/** `address` with any user info (`user:secret@`) replaced by `***@`, for display. */
export function redactAddress(address: string): string {
  return address.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/]*@/i, "$1***@");
}

/**
 * Address hygiene: whitespace (a stray space or a trailing newline), a URL scheme, user info
 * (`user@`, never printed) or a path are errors, each with the corrected `host:port`.
 * Returns true when the address was clean (the host:port checks may follow).
 */
export function checkAddressHygiene(cfg: LayeredConfig, errors: ConfigIssue[]): boolean {
  const raw = cfg.address.value ?? "";
  const variable = cfg.address.from ?? "TEMPORAL_ADDRESS";
  const problems: string[] = [];
  let fixed = raw;
  if (/\s/.test(fixed)) {
    problems.push(
      fixed.trim() !== fixed && !/\s/.test(fixed.trim())
        ? "has leading or trailing whitespace (a stray space or newline)"
        : "contains whitespace",
    );
    fixed = fixed.replace(/\s+/g, "");
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(fixed);
  if (scheme) {
    problems.push(
      `starts with ${scheme[1]}:// (gRPC addresses have no scheme; TLS is TEMPORAL_TLS)`,
    );
    fixed = fixed.slice(scheme[0].length);
  }
  const at = fixed.lastIndexOf("@");
  if (at !== -1) {
    problems.push(
      "contains user info before @ (credentials go in TEMPORAL_API_KEY or the client certificate)",
    );
    fixed = fixed.slice(at + 1);
  }
  const slash = fixed.indexOf("/");
  if (slash !== -1) {
    problems.push("has a path (gRPC addresses are host:port only)");
    fixed = fixed.slice(0, slash);
  }
  if (!problems.length) return true;
  const hp = splitHostPort(fixed);
  // With user info the raw value may hold a secret: show only the corrected address.
  errors.push({
    variable,
    message: `the address ${problems.join(", ")}: ${
      hp ? `use ${fixed}` : "write it as host:port, e.g. localhost:7233"
    }`,
  });
  return false;
}

/** The address is host:port with a port in range. */
export function checkHostPort(cfg: LayeredConfig, errors: ConfigIssue[]): void {
  const address = cfg.address.value ?? "";
  const variable = cfg.address.from ?? "TEMPORAL_ADDRESS";
  const hp = splitHostPort(address);
  if (!hp) {
    errors.push({
      variable,
      message:
        `"${address}" is not host:port (e.g. localhost:7233 or <ns>.<account>.tmprl.cloud:7233)`,
    });
  } else if (hp.port < 1 || hp.port > 65535) {
    errors.push({ variable, message: `port ${hp.port} is out of range (1-65535)` });
  }
}

/** Parses a boolean setting the way Temporal does (`true`/`1`), refusing other words. */
function boolSetting(
  s: LayeredConfig["disableHostVerification"],
  errors: ConfigIssue[],
): boolean | undefined {
  if (s.value === undefined) return undefined;
  const v = s.value.trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  errors.push({ variable: s.from ?? "?", message: `"${s.value}" is not true or false` });
  return undefined;
}

/**
 * `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION=true` is refused: neither SDK connection (grpc-js for
 * the client, the Rust core for the worker) offers a way to skip host-name verification.
 */
export function checkHostVerification(cfg: LayeredConfig, errors: ConfigIssue[]): void {
  if (boolSetting(cfg.disableHostVerification, errors) !== true) return;
  errors.push({
    variable: cfg.disableHostVerification.from ?? "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
    message:
      "disabling host verification is not supported by this project (the SDK connections cannot skip it); set TEMPORAL_TLS_SERVER_NAME to a name on the server's certificate and unset this",
  });
}

/** Codec settings are read but this worker has no remote codec: a warning each. */
export function checkCodec(cfg: LayeredConfig, warnings: ConfigIssue[]): void {
  for (const s of [cfg.codecEndpoint, cfg.codecAuth]) {
    if (s.value === undefined) continue;
    warnings.push({
      variable: s.from ?? "TEMPORAL_CODEC_ENDPOINT",
      message:
        "remote payload codecs are not supported by this worker: payloads are sent unencoded (unset it to silence this)",
    });
  }
}

const HEADER_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * gRPC metadata: header names must be valid lower-case HTTP/2 names, values printable ASCII
 * on one line, binary (`-bin`) and reserved (`:`/`grpc-`) headers refused, and an
 * `authorization` header cannot be combined with an API key (the key sets it).
 */
export function checkGrpcMeta(
  cfg: LayeredConfig,
  apiKeySet: boolean,
  errors: ConfigIssue[],
): void {
  for (const [name, s] of Object.entries(cfg.grpcMeta)) {
    const variable = s.from ?? name;
    if (!HEADER_NAME.test(name) || name.startsWith("grpc-") || name.endsWith("-bin")) {
      errors.push({
        variable,
        message:
          `"${name}" is not a usable gRPC header name (letters, digits, - . _; not grpc-*, not *-bin)`,
      });
    } else if (!/^[\x20-\x7e]*$/.test(s.value ?? "")) {
      errors.push({
        variable,
        message: "the value must be printable ASCII on one line (a stray newline or tab?)",
      });
    } else if (name === "authorization" && apiKeySet) {
      errors.push({
        variable,
        message:
          "an authorization header and an API key are both set; the API key sends its own (keep one)",
      });
    }
  }
}

/** Facts the Cloud cross-check needs. */
export interface CloudFacts {
  authMode: AuthMode;
  apiKeySet: boolean;
  certSet: boolean;
}

/** A warning when `ns` does not look like a Temporal Cloud namespace id (`<name>.<account-id>`). */
function cloudNamespaceWarning(ns: string, nsVar: string): ConfigIssue | undefined {
  if (!/^[^.]+\.[^.]+$/.test(ns)) {
    return {
      variable: nsVar,
      message:
        `"${ns}" has no .<account> suffix; Temporal Cloud namespaces look like <namespace>.<account-id>`,
    };
  }
  if (!/^[a-z][a-z0-9-]{0,37}[a-z0-9]\.[a-z0-9]{5,6}$/.test(ns)) {
    return {
      variable: nsVar,
      message:
        `"${ns}" does not look like a Temporal Cloud namespace id (<name>.<account-id>: lower-case name, 5-6 character account id)`,
    };
  }
  return undefined;
}

/**
 * On a namespace endpoint (`<namespace>.<account>.tmprl.cloud`): the namespace must be the
 * endpoint's, and an API key is warned about (API keys go to the regional endpoint).
 */
function checkNamespaceEndpoint(
  endpoint: { host: string; namespace: string },
  ns: string,
  vars: { addrVar: string; nsVar: string },
  facts: CloudFacts,
  errors: ConfigIssue[],
  warnings: ConfigIssue[],
): void {
  const { addrVar, nsVar } = vars;
  if (/^[^.]+\.[^.]+$/.test(ns) && ns.toLowerCase() !== endpoint.namespace) {
    errors.push({
      variable: `${nsVar} / ${addrVar}`,
      message:
        `namespace "${ns}" does not match the namespace endpoint ${endpoint.host} (set ${nsVar} to ${endpoint.namespace}, or the address to ${ns}.tmprl.cloud:7233)`,
    });
  }
  if (facts.apiKeySet) {
    warnings.push({
      variable: addrVar,
      message:
        `${endpoint.host} is a namespace endpoint; with an API key Temporal Cloud expects the regional endpoint <region>.<cloud>.api.temporal.io:7233 (unless the namespace has High Availability features)`,
    });
  }
}

/**
 * Temporal Cloud cross-checks, before any connection: endpoint form vs auth method vs namespace
 * form. From Temporal Cloud's documentation:
 * - https://docs.temporal.io/cloud/namespaces — a Namespace Id is `<namespace-name>.<account-id>`
 *   (name: 2–39 lower-case letters, digits and hyphens, starting with a letter; account id:
 *   five or six letters/digits); the gRPC namespace endpoint is
 *   `<namespace>.<account>.tmprl.cloud:7233` (used with mTLS).
 * - https://docs.temporal.io/cloud/api-keys#namespace-authentication — with an API key, connect to
 *   the regional endpoint `<region>.<cloud_provider>.api.temporal.io:7233`; the namespace
 *   endpoint takes API keys only for namespaces with High Availability features.
 * - https://docs.temporal.io/cloud/certificates — mTLS presents a client certificate to the
 *   namespace endpoint.
 */
export function checkCloud(
  cfg: LayeredConfig,
  facts: CloudFacts,
  errors: ConfigIssue[],
  warnings: ConfigIssue[],
): void {
  const hp = splitHostPort(cfg.address.value ?? "");
  if (!hp) return;
  const host = hp.host.toLowerCase();
  const nsEndpoint = /^([^.]+)\.([^.]+)\.tmprl\.cloud$/.exec(host);
  const regional = /\.api\.temporal\.io$/.test(host);
  if (!regional && !/\.tmprl\.cloud$/.test(host)) return;
  const addrVar = cfg.address.from ?? "TEMPORAL_ADDRESS";
  const nsVar = cfg.namespace.from ?? "TEMPORAL_NAMESPACE";
  const ns = cfg.namespace.value ?? "";
  if (!facts.apiKeySet && !facts.certSet) {
    errors.push({
      variable: addrVar,
      message:
        `${hp.host} is Temporal Cloud, which needs auth: set TEMPORAL_API_KEY or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY`,
    });
  }
  if (hp.port !== 7233) {
    warnings.push({
      variable: addrVar,
      message: `Temporal Cloud endpoints listen on port 7233, not ${hp.port} (use ${hp.host}:7233)`,
    });
  }
  const cloudNs = cloudNamespaceWarning(ns, nsVar);
  if (cloudNs) warnings.push(cloudNs);
  if (nsEndpoint && nsEndpoint[1] !== "region") {
    const endpoint = { host: hp.host, namespace: `${nsEndpoint[1]}.${nsEndpoint[2]}` };
    checkNamespaceEndpoint(endpoint, ns, { addrVar, nsVar }, facts, errors, warnings);
  }
  if (regional && facts.certSet && !facts.apiKeySet) {
    warnings.push({
      variable: addrVar,
      message:
        `${hp.host} is a regional API-key endpoint but a client certificate is set; for mTLS use the namespace endpoint ${
          /^[^.]+\.[^.]+$/.test(ns) ? ns : "<namespace>.<account>"
        }.tmprl.cloud:7233`,
    });
  }
}
