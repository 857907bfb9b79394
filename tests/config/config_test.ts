/**
 * The config module: precedence of env → .env → profile → defaults, aliases, every validation
 * rule, and redaction of secrets.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import {
  ConfigError,
  describeConfig,
  loadConfig,
  requireValid,
  type TemporalConfig,
} from "../../src/config/mod.ts";
import { makeTestCerts, type TestCerts } from "../harness/certs.ts";

const API_KEY = "tk_live_Zq8Jx3SECRETvalue0123456789";

const tmp = await Deno.makeTempDir({ prefix: "config-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
await Deno.mkdir(`${tmp}/certs`);
const certs: TestCerts = await makeTestCerts(`${tmp}/certs`);
const noFile = `${tmp}/does-not-exist.env`;

/** Loads with an explicit env map, no .env unless given, and no profile file unless given. */
function load(env: Record<string, string>, opts: { envFile?: string; now?: Date } = {}) {
  return loadConfig({
    env: { HOME: `${tmp}/home`, ...env },
    ...(opts.envFile ? { envFile: opts.envFile } : { noEnvFile: true }),
    now: opts.now,
  });
}

async function write(name: string, text: string): Promise<string> {
  const path = `${tmp}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
}

function errorsOf(cfg: TemporalConfig): string[] {
  return cfg.errors.map((e) => `${e.variable}: ${e.message}`);
}

function assertOneError(cfg: TemporalConfig, variable: RegExp, message: RegExp) {
  assert.equal(cfg.errors.length, 1, `expected one error, got:\n${errorsOf(cfg).join("\n")}`);
  assert.match(cfg.errors[0].variable, variable);
  assert.match(cfg.errors[0].message, message);
}

const profileToml = `
[profile.default]
address = "profile-host:7233"
namespace = "profile-ns"
api_key = "profileKey123"

[profile.staging]
address = "staging-host:7233"
namespace = "staging-ns"

[profile.staging.tls]
server_name = "staging.internal"
`;

Deno.test("defaults apply when nothing is set", async () => {
  const cfg = await load({});
  assert.equal(cfg.address, "localhost:7233");
  assert.equal(cfg.namespace, "default");
  assert.equal(cfg.taskQueue, "food-truck-task-queue");
  assert.equal(cfg.authMode, "local");
  assert.equal(cfg.tlsEnabled, false);
  assert.equal(cfg.settings.address.source, "default");
  assert.deepEqual(cfg.errors, []);
});

Deno.test("environment beats .env, .env beats profile, profile beats defaults", async () => {
  const toml = await write("prec.toml", profileToml);
  const dot = await write(
    "prec.env",
    "TEMPORAL_ADDRESS=dotenv-host:7233\nTEMPORAL_NAMESPACE=dotenv-ns\nTEMPORAL_CONFIG_FILE=" +
      toml + "\n",
  );
  const cfg = await load({ TEMPORAL_ADDRESS: "env-host:7233" }, { envFile: dot });
  assert.equal(cfg.address, "env-host:7233");
  assert.equal(cfg.settings.address.source, "env");
  assert.equal(cfg.namespace, "dotenv-ns");
  assert.equal(cfg.settings.namespace.source, ".env");
  assert.equal(cfg.material.apiKey, "profileKey123");
  assert.equal(cfg.settings.apiKey.source, "profile");
  assert.equal(cfg.settings.apiKey.from, "profile.api_key");
  assert.equal(cfg.taskQueue, "food-truck-task-queue");
  assert.equal(cfg.settings.taskQueue.source, "default");
});

Deno.test("a .env value never overrides a variable set (non-empty) in the environment", async () => {
  const dot = await write(
    "keep.env",
    "TEMPORAL_NAMESPACE=from-dotenv\nTEMPORAL_TASK_QUEUE=q-dotenv\n",
  );
  const cfg = await load({ TEMPORAL_NAMESPACE: "from-env" }, { envFile: dot });
  assert.equal(cfg.namespace, "from-env");
  assert.equal(cfg.taskQueue, "q-dotenv");
});

Deno.test("profile file is found at $XDG_CONFIG_HOME/temporalio/temporal.toml", async () => {
  await Deno.mkdir(`${tmp}/xdg/temporalio`, { recursive: true });
  await Deno.writeTextFile(`${tmp}/xdg/temporalio/temporal.toml`, profileToml);
  const cfg = await load({ XDG_CONFIG_HOME: `${tmp}/xdg` });
  assert.equal(cfg.address, "profile-host:7233");
  assert.equal(cfg.settings.address.source, "profile");
  assert.equal(cfg.profile.found, true);
});

Deno.test("profile file defaults to ~/.config/temporalio/temporal.toml", async () => {
  await Deno.mkdir(`${tmp}/home2/.config/temporalio`, { recursive: true });
  await Deno.writeTextFile(`${tmp}/home2/.config/temporalio/temporal.toml`, profileToml);
  const cfg = await load({ HOME: `${tmp}/home2` });
  assert.equal(cfg.namespace, "profile-ns");
});

Deno.test("TEMPORAL_PROFILE selects a named profile with its TLS settings", async () => {
  const toml = await write("named.toml", profileToml);
  const cfg = await load({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: "staging" });
  assert.equal(cfg.address, "staging-host:7233");
  assert.equal(cfg.serverName, "staging.internal");
  assert.equal(cfg.authMode, "tls");
  assert.equal(cfg.tlsEnabled, true);
  assert.deepEqual(cfg.errors, []);
});

Deno.test("a profile named but not found is an error naming TEMPORAL_PROFILE", async () => {
  const toml = await write("missing-profile.toml", profileToml);
  const cfg = await load({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: "prod" });
  assertOneError(cfg, /^TEMPORAL_PROFILE$/, /no such profile in .*missing-profile\.toml/);
});

Deno.test("TEMPORAL_CONFIG_FILE pointing nowhere is an error", async () => {
  const cfg = await load({ TEMPORAL_CONFIG_FILE: `${tmp}/nope.toml` });
  assertOneError(cfg, /^TEMPORAL_CONFIG_FILE$/, /file not found/);
});

Deno.test("a broken TOML file is an error naming the file", async () => {
  const toml = await write("broken.toml", "[profile.default\naddress = ");
  const cfg = await load({ TEMPORAL_CONFIG_FILE: toml });
  assert.equal(cfg.errors.length, 1);
  assert.match(cfg.errors[0].message, /broken\.toml/);
});

Deno.test("--env-file that does not exist is an error; the default .env may be absent", async () => {
  const cfg = await loadConfig({ env: {}, envFile: noFile });
  assertOneError(cfg, /^--env-file$/, /file not found/);
});

Deno.test("TEMPORAL_TLS accepts true/false in any case and rejects other words", async () => {
  assert.equal((await load({ TEMPORAL_TLS: "TRUE" })).tlsEnabled, true);
  assert.equal((await load({ TEMPORAL_TLS: "False" })).tlsEnabled, false);
  assertOneError(await load({ TEMPORAL_TLS: "maybe" }), /^TEMPORAL_TLS$/, /not true or false/);
});

Deno.test("auth modes: local, tls, api-key and mtls are derived", async () => {
  assert.equal((await load({})).authMode, "local");
  assert.equal((await load({ TEMPORAL_TLS: "true" })).authMode, "tls");
  assert.equal((await load({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert })).authMode, "tls");
  const k = await load({ TEMPORAL_API_KEY: API_KEY });
  assert.equal(k.authMode, "api-key");
  assert.equal(k.tlsEnabled, true);
  const m = await load({ TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientKey });
  assert.equal(m.authMode, "mtls");
  assert.equal(m.tlsEnabled, true);
  assert.deepEqual(m.errors, []);
  assert.ok(m.material.clientCert && m.material.clientKey);
});

Deno.test("Temporal's standard names are aliases of TEMPORAL_TLS_CERT / _KEY", async () => {
  const cfg = await load({
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
  });
  assert.equal(cfg.authMode, "mtls");
  assert.deepEqual(cfg.errors, []);
  const same = await load({
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
  });
  assert.deepEqual(same.errors, []);
});

Deno.test("both spellings set to different values is an error", async () => {
  const cfg = await load({
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.rogueClientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
  });
  assert.ok(
    cfg.errors.some((e) =>
      /TEMPORAL_TLS_CERT/.test(e.variable) && /TEMPORAL_TLS_CLIENT_CERT_PATH/.test(e.variable) &&
      /different values/.test(e.message)
    ),
    errorsOf(cfg).join("\n"),
  );
});

Deno.test("inline PEM data works like the file paths", async () => {
  const cfg = await load({
    TEMPORAL_TLS_CLIENT_CERT_DATA: await Deno.readTextFile(certs.clientCert),
    TEMPORAL_TLS_CLIENT_KEY_DATA: await Deno.readTextFile(certs.clientKey),
  });
  assert.equal(cfg.authMode, "mtls");
  assert.deepEqual(cfg.errors, []);
});

Deno.test("API key and client certificate together is an error", async () => {
  const cfg = await load({
    TEMPORAL_API_KEY: API_KEY,
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
  });
  assertOneError(cfg, /TEMPORAL_API_KEY/, /use one auth method/);
});

Deno.test("a certificate without a key, or a key without a certificate, is an error", async () => {
  assertOneError(
    await load({ TEMPORAL_TLS_CERT: certs.clientCert }),
    /^TEMPORAL_TLS_KEY$/,
    /no client key/,
  );
  assertOneError(
    await load({ TEMPORAL_TLS_KEY: certs.clientKey }),
    /^TEMPORAL_TLS_CERT$/,
    /no client certificate/,
  );
});

Deno.test("a missing certificate file is an error naming the variable and the path", async () => {
  const cfg = await load({
    TEMPORAL_TLS_CERT: `${tmp}/nope.pem`,
    TEMPORAL_TLS_KEY: certs.clientKey,
  });
  assertOneError(cfg, /^TEMPORAL_TLS_CERT$/, /nope\.pem: file not found/);
});

Deno.test("a directory given as a certificate is an error", async () => {
  const cfg = await load({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: tmp });
  assertOneError(cfg, /^TEMPORAL_TLS_SERVER_CA_CERT_PATH$/, /is a directory/);
});

Deno.test("an unreadable certificate file is an error", async () => {
  // Root reads any file whatever its mode, so make it unreadable the Deno way: a child process
  // whose --allow-read does not cover the certificate's folder.
  const code = `
    import { loadConfig } from "${new URL("../../src/config/mod.ts", import.meta.url).href}";
    const cfg = await loadConfig({ env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: ${
    JSON.stringify(certs.caCert)
  } }, noEnvFile: true });
    console.log(JSON.stringify(cfg.errors));`;
  const script = await write("probe.ts", code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--config=${new URL("../../deno.json", import.meta.url).pathname}`,
      `--allow-read=${Deno.cwd()},/work,${Deno.env.get("HOME") ?? "/root"}`,
      "--allow-env",
      script,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const errors = JSON.parse(new TextDecoder().decode(out.stdout) || "null");
  assert.ok(errors, new TextDecoder().decode(out.stderr));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].variable, "TEMPORAL_TLS_SERVER_CA_CERT_PATH");
  assert.match(errors[0].message, /no read permission|permission denied/);
});

Deno.test("a key where a certificate belongs (and vice versa) is not PEM of the right kind", async () => {
  const cfg = await load({
    TEMPORAL_TLS_CERT: certs.clientKey,
    TEMPORAL_TLS_KEY: certs.clientCert,
  });
  const msgs = errorsOf(cfg).join("\n");
  assert.match(msgs, /TEMPORAL_TLS_CERT: .* is not a PEM certificate \(it holds a private key/);
  assert.match(msgs, /TEMPORAL_TLS_KEY: .* is not a PEM private key \(it holds a certificate/);
});

Deno.test("a file that is not PEM at all is rejected", async () => {
  const junk = await write("junk.pem", "hello world\n");
  const cfg = await load({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: junk });
  assertOneError(cfg, /^TEMPORAL_TLS_SERVER_CA_CERT_PATH$/, /not a PEM certificate/);
});

Deno.test("a certificate and key that do not belong together are an error", async () => {
  const cfg = await load({
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.mismatchedKey,
  });
  assertOneError(cfg, /TEMPORAL_TLS_CERT \/ TEMPORAL_TLS_KEY/, /do not belong together/);
});

Deno.test("an expired client certificate is an error", async () => {
  const cfg = await load({
    TEMPORAL_TLS_CERT: certs.expiredClientCert,
    TEMPORAL_TLS_KEY: certs.expiredClientKey,
  });
  assertOneError(cfg, /^TEMPORAL_TLS_CERT$/, /expired on \d{4}-\d{2}-\d{2}/);
});

Deno.test("a certificate not yet valid is an error, one expiring within 15 days a warning", async () => {
  const cert = new X509Certificate(await Deno.readTextFile(certs.clientCert));
  const env = { TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientKey };
  const before = await load(env, { now: new Date(Date.parse(cert.validFrom) - 86_400_000) });
  assertOneError(before, /^TEMPORAL_TLS_CERT$/, /not valid until/);
  const soon = await load(env, { now: new Date(Date.parse(cert.validTo) - 5 * 86_400_000) });
  assert.deepEqual(soon.errors, []);
  assert.equal(soon.warnings.length, 1);
  assert.match(soon.warnings[0].message, /expires in [45] day/);
  const fine = await load(env, { now: new Date(Date.parse(cert.validTo) - 30 * 86_400_000) });
  assert.deepEqual(fine.warnings, []);
});

Deno.test("addresses must be host:port with a port in range", async () => {
  assertOneError(
    await load({ TEMPORAL_ADDRESS: "localhost" }),
    /^TEMPORAL_ADDRESS$/,
    /not host:port/,
  );
  assertOneError(
    await load({ TEMPORAL_ADDRESS: "http://x:7233" }),
    /^TEMPORAL_ADDRESS$/,
    /^the address starts with http:\/\/ .*: use x:7233$/,
  );
  assertOneError(
    await load({ TEMPORAL_ADDRESS: "localhost:70000" }),
    /^TEMPORAL_ADDRESS$/,
    /out of range/,
  );
  assertOneError(
    await load({ TEMPORAL_ADDRESS: "localhost:0" }),
    /^TEMPORAL_ADDRESS$/,
    /out of range/,
  );
  assert.deepEqual((await load({ TEMPORAL_ADDRESS: "[::1]:7233" })).errors, []);
});

Deno.test("a Temporal Cloud address without auth is an error", async () => {
  for (const host of ["ns.acct.tmprl.cloud:7233", "us-west-2.aws.api.temporal.io:7233"]) {
    const cfg = await load({ TEMPORAL_ADDRESS: host, TEMPORAL_NAMESPACE: "ns.acct" });
    assertOneError(cfg, /^TEMPORAL_ADDRESS$/, /Temporal Cloud, which needs auth/);
  }
});

Deno.test("a Cloud namespace without the .<account> suffix is a warning", async () => {
  const cfg = await load({
    TEMPORAL_ADDRESS: "us-west-2.aws.api.temporal.io:7233",
    TEMPORAL_NAMESPACE: "prod",
    TEMPORAL_API_KEY: API_KEY,
  });
  assert.deepEqual(cfg.errors, []);
  assert.equal(cfg.warnings.length, 1);
  assert.equal(cfg.warnings[0].variable, "TEMPORAL_NAMESPACE");
  assert.match(cfg.warnings[0].message, /\.<account> suffix/);
});

Deno.test("TEMPORAL_TLS=false with an API key or a client certificate is an error", async () => {
  assertOneError(
    await load({ TEMPORAL_TLS: "false", TEMPORAL_API_KEY: API_KEY }),
    /^TEMPORAL_TLS$/,
    /credentials need TLS/,
  );
  assertOneError(
    await load({
      TEMPORAL_TLS: "false",
      TEMPORAL_TLS_CERT: certs.clientCert,
      TEMPORAL_TLS_KEY: certs.clientKey,
    }),
    /^TEMPORAL_TLS$/,
    /credentials need TLS/,
  );
});

Deno.test("an API key containing whitespace is an error that does not print the key", async () => {
  const key = "abc def-SECRET";
  const cfg = await load({ TEMPORAL_API_KEY: key });
  assertOneError(cfg, /^TEMPORAL_API_KEY$/, /contains whitespace/);
  assert.ok(!JSON.stringify(cfg.errors).includes("SECRET"));
});

Deno.test("TEMPORAL_API_KEY_FILE reads the key and conflicts with TEMPORAL_API_KEY", async () => {
  const path = await write("api.key", `${API_KEY}\n`);
  const cfg = await load({ TEMPORAL_API_KEY_FILE: path });
  assert.equal(cfg.material.apiKey, API_KEY);
  assert.equal(cfg.apiKeyFile, path);
  assert.equal(cfg.authMode, "api-key");
  assertOneError(
    await load({ TEMPORAL_API_KEY_FILE: path, TEMPORAL_API_KEY: API_KEY }),
    /TEMPORAL_API_KEY_FILE/,
    /both are set/,
  );
  assertOneError(
    await load({ TEMPORAL_API_KEY_FILE: `${tmp}/nokey` }),
    /^TEMPORAL_API_KEY_FILE$/,
    /file not found/,
  );
});

Deno.test("all problems are reported at once", async () => {
  const cfg = await load({
    TEMPORAL_ADDRESS: "nope",
    TEMPORAL_TLS: "perhaps",
    TEMPORAL_TLS_CERT: `${tmp}/missing.pem`,
  });
  const vars = cfg.errors.map((e) => e.variable);
  assert.ok(vars.includes("TEMPORAL_ADDRESS"));
  assert.ok(vars.includes("TEMPORAL_TLS"));
  assert.ok(vars.includes("TEMPORAL_TLS_KEY"));
  assert.ok(vars.filter((v) => v === "TEMPORAL_TLS_CERT").length >= 1);
  assert.ok(cfg.errors.length >= 4, errorsOf(cfg).join("\n"));
});

Deno.test("describeConfig never shows the API key or a key PEM, only that they are set", async () => {
  const keyPem = await Deno.readTextFile(certs.clientKey);
  const withKey = await load({ TEMPORAL_API_KEY: API_KEY });
  const text = describeConfig(withKey).join("\n");
  assert.ok(!text.includes(API_KEY));
  assert.match(
    text,
    new RegExp(`API key\\s+set, ${API_KEY.length} chars\\s+\\[env TEMPORAL_API_KEY\\]`),
  );
  const inline = await load({
    TEMPORAL_TLS_CLIENT_CERT_DATA: await Deno.readTextFile(certs.clientCert),
    TEMPORAL_TLS_CLIENT_KEY_DATA: keyPem,
  });
  const t2 = describeConfig(inline).join("\n");
  const keyBody = keyPem.split("\n")[1];
  assert.ok(!t2.includes(keyBody), "key PEM body leaked");
  assert.match(t2, /client key\s+inline PEM \(set, \d+ chars\)/);
});

Deno.test("requireValid throws a ConfigError listing every problem, without secrets", async () => {
  const cfg = await load({ TEMPORAL_API_KEY: "bad key " + API_KEY, TEMPORAL_ADDRESS: "x" });
  assert.throws(() => requireValid(cfg), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.issues.length, 2);
    assert.ok(!err.message.includes(API_KEY));
    assert.equal(err.message.split("\n").length, 2);
    return true;
  });
});

Deno.test("an empty [profile.x.tls] table turns TLS on, as the Temporal CLI reads it", async () => {
  const toml = await write(
    "tls-on.toml",
    '[profile.default]\naddress = "h:7233"\n[profile.default.tls]\n',
  );
  const cfg = await load({ TEMPORAL_CONFIG_FILE: toml });
  assert.equal(cfg.tlsEnabled, true);
  assert.equal(cfg.authMode, "tls");
  const off = await write("tls-off.toml", "[profile.default.tls]\ndisabled = true\n");
  assert.equal((await load({ TEMPORAL_CONFIG_FILE: off })).tlsEnabled, false);
});

Deno.test("a TOML syntax error names TEMPORAL_CONFIG_FILE", async () => {
  const toml = await write("syntax.toml", "[profile.default\n");
  const cfg = await load({ TEMPORAL_CONFIG_FILE: toml });
  assertOneError(cfg, /^TEMPORAL_CONFIG_FILE$/, /syntax\.toml: .*fix the TOML/);
});

/** Every file and folder under `dir` with its size and modification time, one line each. */
async function snapshot(dir: string, prefix = ""): Promise<string[]> {
  const lines: string[] = [];
  for await (const e of Deno.readDir(`${dir}${prefix}`)) {
    const path = `${prefix}/${e.name}`;
    const st = await Deno.stat(`${dir}${path}`);
    lines.push(`${path} ${st.size} ${st.mtime?.getTime()}`);
    if (e.isDirectory) lines.push(...await snapshot(dir, path));
  }
  return lines.sort();
}

Deno.test("loading the configuration writes nothing: HOME, the profile and the .env stay as they were", async () => {
  const home = `${tmp}/untouched-home`;
  await Deno.mkdir(`${home}/.config/temporalio`, { recursive: true });
  await Deno.writeTextFile(`${home}/.config/temporalio/temporal.toml`, profileToml);
  await Deno.writeTextFile(`${home}/.env`, "TEMPORAL_TASK_QUEUE=from-dotenv\n");
  const before = await snapshot(home);
  const cfg = await loadConfig({ env: { HOME: home }, envFile: `${home}/.env` });
  assert.equal(cfg.taskQueue, "from-dotenv");
  assert.equal(cfg.address, "profile-host:7233");
  assert.deepEqual(await snapshot(home), before);
  assert.equal(before.length, 4, before.join("\n"));
});
