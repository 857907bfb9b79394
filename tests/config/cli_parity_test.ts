/**
 * The official `temporal` CLI (`temporal config get -o json`) and this project read the same
 * `temporal.toml` the same way, for every TOML key of the official settings table
 * (`OFFICIAL_SETTINGS`, which is also the README's table).
 */
import assert from "node:assert/strict";
import { loadConfig, type TemporalConfig } from "../../src/config/mod.ts";
import { OFFICIAL_SETTINGS } from "../../src/config/official.ts";

const tmp = await Deno.makeTempDir({ prefix: "cli-parity-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* gone */ }
});

const TOML = `
[profile.paths]
address = "h.example:7233"
namespace = "ns1.abcde"
api_key = "k123"
[profile.paths.tls]
disabled = false
client_cert_path = "/c.pem"
client_key_path = "/k.pem"
server_ca_cert_path = "/ca.pem"
server_name = "sn.example"
disable_host_verification = true
[profile.paths.codec]
endpoint = "https://codec.example"
auth = "Bearer z"
[profile.paths.grpc_meta]
x_one = "v1"
"X-Two" = "v2"
x_a_b = "v3"

[profile.data]
[profile.data.tls]
disabled = true
client_cert_data = "CERTDATA"
client_key_data = "KEYDATA"
server_ca_cert_data = "CADATA"
disable_host_verification = false
`;

type Json = Record<string, unknown>;

async function cliProfile(file: string, profile: string): Promise<Json> {
  const out = await new Deno.Command("temporal", {
    args: ["config", "get", "--profile", profile, "-o", "json"],
    env: { TEMPORAL_CONFIG_FILE: file, HOME: tmp },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return JSON.parse(dec.decode(out.stdout));
}

/**
 * The CLI's value for a dotted TOML key. It omits booleans that are false (`tls.disabled`,
 * `tls.disable_host_verification`): absent from a present `tls` table means false.
 */
function cliValue(j: Json, key: string): unknown {
  const v = key.split(".").reduce<unknown>((o, k) => (o as Json | undefined)?.[k], j);
  const bool = key === "tls.disabled" || key === "tls.disable_host_verification";
  if (bool && j.tls !== undefined) return v ?? false;
  return v;
}

const pem = (s: TemporalConfig["settings"]["clientCert"], kind: "path" | "data") =>
  s.value && kind in s.value ? (s.value as Record<string, string>)[kind] : undefined;

/** This project's reading of each TOML key (from the layered settings). */
const OURS: Record<string, (c: TemporalConfig) => unknown> = {
  address: (c) => c.settings.address.source === "profile" ? c.settings.address.value : undefined,
  namespace: (c) =>
    c.settings.namespace.source === "profile" ? c.settings.namespace.value : undefined,
  api_key: (c) => c.settings.apiKey.value,
  "tls.disabled": (c) =>
    c.settings.tls.value === undefined ? undefined : c.settings.tls.value !== "true",
  "tls.client_cert_path": (c) => pem(c.settings.clientCert, "path"),
  "tls.client_cert_data": (c) => pem(c.settings.clientCert, "data"),
  "tls.client_key_path": (c) => pem(c.settings.clientKey, "path"),
  "tls.client_key_data": (c) => pem(c.settings.clientKey, "data"),
  "tls.server_ca_cert_path": (c) => pem(c.settings.serverCa, "path"),
  "tls.server_ca_cert_data": (c) => pem(c.settings.serverCa, "data"),
  "tls.server_name": (c) => c.settings.serverName.value,
  "tls.disable_host_verification": (c) =>
    c.settings.tls.value === undefined
      ? undefined
      : c.settings.disableHostVerification.value === "true",
  "codec.endpoint": (c) => c.settings.codecEndpoint.value,
  "codec.auth": (c) => c.settings.codecAuth.value,
  "grpc_meta.<name>": (c) => c.grpcMetadata,
};

Deno.test("every TOML key of the official table has a parity check", () => {
  const keys = OFFICIAL_SETTINGS.flatMap((s) => (s.toml ? [s.toml] : []));
  assert.deepEqual(keys.sort(), Object.keys(OURS).sort());
});

Deno.test("the temporal CLI and this project read the same temporal.toml identically", async () => {
  const file = `${tmp}/temporal.toml`;
  await Deno.writeTextFile(file, TOML);
  for (const profile of ["paths", "data"]) {
    const cli = await cliProfile(file, profile);
    const ours = await loadConfig({
      env: { TEMPORAL_CONFIG_FILE: file, HOME: tmp },
      noEnvFile: true,
      profile,
    });
    for (const key of Object.keys(OURS)) {
      const expected = key === "grpc_meta.<name>" ? (cli.grpc_meta ?? {}) : cliValue(cli, key);
      assert.deepEqual(OURS[key](ours), expected, `profile ${profile}, key ${key}`);
    }
  }
});

Deno.test("the README's table lists every official setting with its TOML key", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  for (const s of OFFICIAL_SETTINGS) {
    const row = readme.split("\n").find((l) =>
      l.startsWith(`| \`${s.env}\``) && l.includes(s.toml ? `\`${s.toml}\`` : "—") &&
      l.includes(s.here)
    );
    assert.ok(row, `README has no row for ${s.env} / ${s.toml} saying: ${s.here}`);
  }
});
