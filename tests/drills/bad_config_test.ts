/**
 * Bad-configuration drill: every way we could think of to misconfigure the Temporal connection,
 * run through the real tasks (`deno task check-env`, and some through `worker` and `start`).
 * Each case must fail with exit 1 (invalid) or 2 (cannot connect), print one ✗ line naming the
 * culprit variable, flag or file, print no stack trace, and leak no secret.
 */
import assert from "node:assert/strict";
import { makeTestCerts } from "../harness/certs.ts";
import { startDevServer } from "../harness/dev_server.ts";
import { freePort as closedPort } from "../harness/ports.ts";
import { startFixtureServer } from "../../src/venues/fixture_server.ts";
import { runTask } from "../helpers/proc.ts";

const API_KEY = "tk_SECRET_9f8e7d6c5b4a39281706";
const tmp = await Deno.makeTempDir({ prefix: "bad-config-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* gone */ }
});
const certs = await makeTestCerts(tmp);

/** Base64 body lines of every private key in play: none may ever be printed. */
const keyBodies: string[] = [];
for (const p of [certs.clientKey, certs.mismatchedKey, certs.expiredClientKey, certs.caKey]) {
  for (const line of (await Deno.readTextFile(p)).split("\n")) {
    if (line.length >= 16 && !line.startsWith("-----")) keyBodies.push(line.trim());
  }
}
const keyPem = await Deno.readTextFile(certs.clientKey);

const file = async (name: string, text: string) => {
  const path = `${tmp}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
};
const notPem = await file("not-pem.txt", "this is not a certificate\n");
const aDir = `${tmp}/a-dir`;
await Deno.mkdir(aDir);
const missing = `${tmp}/does-not-exist.pem`;
const keyFile = await file("api-key.txt", `${API_KEY}\n`);
const emptyKeyFile = await file("empty-key.txt", "");
const badToml = await file("bad.toml", "[profile.default\naddress = \n");
const goodToml = await file(
  "good.toml",
  `[profile.default]\naddress = "localhost:7233"\n\n[profile.prod]\naddress = "prod.example:7233"\n`,
);
const tomlBadAddress = await file(
  "bad-address.toml",
  `[profile.default]\naddress = "not an address"\n`,
);
const tomlKeyNoTls = await file(
  "key-no-tls.toml",
  `[profile.default]\naddress = "localhost:7233"\napi_key = "${API_KEY}"\n[profile.default.tls]\ndisabled = true\n`,
);
const envAliasConflict = await file(
  "alias.env",
  `TEMPORAL_TLS_CERT=${certs.clientCert}\nTEMPORAL_TLS_CLIENT_CERT_PATH=${certs.expiredClientCert}\nTEMPORAL_TLS_KEY=${certs.clientKey}\n`,
);
const envWhitespaceKey = await file("ws.env", `TEMPORAL_API_KEY="${API_KEY} "\n`);
// `deno task` runs in the folder of deno.json whatever the caller's cwd, so a project-like
// folder's `.env` is named explicitly.
await Deno.mkdir(`${tmp}/project`);
const projectEnv = `${tmp}/project/.env`;
await Deno.writeTextFile(projectEnv, "# comment\nexport TEMPORAL_ADDRESS=localhost:70000\n");
const tomlWrongTypes = await file(
  "wrong-types.toml",
  `[profile.default]\naddress = 7233\n[profile.default.tls]\ndisabled = "yes"\n`,
);
const binaryEnv = `${tmp}/binary.env`;
await Deno.writeFile(binaryEnv, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0xff, 0xfe]));
const fifo = `${tmp}/a-fifo`;
const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
assert.equal(mk.code, 0, "mkfifo failed");
const hugeKeyFile = `${tmp}/huge-key.txt`;
await Deno.writeTextFile(hugeKeyFile, "k".repeat(2 * 1024 * 1024));
const garbageKeyPem =
  "-----BEGIN PRIVATE KEY-----\\nbm90IGEga2V5IGF0IGFsbA==\\n-----END PRIVATE KEY-----";

interface Case {
  name: string;
  task?: "check-env" | "worker" | "start" | "schedule" | "dev";
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  code: 1 | 2;
  /** Must match the ✗ (or `task:`) line. */
  culprit: RegExp;
}

const mtls = { TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientKey };

const cases: Case[] = [
  // Address forms.
  {
    name: "address without port",
    env: { TEMPORAL_ADDRESS: "localhost" },
    code: 1,
    culprit: /TEMPORAL_ADDRESS: "localhost" is not host:port/,
  },
  {
    name: "port out of range",
    env: { TEMPORAL_ADDRESS: "localhost:99999" },
    code: 1,
    culprit: /TEMPORAL_ADDRESS: port 99999 is out of range/,
  },
  {
    name: "address given as URL",
    env: { TEMPORAL_ADDRESS: "http://localhost:7233" },
    code: 1,
    culprit:
      /^TEMPORAL_ADDRESS: the address starts with http:\/\/ \(gRPC addresses have no scheme; TLS is TEMPORAL_TLS\): use localhost:7233$/,
  },
  {
    name: "address with a space",
    env: { TEMPORAL_ADDRESS: "local host:7233" },
    code: 1,
    culprit: /^TEMPORAL_ADDRESS: the address contains whitespace: use localhost:7233$/,
  },
  {
    name: "address with a trailing newline",
    env: { TEMPORAL_ADDRESS: "localhost:7233\n" },
    code: 1,
    culprit:
      /^TEMPORAL_ADDRESS: the address has leading or trailing whitespace \(a stray space or newline\): use localhost:7233$/,
  },
  {
    name: "address with user info (never printed)",
    env: { TEMPORAL_ADDRESS: `me:${API_KEY}@localhost:7233` },
    code: 1,
    culprit: /^TEMPORAL_ADDRESS: the address contains user info before @ .*: use localhost:7233$/,
  },
  {
    name: "IPv6 without brackets",
    env: { TEMPORAL_ADDRESS: "::1:7233" },
    code: 1,
    culprit: /TEMPORAL_ADDRESS: .*not host:port/,
  },
  {
    name: "Temporal Cloud without auth",
    env: { TEMPORAL_ADDRESS: "ns.acct.tmprl.cloud:7233", TEMPORAL_NAMESPACE: "ns.acct" },
    code: 1,
    culprit: /TEMPORAL_ADDRESS: .*Temporal Cloud, which needs auth/,
  },
  // TLS flag.
  {
    name: "TEMPORAL_TLS not a boolean",
    env: { TEMPORAL_TLS: "maybe" },
    code: 1,
    culprit: /TEMPORAL_TLS: "maybe" is not true or false/,
  },
  {
    name: "TLS off with an API key",
    env: { TEMPORAL_TLS: "false", TEMPORAL_API_KEY: API_KEY },
    code: 1,
    culprit: /TEMPORAL_TLS: TLS is turned off but an API key is set/,
  },
  {
    name: "TLS off with a client certificate",
    env: { TEMPORAL_TLS: "0", ...mtls },
    code: 1,
    culprit: /TEMPORAL_TLS: TLS is turned off but a client certificate/,
  },
  // API key.
  {
    name: "API key with an inner space",
    env: { TEMPORAL_API_KEY: `${API_KEY.slice(0, 12)} ${API_KEY.slice(12)}` },
    code: 1,
    culprit: /TEMPORAL_API_KEY: the API key contains whitespace/,
  },
  {
    name: "API key with a trailing newline",
    env: { TEMPORAL_API_KEY: `${API_KEY}\n` },
    code: 1,
    culprit: /TEMPORAL_API_KEY: the API key contains whitespace/,
  },
  {
    name: "API key and API key file both set",
    env: { TEMPORAL_API_KEY: API_KEY, TEMPORAL_API_KEY_FILE: keyFile },
    code: 1,
    culprit: /TEMPORAL_API_KEY \/ TEMPORAL_API_KEY_FILE: both are set/,
  },
  {
    name: "API key file missing",
    env: { TEMPORAL_API_KEY_FILE: missing },
    code: 1,
    culprit: /TEMPORAL_API_KEY_FILE: .*does-not-exist\.pem: file not found/,
  },
  {
    name: "API key file empty",
    env: { TEMPORAL_API_KEY_FILE: emptyKeyFile },
    code: 1,
    culprit: /TEMPORAL_API_KEY_FILE: .*empty-key\.txt is empty/,
  },
  {
    name: "API key file is a directory",
    env: { TEMPORAL_API_KEY_FILE: aDir },
    code: 1,
    culprit: /TEMPORAL_API_KEY_FILE: .*a-dir: it is a directory/,
  },
  {
    name: "API key and client certificate together",
    env: { TEMPORAL_API_KEY: API_KEY, ...mtls },
    code: 1,
    culprit: /TEMPORAL_API_KEY \/ TEMPORAL_TLS_CERT: an API key and a client certificate/,
  },
  // Certificate and key files.
  {
    name: "client cert without key",
    env: { TEMPORAL_TLS_CERT: certs.clientCert },
    code: 1,
    culprit: /TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT is set but no client key/,
  },
  {
    name: "client key without cert",
    env: { TEMPORAL_TLS_KEY: certs.clientKey },
    code: 1,
    culprit: /TEMPORAL_TLS_CERT: TEMPORAL_TLS_KEY is set but no client certificate/,
  },
  {
    name: "client cert file missing",
    env: { ...mtls, TEMPORAL_TLS_CERT: missing },
    code: 1,
    culprit: /TEMPORAL_TLS_CERT: .*does-not-exist\.pem: file not found/,
  },
  {
    name: "client cert path is a directory",
    env: { ...mtls, TEMPORAL_TLS_CERT: aDir },
    code: 1,
    culprit: /TEMPORAL_TLS_CERT: .*a-dir: it is a directory/,
  },
  {
    name: "client cert file is not PEM",
    env: { ...mtls, TEMPORAL_TLS_CERT: notPem },
    code: 1,
    culprit: /TEMPORAL_TLS_CERT: .*not-pem\.txt is not a PEM certificate/,
  },
  {
    name: "client key file is not PEM",
    env: { ...mtls, TEMPORAL_TLS_KEY: notPem },
    code: 1,
    culprit: /TEMPORAL_TLS_KEY: .*not-pem\.txt is not a PEM private key/,
  },
  {
    name: "cert and key swapped",
    env: { TEMPORAL_TLS_CERT: certs.clientKey, TEMPORAL_TLS_KEY: certs.clientCert },
    code: 1,
    culprit: /TEMPORAL_TLS_CERT: .*holds a private key: swap the cert and key/,
  },
  {
    name: "key that does not match the cert",
    env: { ...mtls, TEMPORAL_TLS_KEY: certs.mismatchedKey },
    code: 1,
    culprit:
      /TEMPORAL_TLS_CERT \/ TEMPORAL_TLS_KEY: the client certificate and key do not belong together/,
  },
  {
    name: "expired client certificate",
    env: { TEMPORAL_TLS_CERT: certs.expiredClientCert, TEMPORAL_TLS_KEY: certs.expiredClientKey },
    code: 1,
    culprit: /TEMPORAL_TLS_CERT: certificate .* expired on 20/,
  },
  {
    name: "server CA file missing",
    env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: missing },
    code: 1,
    culprit: /TEMPORAL_TLS_SERVER_CA_CERT_PATH: .*file not found/,
  },
  {
    name: "server CA is a private key",
    env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caKey },
    code: 1,
    culprit: /TEMPORAL_TLS_SERVER_CA_CERT_PATH: .*is not a PEM certificate/,
  },
  // Inline PEM.
  {
    name: "inline client cert garbage",
    env: { TEMPORAL_TLS_CLIENT_CERT_DATA: "garbage", TEMPORAL_TLS_CLIENT_KEY_DATA: keyPem },
    code: 1,
    culprit: /TEMPORAL_TLS_CLIENT_CERT_DATA: the inline value is not a PEM certificate/,
  },
  {
    name: "inline client key damaged",
    env: { TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_DATA: garbageKeyPem },
    code: 1,
    culprit: /TEMPORAL_TLS_CLIENT_KEY_DATA: the inline value holds a damaged private key/,
  },
  {
    name: "inline CA garbage",
    env: {
      TEMPORAL_TLS_SERVER_CA_CERT_DATA:
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
    },
    code: 1,
    culprit: /TEMPORAL_TLS_SERVER_CA_CERT_DATA: the inline value holds a damaged certificate/,
  },
  // Alias conflicts.
  {
    name: "alias spellings disagree (env)",
    env: {
      TEMPORAL_TLS_CERT: certs.clientCert,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.expiredClientCert,
      TEMPORAL_TLS_KEY: certs.clientKey,
    },
    code: 1,
    culprit:
      /TEMPORAL_TLS_CERT \/ TEMPORAL_TLS_CLIENT_CERT_PATH: .*aliases but are set to different values/,
  },
  {
    name: "path and inline key both set",
    env: { ...mtls, TEMPORAL_TLS_CLIENT_KEY_DATA: keyPem },
    code: 1,
    culprit: /TEMPORAL_TLS_KEY \/ TEMPORAL_TLS_CLIENT_KEY_DATA: both/,
  },
  // .env files.
  {
    name: "alias conflict inside --env-file",
    args: ["--env-file", envAliasConflict],
    code: 1,
    culprit: /TEMPORAL_TLS_CERT \/ TEMPORAL_TLS_CLIENT_CERT_PATH: .*different values in \.env/,
  },
  {
    name: "whitespace API key from --env-file",
    args: ["--env-file", envWhitespaceKey],
    code: 1,
    culprit: /TEMPORAL_API_KEY: the API key contains whitespace/,
  },
  {
    name: "--env-file missing",
    args: ["--env-file", `${tmp}/nope.env`],
    code: 1,
    culprit: /--env-file: .*nope\.env: file not found/,
  },
  {
    name: "--env-file is a directory",
    args: ["--env-file", aDir],
    code: 1,
    culprit: /--env-file: .*a-dir: it is a directory/,
  },
  {
    name: "bad port in a project .env",
    args: ["--env-file", projectEnv],
    code: 1,
    culprit: /TEMPORAL_ADDRESS: port 70000 is out of range/,
  },
  // TOML profile.
  {
    name: "TEMPORAL_CONFIG_FILE missing",
    env: { TEMPORAL_CONFIG_FILE: `${tmp}/none.toml` },
    code: 1,
    culprit: /TEMPORAL_CONFIG_FILE: .*none\.toml: file not found/,
  },
  {
    name: "TEMPORAL_CONFIG_FILE is a directory",
    env: { TEMPORAL_CONFIG_FILE: aDir },
    code: 1,
    culprit: /TEMPORAL_CONFIG_FILE: .*a-dir: it is a directory/,
  },
  {
    name: "TOML syntax error",
    env: { TEMPORAL_CONFIG_FILE: badToml },
    code: 1,
    culprit: /bad\.toml: .*fix the TOML/,
  },
  {
    name: "TEMPORAL_PROFILE not in the file",
    env: { TEMPORAL_CONFIG_FILE: goodToml, TEMPORAL_PROFILE: "staging" },
    code: 1,
    culprit: /TEMPORAL_PROFILE: "staging": no such profile/,
  },
  {
    name: "TEMPORAL_PROFILE without any config file",
    env: { TEMPORAL_PROFILE: "prod" },
    code: 1,
    culprit: /TEMPORAL_PROFILE: "prod": no config file/,
  },
  {
    name: "profile with a bad address",
    env: { TEMPORAL_CONFIG_FILE: tomlBadAddress },
    code: 1,
    culprit:
      /^profile\.address: the address contains whitespace: write it as host:port, e\.g\. localhost:7233$/,
  },
  {
    name: "profile API key with TLS disabled",
    env: { TEMPORAL_CONFIG_FILE: tomlKeyNoTls },
    code: 1,
    culprit: /profile\.tls\.disabled: TLS is turned off but an API key/,
  },
  // Files we read: regular files under 1 MiB only (never hang on a FIFO, never eat /dev/zero).
  {
    name: "client cert is /dev/zero",
    env: { ...mtls, TEMPORAL_TLS_CERT: "/dev/zero" },
    code: 1,
    culprit:
      /^TEMPORAL_TLS_CERT: \/dev\/zero: it is a character device \(like \/dev\/zero\), not a regular file/,
  },
  {
    name: "server CA is a FIFO",
    env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: fifo },
    code: 1,
    culprit:
      /^TEMPORAL_TLS_SERVER_CA_CERT_PATH: .*a-fifo: it is a FIFO \(named pipe\), not a regular file/,
  },
  {
    name: "--env-file is a FIFO",
    args: ["--env-file", fifo],
    code: 1,
    culprit: /^--env-file: .*a-fifo: it is a FIFO \(named pipe\), not a regular file$/,
  },
  {
    name: "TEMPORAL_CONFIG_FILE is /dev/zero",
    env: { TEMPORAL_CONFIG_FILE: "/dev/zero" },
    code: 1,
    culprit: /^TEMPORAL_CONFIG_FILE: \/dev\/zero: it is a character device/,
  },
  {
    name: "API key file is /dev/zero",
    env: { TEMPORAL_API_KEY_FILE: "/dev/zero" },
    code: 1,
    culprit: /^TEMPORAL_API_KEY_FILE: \/dev\/zero: it is a character device/,
  },
  {
    name: "API key file over 1 MiB",
    env: { TEMPORAL_API_KEY_FILE: hugeKeyFile },
    code: 1,
    culprit: /^TEMPORAL_API_KEY_FILE: .*huge-key\.txt: it is 2\.0 MiB, over the 1\.0 MiB limit/,
  },
  {
    name: "start: --venues is /dev/zero",
    task: "start",
    args: ["--venues", "/dev/zero"],
    code: 1,
    culprit: /^start: venue list \/dev\/zero: it is a character device \(like \/dev\/zero\)/,
  },
  {
    name: "start: --venues is a FIFO",
    task: "start",
    args: ["--venues", fifo],
    code: 1,
    culprit: /^start: venue list .*a-fifo: it is a FIFO/,
  },
  // Temporal's official settings: types, unsupported settings, Cloud cross-checks.
  {
    name: "TOML: a number for address",
    env: { TEMPORAL_CONFIG_FILE: tomlWrongTypes },
    code: 1,
    culprit:
      /^profile\.address: expected a quoted string, e\.g\. "…", got the number 7233 \(in .*wrong-types\.toml, profile "default"\)$/,
  },
  {
    name: "TOML: a string for tls.disabled",
    env: { TEMPORAL_CONFIG_FILE: tomlWrongTypes },
    code: 1,
    culprit:
      /^profile\.tls\.disabled: expected true or false \(no quotes\), got the string "yes" \(in .*wrong-types\.toml, profile "default"\)$/,
  },
  {
    name: "a binary --env-file",
    args: ["--env-file", binaryEnv],
    code: 1,
    culprit: /^--env-file: .*binary\.env: it is not a text file \(not UTF-8\)$/,
  },
  {
    name: "host verification disabled",
    env: { TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: "true" },
    code: 1,
    culprit:
      /^TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: disabling host verification is not supported by this project/,
  },
  {
    name: "Cloud namespace endpoint for another namespace",
    env: {
      TEMPORAL_ADDRESS: "prod.ab12c.tmprl.cloud:7233",
      TEMPORAL_NAMESPACE: "staging.ab12c",
      ...mtls,
    },
    code: 1,
    culprit:
      /^TEMPORAL_NAMESPACE \/ TEMPORAL_ADDRESS: namespace "staging\.ab12c" does not match the namespace endpoint prod\.ab12c\.tmprl\.cloud/,
  },
  {
    name: "--profile naming a missing profile",
    args: ["--profile", "nope"],
    env: { TEMPORAL_CONFIG_FILE: goodToml },
    code: 1,
    culprit: /^--profile: "nope": no such profile in .*good\.toml/,
  },
  // Other settings and flags.
  {
    name: "bad TEMPORAL_METRICS_BIND",
    env: { TEMPORAL_METRICS_BIND: "9464" },
    code: 1,
    culprit: /TEMPORAL_METRICS_BIND: "9464" is not host:port/,
  },
  {
    name: "unknown flag",
    args: ["--bogus"],
    code: 1,
    culprit: /^check-env: .*--bogus.*\(see --help\)/,
  },
  {
    name: "--timeout not a number",
    args: ["--timeout", "soon"],
    code: 1,
    culprit: /^check-env: --timeout must be a positive number of milliseconds, got "soon"/,
  },
  {
    name: "--timeout zero",
    args: ["--timeout", "0"],
    code: 1,
    culprit: /^check-env: --timeout must be .* got "0"/,
  },
  // The worker and the starter refuse too.
  {
    name: "worker: bad address",
    task: "worker",
    args: ["--no-bundle"],
    env: { TEMPORAL_ADDRESS: "localhost" },
    code: 1,
    culprit: /TEMPORAL_ADDRESS: "localhost" is not host:port/,
  },
  {
    name: "worker: mismatched key",
    task: "worker",
    args: ["--no-bundle"],
    env: { ...mtls, TEMPORAL_TLS_KEY: certs.mismatchedKey },
    code: 1,
    culprit: /TEMPORAL_TLS_CERT \/ TEMPORAL_TLS_KEY: .*do not belong together/,
  },
  {
    name: "worker: unknown flag",
    task: "worker",
    args: ["--bogus"],
    code: 1,
    culprit: /^worker: .*--bogus/,
  },
  {
    name: "worker: bad --grace",
    task: "worker",
    args: ["--no-bundle", "--grace", "soon"],
    code: 1,
    culprit: /^worker: --grace must be milliseconds, got "soon"/,
  },
  {
    name: "worker: --profile naming a missing profile",
    task: "worker",
    args: ["--no-bundle", "--profile", "nope"],
    env: { TEMPORAL_CONFIG_FILE: goodToml },
    code: 1,
    culprit: /--profile: "nope": no such profile in .*good\.toml/,
  },
  {
    name: "schedule: --profile naming a missing profile",
    task: "schedule",
    args: ["list", "--profile", "nope"],
    env: { TEMPORAL_CONFIG_FILE: goodToml },
    code: 1,
    culprit: /--profile: "nope": no such profile in .*good\.toml/,
  },
  {
    name: "dev: --profile naming a missing profile",
    task: "dev",
    args: ["--offline", "--profile", "nope"],
    env: { TEMPORAL_CONFIG_FILE: goodToml },
    code: 1,
    culprit: /--profile: "nope": no such profile in .*good\.toml/,
  },
  {
    name: "start: Cloud without auth",
    task: "start",
    env: { TEMPORAL_ADDRESS: "ns.acct.tmprl.cloud:7233" },
    code: 1,
    culprit: /TEMPORAL_ADDRESS: .*Temporal Cloud, which needs auth/,
  },
  {
    name: "start: whitespace API key",
    task: "start",
    env: { TEMPORAL_API_KEY: ` ${API_KEY}` },
    code: 1,
    culprit: /TEMPORAL_API_KEY: the API key contains whitespace/,
  },
  {
    name: "start: API key file missing",
    task: "start",
    env: { TEMPORAL_API_KEY_FILE: missing },
    code: 1,
    culprit: /TEMPORAL_API_KEY_FILE: .*file not found/,
  },
  // Cannot connect (exit 2).
  {
    name: "closed port",
    env: { TEMPORAL_ADDRESS: `127.0.0.1:${closedPort()}` },
    code: 2,
    culprit:
      /^nothing listening: nothing is listening on 127\.0\.0\.1:\d+ \(is the server running\? is TEMPORAL_ADDRESS right\?\)$/,
  },
  {
    name: "unresolvable host",
    args: ["--timeout", "5000"],
    env: { TEMPORAL_ADDRESS: "no-such-host.invalid:7233" },
    code: 2,
    culprit:
      /^cannot resolve host: the host name no-such-host\.invalid cannot be resolved \(check TEMPORAL_ADDRESS and DNS\)$/,
  },
];

/** Checks one finished task against a case. */
function assertRefusal(
  c: Pick<Case, "name" | "task" | "code" | "culprit">,
  r: { code: number; stdout: string; stderr: string },
) {
  const all = `${r.stdout}\n${r.stderr}`;
  const task = c.task ?? "check-env";
  assert.equal(r.code, c.code, `${c.name}: exit ${r.code}\n${all}`);
  const lines = all.split("\n");
  const culpritLines = lines.filter((l) =>
    c.culprit.test(l.replace(/^\s*✗\s*/, "")) || c.culprit.test(l)
  );
  assert.ok(culpritLines.length > 0, `${c.name}: no line matches ${c.culprit}\n${all}`);
  assert.ok(
    culpritLines.some((l) => /^\s*✗ /.test(l) || l.startsWith(`${task}: `)),
    `${c.name}: the culprit is not on a ✗ or "${task}:" line\n${all}`,
  );
  const stack = lines.find((l) => /^\s+at /.test(l));
  assert.equal(stack, undefined, `${c.name}: stack trace\n${all}`);
  assert.ok(!all.includes("tk_SECRET"), `${c.name}: the API key leaked\n${all}`);
  for (const body of keyBodies) {
    assert.ok(!all.includes(body), `${c.name}: a private key leaked\n${all}`);
  }
}

for (const c of cases) {
  Deno.test(`bad config: ${c.name} → exit ${c.code}`, async () => {
    const r = await runTask(c.task ?? "check-env", c.args ?? [], {
      env: c.env,
      cwd: c.cwd,
      timeoutMs: 60_000,
    });
    assertRefusal(c, r);
  });
}

Deno.test("bad config: TLS client against a plaintext HTTP server → TLS handshake failed (exit 2)", async () => {
  await using http = await startFixtureServer();
  const c = {
    name: "TLS against plaintext",
    code: 2 as const,
    culprit: new RegExp(`✗ TLS handshake failed: TLS handshake with 127\\.0\\.0\\.1 failed`),
  };
  const r = await runTask("check-env", ["--timeout", "5000"], {
    env: { TEMPORAL_ADDRESS: `127.0.0.1:${http.port}`, TEMPORAL_TLS: "true" },
  });
  assertRefusal(c, r);
});

Deno.test("bad config: on a dev server, a missing namespace is named", async (t) => {
  await using server = await startDevServer();
  await t.step("namespace not found (exit 2)", async () => {
    const r = await runTask("check-env", [], {
      env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: "no-such-ns" },
    });
    assertRefusal({
      name: "namespace not found",
      code: 2,
      culprit: /✗ namespace not found: namespace "no-such-ns" does not exist .*TEMPORAL_NAMESPACE/,
    }, r);
  });
  await t.step("start against a missing namespace fails in one line (exit 1 or 2)", async () => {
    const r = await runTask("start", ["--date", "2026-03-05"], {
      env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: "no-such-ns" },
    });
    assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^start: .*no-such-ns/m);
    assert.equal(r.stderr.split("\n").find((l) => /^\s+at /.test(l)), undefined, r.stderr);
  });
});
