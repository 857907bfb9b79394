/**
 * The Prometheus alert rules (deploy/prometheus/alerts.yml) are valid and pass their unit tests
 * (alerts_test.yml) with Debian's `promtool`; every alert has unit tests, and the example
 * scrape configuration is valid. Skipped, with one line, only where `promtool` is not installed
 * (`.ci/run` installs it).
 */
import assert from "node:assert/strict";

const DIR = new URL("../../deploy/prometheus/", import.meta.url).pathname;

async function promtool(...args: string[]): Promise<{ code: number; out: string } | undefined> {
  try {
    const r = await new Deno.Command("promtool", {
      args,
      cwd: DIR,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const dec = new TextDecoder();
    return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

const present = (await promtool("--version")) !== undefined;
if (!present) {
  console.error("alerts_test: promtool not found, skipped (apt-get install prometheus)");
}

Deno.test({
  name: "alert rules: promtool check rules and check config pass",
  ignore: !present,
  fn: async () => {
    const rules = await promtool("check", "rules", "alerts.yml");
    assert.equal(rules?.code, 0, rules?.out ?? "promtool did not run");
    assert.match(rules!.out, /SUCCESS: 6 rules found/);
    const config = await promtool("check", "config", "prometheus.yml");
    assert.equal(config?.code, 0, config?.out ?? "promtool did not run");
  },
});

Deno.test({
  name: "alert rules: every alert has unit tests and promtool test rules passes",
  ignore: !present,
  fn: async () => {
    const rules = await Deno.readTextFile(`${DIR}alerts.yml`);
    const tests = await Deno.readTextFile(`${DIR}alerts_test.yml`);
    const alerts = [...rules.matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]);
    assert.deepEqual(alerts.sort(), [
      "AtgClientCertificateExpiresSoon",
      "AtgNoSuccessfulRun",
      "AtgPageNotPublished",
      "AtgVenueFailing",
      "AtgWorkerDown",
      "AtgWorkflowTaskFailures",
    ]);
    for (const a of alerts) {
      const cases = [...tests.matchAll(new RegExp(`alertname: ${a}\\n\\s+exp_alerts:(.*)`, "g"))];
      assert.ok(cases.some((c) => c[1].trim() === "[]"), `${a}: no case where it stays quiet`);
      assert.ok(cases.some((c) => c[1].trim() === ""), `${a}: no case where it fires`);
    }
    const r = await promtool("test", "rules", "alerts_test.yml");
    assert.equal(r?.code, 0, r?.out ?? "promtool did not run");
    assert.match(r!.out, /SUCCESS/);
  },
});
