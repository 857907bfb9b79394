/**
 * Parity with Temporal's environment configuration and the mistakes caught before connecting:
 * TOML types and unknown keys, `.env` hygiene, address hygiene, the empty-value rule, gRPC
 * metadata, host verification and codec settings, `--profile`, and Temporal Cloud cross-checks.
 */
import assert from "node:assert/strict";
import { loadConfig, type TemporalConfig } from "../../src/config/mod.ts";
import { makeTestCerts } from "../harness/certs.ts";

const API_KEY = "tk_SECRET_envconfig_0123456789";
const tmp = await Deno.makeTempDir({ prefix: "envconfig-test-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* gone */ }
});
const certs = await makeTestCerts(tmp);

async function write(name: string, text: string | Uint8Array): Promise<string> {
  const path = `${tmp}/${name}`;
  if (typeof text === "string") await Deno.writeTextFile(path, text);
  else await Deno.writeFile(path, text);
  return path;
}

function load(
  env: Record<string, string>,
  opts: { envFile?: string; profile?: string } = {},
): Promise<TemporalConfig> {
  return loadConfig({
    env: { HOME: `${tmp}/home`, ...env },
    ...(opts.envFile ? { envFile: opts.envFile } : { noEnvFile: true }),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
  });
}

const lines = (issues: { variable: string; message: string }[]) =>
  issues.map((i) => `${i.variable}: ${i.message}`);

async function toml(text: string): Promise<Record<string, string>> {
  return { TEMPORAL_CONFIG_FILE: await write(`${crypto.randomUUID()}.toml`, text) };
}

// --- TOML types and keys ---------------------------------------------------------------------

Deno.test("TOML: a number where a string belongs is one error naming the key and the type", async () => {
  const env = await toml("[profile.default]\naddress = 7233\napi_key = 12345\n");
  const cfg = await load(env);
  const f = env.TEMPORAL_CONFIG_FILE;
  assert.deepEqual(lines(cfg.errors), [
    `profile.address: expected a quoted string, e.g. "…", got the number 7233 (in ${f}, profile "default")`,
    `profile.api_key: expected a quoted string, e.g. "…", got the number 12345 (in ${f}, profile "default")`,
  ]);
  // The bad values are dropped, never used: no API key, the default address.
  assert.equal(cfg.material.apiKey, undefined);
  assert.equal(cfg.address, "localhost:7233");
});

Deno.test('TOML: tls.disabled = "yes" is an error, not TLS silently on', async () => {
  const env = await toml('[profile.default.tls]\ndisabled = "yes"\n');
  const cfg = await load(env);
  assert.deepEqual(lines(cfg.errors), [
    `profile.tls.disabled: expected true or false (no quotes), got the string "yes" (in ${env.TEMPORAL_CONFIG_FILE}, profile "default")`,
  ]);
});

Deno.test("TOML: unknown keys are warnings with did-you-mean; other profiles are not checked", async () => {
  const env = await toml(
    '[profile.default]\nadress = "h:1"\n[profile.default.tls]\nserver_nam = "x"\n' +
      "[profile.other]\naddress = 5\n",
  );
  const cfg = await load(env);
  assert.deepEqual(cfg.errors, []);
  const f = env.TEMPORAL_CONFIG_FILE;
  assert.deepEqual(lines(cfg.warnings), [
    `profile.adress: unknown key ignored (did you mean address?) (in ${f}, profile "default")`,
    `profile.tls.server_nam: unknown key ignored (did you mean server_name?) (in ${f}, profile "default")`,
  ]);
});

// --- .env hygiene ----------------------------------------------------------------------------

Deno.test(".env: a UTF-8 byte-order mark does not swallow the first setting", async () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
  const body = new TextEncoder().encode("TEMPORAL_NAMESPACE=from-bom\n");
  const path = await write("bom.env", new Uint8Array([...bom, ...body]));
  const cfg = await load({}, { envFile: path });
  assert.equal(cfg.namespace, "from-bom");
  assert.deepEqual(cfg.warnings, []);
});

Deno.test(".env: a binary file is an error naming the file", async () => {
  const path = await write("bin.env", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]));
  const cfg = await load({}, { envFile: path });
  assert.deepEqual(lines(cfg.errors), [`--env-file: ${path}: it is not a text file (not UTF-8)`]);
});

Deno.test(".env: lines that do not parse and unclosed quotes are warnings with line numbers", async () => {
  const path = await write(
    "garbage.env",
    '# ok\nTEMPORAL_NAMESPACE=ns\nthis is garbage\nMULTI="a\nb"\nTEMPORAL_TASK_QUEUE="q\n',
  );
  const cfg = await load({}, { envFile: path });
  assert.deepEqual(lines(cfg.warnings), [
    `${path}: line 3 is not NAME=value and is ignored (fix it or comment it out with #)`,
    `${path}: line 6: the " quote of TEMPORAL_TASK_QUEUE is never closed, so the value is read literally, quote included (close the quote)`,
  ]);
});

Deno.test("unknown TEMPORAL_* names in .env and in the environment: did you mean", async () => {
  const path = await write("typo.env", "TEMPORAL_ADRESS=x:1\nGIT_TOKNE=t\nUNRELATED=1\n");
  const cfg = await load({ TEMPORAL_NAMESPCE: "n", TEMPORAL_WHATEVER: "1" }, { envFile: path });
  assert.deepEqual(lines(cfg.warnings), [
    `GIT_TOKNE: unknown variable in ${path}, ignored (did you mean GIT_TOKEN?)`,
    `TEMPORAL_ADRESS: unknown variable in ${path}, ignored (did you mean TEMPORAL_ADDRESS?)`,
    "TEMPORAL_NAMESPCE: unknown variable in the environment, ignored (did you mean TEMPORAL_NAMESPACE?)",
    "TEMPORAL_WHATEVER: unknown variable in the environment, ignored",
  ]);
});

// --- Address hygiene -------------------------------------------------------------------------

Deno.test("address hygiene: whitespace, scheme, user info and path are errors with the fix", async () => {
  const cases: [string, string][] = [
    [
      "localhost:7233\n",
      "has leading or trailing whitespace (a stray space or newline): use localhost:7233",
    ],
    [
      " localhost:7233",
      "has leading or trailing whitespace (a stray space or newline): use localhost:7233",
    ],
    ["local host:7233", "contains whitespace: use localhost:7233"],
    [
      "https://h.example:7233",
      "starts with https:// (gRPC addresses have no scheme; TLS is TEMPORAL_TLS): use h.example:7233",
    ],
    ["h.example:7233/api", "has a path (gRPC addresses are host:port only): use h.example:7233"],
  ];
  for (const [address, msg] of cases) {
    const cfg = await load({ TEMPORAL_ADDRESS: address });
    assert.deepEqual(lines(cfg.errors), [`TEMPORAL_ADDRESS: the address ${msg}`], address);
  }
  const secret = await load({ TEMPORAL_ADDRESS: `admin:${API_KEY}@h.example:7233` });
  assert.deepEqual(lines(secret.errors), [
    "TEMPORAL_ADDRESS: the address contains user info before @ (credentials go in TEMPORAL_API_KEY or the client certificate): use h.example:7233",
  ]);
  assert.ok(!JSON.stringify(secret.errors).includes("SECRET"));
});

// --- The empty-value rule --------------------------------------------------------------------

Deno.test("empty rule: an empty value in the environment counts as unset, so .env supplies it", async () => {
  const path = await write("empty.env", "TEMPORAL_NAMESPACE=from-dotenv\nGIT_BRANCH=pages\n");
  const cfg = await load(
    { TEMPORAL_NAMESPACE: "", GIT_BRANCH: "", GIT_REPOSITORY_URL: "https://h/r.git" },
    { envFile: path },
  );
  assert.equal(cfg.namespace, "from-dotenv");
  assert.equal(cfg.settings.namespace.source, ".env");
  assert.equal(cfg.app.deploy?.branch, "pages");
});

Deno.test("empty rule: empty in the environment and absent from .env falls to the profile, then the default", async () => {
  const env = await toml('[profile.default]\nnamespace = "from-profile"\n');
  const cfg = await load({ ...env, TEMPORAL_NAMESPACE: "", TEMPORAL_TASK_QUEUE: "" });
  assert.equal(cfg.namespace, "from-profile");
  assert.equal(cfg.taskQueue, "food-truck-task-queue");
  assert.equal(cfg.settings.taskQueue.source, "default");
  const path = await write("empty2.env", "TEMPORAL_NAMESPACE=\n");
  const viaDotEnv = await load(env, { envFile: path });
  assert.equal(viaDotEnv.namespace, "from-profile");
});

// --- Host verification, codec ----------------------------------------------------------------

Deno.test("disable host verification: true is refused with the alternative; false is accepted", async () => {
  const on = await load({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: "true" });
  assert.deepEqual(lines(on.errors), [
    "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: disabling host verification is not supported by this project (the SDK connections cannot skip it); set TEMPORAL_TLS_SERVER_NAME to a name on the server's certificate and unset this",
  ]);
  const env = await toml("[profile.default.tls]\ndisable_host_verification = true\n");
  assert.match(
    lines((await load(env)).errors)[0],
    /^profile\.tls\.disable_host_verification: disabling host verification is not supported/,
  );
  assert.deepEqual((await load({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: "false" })).errors, []);
});

Deno.test("codec settings: a clear not-supported warning each", async () => {
  const env = await toml('[profile.default.codec]\nendpoint = "https://codec.example"\n');
  const cfg = await load({ ...env, TEMPORAL_CODEC_AUTH: "Bearer x" });
  assert.deepEqual(cfg.errors, []);
  assert.deepEqual(lines(cfg.warnings), [
    "profile.codec.endpoint: remote payload codecs are not supported by this worker: payloads are sent unencoded (unset it to silence this)",
    "TEMPORAL_CODEC_AUTH: remote payload codecs are not supported by this worker: payloads are sent unencoded (unset it to silence this)",
  ]);
});

// --- gRPC metadata ---------------------------------------------------------------------------

Deno.test("gRPC metadata: profile < .env < environment, names normalized, empty removes", async () => {
  const env = await toml(
    '[profile.default.grpc_meta]\nx_from_profile = "p"\nX-Shared = "profile"\nx-dropped = "d"\n',
  );
  const path = await write("meta.env", "TEMPORAL_GRPC_META_X_SHARED=dotenv\n");
  const cfg = await load({
    ...env,
    TEMPORAL_GRPC_META_X_ENV_ONE: "e",
    TEMPORAL_GRPC_META_X_DROPPED: "",
  }, { envFile: path });
  assert.deepEqual(cfg.errors, []);
  assert.deepEqual(cfg.grpcMetadata, {
    "x-from-profile": "p",
    "x-shared": "dotenv",
    "x-env-one": "e",
  });
  assert.equal(cfg.settings.grpcMeta["x-shared"].from, "TEMPORAL_GRPC_META_X_SHARED");
});

Deno.test("gRPC metadata: bad values, reserved names and authorization beside an API key are errors", async () => {
  const cfg = await load({
    TEMPORAL_GRPC_META_X_A: "line\nbreak",
    TEMPORAL_GRPC_META_GRPC_TIMEOUT: "1",
    TEMPORAL_GRPC_META_AUTHORIZATION: "Bearer other",
    TEMPORAL_API_KEY: API_KEY,
  });
  assert.deepEqual(lines(cfg.errors), [
    "TEMPORAL_GRPC_META_X_A: the value must be printable ASCII on one line (a stray newline or tab?)",
    'TEMPORAL_GRPC_META_GRPC_TIMEOUT: "grpc-timeout" is not a usable gRPC header name (letters, digits, - . _; not grpc-*, not *-bin)',
    "TEMPORAL_GRPC_META_AUTHORIZATION: an authorization header and an API key are both set; the API key sends its own (keep one)",
  ]);
});

Deno.test("TOML: grpc_meta values must be strings", async () => {
  const env = await toml("[profile.default.grpc_meta]\nx-n = 5\n");
  assert.match(
    lines((await load(env)).errors)[0],
    /^profile\.grpc_meta\.x-n: expected a quoted string/,
  );
});

// --- --profile -------------------------------------------------------------------------------

Deno.test("--profile selects a profile over TEMPORAL_PROFILE; a missing one names the flag", async () => {
  const env = await toml(
    '[profile.default]\naddress = "d:1"\n[profile.a]\naddress = "a:1"\n[profile.b]\naddress = "b:1"\n',
  );
  assert.equal((await load({ ...env, TEMPORAL_PROFILE: "a" }, { profile: "b" })).address, "b:1");
  const missing = await load(env, { profile: "zzz" });
  assert.deepEqual(lines(missing.errors), [
    `--profile: "zzz": no such profile in ${env.TEMPORAL_CONFIG_FILE} (add [profile.zzz] or pick another)`,
  ]);
});

// --- Temporal Cloud cross-checks -------------------------------------------------------------

const mtls = { TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientKey };

Deno.test("Cloud: namespace endpoint and namespace must agree", async () => {
  const cfg = await load({
    TEMPORAL_ADDRESS: "prod.ab12c.tmprl.cloud:7233",
    TEMPORAL_NAMESPACE: "staging.ab12c",
    ...mtls,
  });
  assert.deepEqual(lines(cfg.errors), [
    'TEMPORAL_NAMESPACE / TEMPORAL_ADDRESS: namespace "staging.ab12c" does not match the namespace endpoint prod.ab12c.tmprl.cloud (set TEMPORAL_NAMESPACE to prod.ab12c, or the address to staging.ab12c.tmprl.cloud:7233)',
  ]);
  const ok = await load({
    TEMPORAL_ADDRESS: "prod.ab12c.tmprl.cloud:7233",
    TEMPORAL_NAMESPACE: "prod.ab12c",
    ...mtls,
  });
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.warnings, []);
});

Deno.test("Cloud: API key at a namespace endpoint, certificate at a regional endpoint: warnings with the fix", async () => {
  const key = await load({
    TEMPORAL_ADDRESS: "prod.ab12c.tmprl.cloud:7233",
    TEMPORAL_NAMESPACE: "prod.ab12c",
    TEMPORAL_API_KEY: API_KEY,
  });
  assert.deepEqual(lines(key.warnings), [
    "TEMPORAL_ADDRESS: prod.ab12c.tmprl.cloud is a namespace endpoint; with an API key Temporal Cloud expects the regional endpoint <region>.<cloud>.api.temporal.io:7233 (unless the namespace has High Availability features)",
  ]);
  const cert = await load({
    TEMPORAL_ADDRESS: "us-east-1.aws.api.temporal.io:7233",
    TEMPORAL_NAMESPACE: "prod.ab12c",
    ...mtls,
  });
  assert.deepEqual(lines(cert.warnings), [
    "TEMPORAL_ADDRESS: us-east-1.aws.api.temporal.io is a regional API-key endpoint but a client certificate is set; for mTLS use the namespace endpoint prod.ab12c.tmprl.cloud:7233",
  ]);
});

Deno.test("Cloud: a wrong port and a malformed namespace id are warnings", async () => {
  const cfg = await load({
    TEMPORAL_ADDRESS: "us-east-1.aws.api.temporal.io:443",
    TEMPORAL_NAMESPACE: "Prod_NS.x",
    TEMPORAL_API_KEY: API_KEY,
  });
  assert.deepEqual(lines(cfg.warnings), [
    "TEMPORAL_ADDRESS: Temporal Cloud endpoints listen on port 7233, not 443 (use us-east-1.aws.api.temporal.io:7233)",
    'TEMPORAL_NAMESPACE: "Prod_NS.x" does not look like a Temporal Cloud namespace id (<name>.<account-id>: lower-case name, 5-6 character account id)',
  ]);
});

// --- The process environment -----------------------------------------------------------------

Deno.test("with env listing allowed, TEMPORAL_GRPC_META_* and misspelled names come from the process", async () => {
  Deno.env.set("TEMPORAL_GRPC_META_X_PROC", "from-process");
  Deno.env.set("TEMPORAL_NAMESPCE", "typo");
  try {
    const cfg = await loadConfig({ noEnvFile: true });
    assert.equal(cfg.envListed, true);
    assert.equal(cfg.grpcMetadata["x-proc"], "from-process");
    assert.ok(
      lines(cfg.warnings).includes(
        "TEMPORAL_NAMESPCE: unknown variable in the environment, ignored (did you mean TEMPORAL_NAMESPACE?)",
      ),
      lines(cfg.warnings).join("\n"),
    );
  } finally {
    Deno.env.delete("TEMPORAL_GRPC_META_X_PROC");
    Deno.env.delete("TEMPORAL_NAMESPCE");
  }
});

Deno.test("check-env --json: an invalid configuration is exit 1 with the issues, secrets redacted", async () => {
  const path = await write("json.env", `TEMPORAL_API_KEY=${API_KEY}\nTEMPORAL_ADRESS=x:1\n`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "check-env", "--json", "--env-file", path],
    cwd: new URL("../../", import.meta.url).pathname,
    env: { HOME: `${tmp}/home`, PATH: Deno.env.get("PATH") ?? "", TEMPORAL_TLS: "false" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 1, text + new TextDecoder().decode(out.stderr));
  assert.ok(!text.includes("SECRET"), "the API key leaked");
  const r = JSON.parse(text);
  assert.equal(r.valid, false);
  assert.equal(r.exitCode, 1);
  assert.deepEqual(r.connection, { checked: false });
  assert.deepEqual(r.settings.apiKey, {
    redacted: `set, ${API_KEY.length} chars`,
    source: ".env",
    from: "TEMPORAL_API_KEY",
  });
  assert.deepEqual(r.settings.tls, { value: "false", source: "env", from: "TEMPORAL_TLS" });
  assert.equal(r.errors[0].variable, "TEMPORAL_TLS");
  assert.equal(r.warnings[0].variable, "TEMPORAL_ADRESS");
});

Deno.test("check-env under the tasks' scoped --allow-env says the environment is not listable", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "check-env", "--offline"],
    cwd: new URL("../../", import.meta.url).pathname,
    env: { HOME: `${tmp}/home`, PATH: Deno.env.get("PATH") ?? "" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text);
  assert.match(
    text,
    /^ {2}environment +not listable under a scoped --allow-env: TEMPORAL_GRPC_META_\* are read from \.env and the profile only$/m,
  );
});
