/**
 * Temporal's official environment configuration (`@temporalio/envconfig`, the `temporal` CLI's
 * `temporal.toml`): every setting with its environment name, TOML key and type, and what this
 * project does with it. The README table, the TOML checks and the CLI parity test are driven by
 * {@link OFFICIAL_SETTINGS}.
 *
 * @example
 * ```ts
 * import { checkTomlProfile } from "./official.ts";
 * const parsedToml = { profile: { default: { address: "localhost:7233", adress: "typo" } } };
 * const { errors, warnings, clean } = checkTomlProfile(parsedToml, "default", "temporal.toml");
 * console.log(errors, warnings, clean);
 * ```
 * @module
 */
import type { ConfigIssue } from "./common.ts";
import { suggestion } from "./suggest.ts";

/** The TOML value type a key takes. */
export type TomlType = "string" | "boolean" | "table of strings";

/** One official setting. */
export interface OfficialSetting {
  /** Environment variable (`<NAME>` stands for any header name). */
  env: string;
  /** Key inside `[profile.<name>]`, dotted for sub-tables; undefined for env-only settings. */
  toml?: string;
  /** TOML type (env values are strings). */
  type: TomlType;
  /** What this project does with it. */
  here: string;
}

/** Every setting Temporal's envconfig reads. */
export const OFFICIAL_SETTINGS: readonly OfficialSetting[] = [
  { env: "TEMPORAL_CONFIG_FILE", type: "string", here: "read: the TOML file's path" },
  { env: "TEMPORAL_PROFILE", type: "string", here: "read (or `--profile NAME`): the profile" },
  { env: "TEMPORAL_ADDRESS", toml: "address", type: "string", here: "read" },
  { env: "TEMPORAL_NAMESPACE", toml: "namespace", type: "string", here: "read" },
  { env: "TEMPORAL_API_KEY", toml: "api_key", type: "string", here: "read (never printed)" },
  {
    env: "TEMPORAL_TLS",
    toml: "tls.disabled",
    type: "boolean",
    here: "read (the env value is true/false; the TOML key is its inverse)",
  },
  {
    env: "TEMPORAL_TLS_CLIENT_CERT_PATH",
    toml: "tls.client_cert_path",
    type: "string",
    here: "read (alias: TEMPORAL_TLS_CERT); a replaced file is picked up by the running worker",
  },
  {
    env: "TEMPORAL_TLS_CLIENT_CERT_DATA",
    toml: "tls.client_cert_data",
    type: "string",
    here: "read",
  },
  {
    env: "TEMPORAL_TLS_CLIENT_KEY_PATH",
    toml: "tls.client_key_path",
    type: "string",
    here: "read (alias: TEMPORAL_TLS_KEY); a replaced file is picked up by the running worker",
  },
  {
    env: "TEMPORAL_TLS_CLIENT_KEY_DATA",
    toml: "tls.client_key_data",
    type: "string",
    here: "read (never printed)",
  },
  {
    env: "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
    toml: "tls.server_ca_cert_path",
    type: "string",
    here: "read",
  },
  {
    env: "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
    toml: "tls.server_ca_cert_data",
    type: "string",
    here: "read",
  },
  { env: "TEMPORAL_TLS_SERVER_NAME", toml: "tls.server_name", type: "string", here: "read" },
  {
    env: "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
    toml: "tls.disable_host_verification",
    type: "boolean",
    here:
      "true is refused (exit 1): neither SDK connection can skip host verification; use TEMPORAL_TLS_SERVER_NAME",
  },
  {
    env: "TEMPORAL_CODEC_ENDPOINT",
    toml: "codec.endpoint",
    type: "string",
    here: "warning: not supported by this worker (payloads are not encoded)",
  },
  {
    env: "TEMPORAL_CODEC_AUTH",
    toml: "codec.auth",
    type: "string",
    here: "warning: not supported by this worker",
  },
  {
    env: "TEMPORAL_GRPC_META_<NAME>",
    toml: "grpc_meta.<name>",
    type: "table of strings",
    here: "sent as gRPC metadata on every call (client and worker); shown redacted",
  },
];

/** TOML keys of a profile, dotted (`tls.server_name`), with their types. */
const PROFILE_KEYS: Record<string, TomlType> = Object.fromEntries(
  OFFICIAL_SETTINGS.filter((s) => s.toml && !s.toml.includes("<")).map((s) => [s.toml!, s.type]),
);
const TABLES = ["tls", "codec", "grpc_meta"];
const KNOWN_PROFILE_NAMES = [
  ...Object.keys(PROFILE_KEYS).filter((k) => !k.includes(".")),
  ...TABLES,
];

/** Outcome of {@link checkTomlProfile}. */
export interface TomlCheck {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** The parsed document with every wrongly typed key of the profile removed. */
  clean: Record<string, unknown>;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  if (v instanceof Date) return "a date";
  if (typeof v === "object") return "a table";
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "boolean") return `the boolean ${v}`;
  if (typeof v === "string") return `the string ${JSON.stringify(v.slice(0, 40))}`;
  return typeof v;
}

function hasType(v: unknown, type: TomlType): boolean {
  return type === "string"
    ? typeof v === "string"
    : type === "boolean"
    ? typeof v === "boolean"
    : isTable(v);
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

const EXAMPLE: Record<TomlType, string> = {
  string: 'a quoted string, e.g. "…"',
  boolean: "true or false (no quotes)",
  "table of strings": 'a table of strings, e.g. [profile.x.grpc_meta] my-header = "v"',
};

/** Collects a profile's problems: `bad` for a wrong type (error), `unknown` for a key (warning). */
interface ProfileReporter {
  bad(key: string, type: TomlType, value: unknown): void;
  unknown(key: string, known: string[]): void;
}

function profileReporter(
  name: string,
  file: string,
  errors: ConfigIssue[],
  warnings: ConfigIssue[],
): ProfileReporter {
  const where = `(in ${file}, profile "${name}")`;
  return {
    bad: (key, type, v) =>
      errors.push({
        variable: `profile.${key}`,
        message: `expected ${EXAMPLE[type]}, got ${typeName(v)} ${where}`,
      }),
    unknown: (key, known) =>
      warnings.push({
        variable: `profile.${key}`,
        message: `unknown key ignored${suggestion(key.split(".").at(-1)!, known)} ${where}`,
      }),
  };
}

/** Warnings for top-level keys other than `profile` (they are ignored). */
function topLevelWarnings(doc: Record<string, unknown>, file: string): ConfigIssue[] {
  return Object.keys(doc).filter((top) => top !== "profile").map((top) => ({
    variable: `TEMPORAL_CONFIG_FILE`,
    message: `${file}: unknown top-level key "${top}" ignored${
      suggestion(top, ["profile"])
    } (profiles are [profile.<name>] tables)`,
  }));
}

/** Checks the table `k` of a profile (`grpc_meta`: any header, string values; `tls`: its keys). */
function checkProfileTable(k: string, table: Record<string, unknown>, report: ProfileReporter) {
  if (k === "grpc_meta") {
    for (const [h, hv] of Object.entries(table)) {
      if (typeof hv !== "string") {
        report.bad(`grpc_meta.${h}`, "string", hv);
        delete table[h];
      }
    }
    return;
  }
  const subKnown = Object.keys(PROFILE_KEYS).filter((x) => x.startsWith(`${k}.`)).map((x) =>
    x.slice(k.length + 1)
  );
  for (const [sk, sv] of Object.entries(table)) {
    const type = PROFILE_KEYS[`${k}.${sk}`];
    if (!type) {
      report.unknown(`${k}.${sk}`, subKnown);
      delete table[sk];
    } else if (!hasType(sv, type)) {
      report.bad(`${k}.${sk}`, type, sv);
      delete table[sk];
    }
  }
}

/** Checks every key of one profile table; removes the bad and unknown ones from `profile`. */
function checkProfileKeys(profile: Record<string, unknown>, report: ProfileReporter) {
  for (const [k, v] of Object.entries(profile)) {
    if (TABLES.includes(k)) {
      if (isTable(v)) checkProfileTable(k, v, report);
      else {
        report.bad(k, "table of strings", v);
        delete profile[k];
      }
      continue;
    }
    const type = PROFILE_KEYS[k];
    if (!type) {
      report.unknown(k, KNOWN_PROFILE_NAMES);
      delete profile[k];
    } else if (!hasType(v, type)) {
      report.bad(k, type, v);
      delete profile[k];
    }
  }
}

/**
 * Checks the types and names of the keys of `[profile.<name>]` in a parsed TOML document
 * (`data`, as parsed by the SDK's own TOML parser). Wrong types are errors naming the key and
 * the expected type; unknown keys are warnings, with "did you mean" when close to a known key.
 */
export function checkTomlProfile(
  data: Record<string, unknown>,
  name: string,
  file: string,
): TomlCheck {
  const errors: ConfigIssue[] = [];
  const clean = structuredClone(data);
  const warnings = topLevelWarnings(clean, file);
  const profiles = clean.profile;
  if (profiles === undefined) return { errors, warnings, clean };
  if (!isTable(profiles)) {
    errors.push({
      variable: "TEMPORAL_CONFIG_FILE",
      message: `${file}: "profile" must be a table of [profile.<name>] tables`,
    });
    delete clean.profile;
    return { errors, warnings, clean };
  }
  const p = profiles[name];
  if (p === undefined) return { errors, warnings, clean };
  if (!isTable(p)) {
    errors.push({
      variable: `profile.${name}`,
      message: `expected a table ([profile.${name}]), got ${typeName(p)} (in ${file})`,
    });
    delete profiles[name];
    return { errors, warnings, clean };
  }
  checkProfileKeys(p, profileReporter(name, file, errors, warnings));
  return { errors, warnings, clean };
}
