/**
 * The worker loads at first use what only some runs need (issue 19: its memory): `deno task
 * worker`'s static module graph holds neither the scraping pipeline (cheerio, the venue parsers,
 * csv-parse), nor the page data and deploy (ajv), nor the Anthropic SDK; they are reached only
 * through dynamic `import()`. And the worker task runs with a smaller V8 young generation.
 */
import assert from "node:assert/strict";
import { readTaskCommand } from "../../src/ops/tasks.ts";

interface InfoDependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

const ROOT = new URL("../../", import.meta.url);

/** The modules reachable from `tasks/worker.ts`: through static imports only, and through all. */
async function workerGraph(): Promise<{ statics: Set<string>; all: Set<string> }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "tasks/worker.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const reach = (followDynamic: boolean) => {
    const seen = new Set<string>();
    const todo = [...info.roots];
    while (todo.length) {
      const s = todo.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      for (const d of bySpecifier.get(s)?.dependencies ?? []) {
        if (d.code && (followDynamic || !d.isDynamic)) todo.push(d.code.specifier);
      }
    }
    return seen;
  };
  return { statics: reach(false), all: reach(true) };
}

const LAZY = [
  "npm:cheerio@",
  "npm:/csv-parse@",
  "npm:ajv@",
  "npm:@anthropic-ai/sdk@",
  "/src/venues/pipeline.ts",
  "/src/venues/registry.ts",
  "/src/publish/schema.ts",
  "/src/publish/preview.ts",
  "/src/temporal/deploy_activity.ts",
  "/src/ai/client.ts",
];

Deno.test("the worker's static module graph leaves out the parsers, the page, the deploy and the AI SDK", async () => {
  const { statics, all } = await workerGraph();
  const has = (set: Set<string>, part: string) => [...set].some((s) => s.includes(part));
  assert.ok(has(statics, "/src/temporal/worker.ts"), "the graph reads as expected");
  for (const part of LAZY) {
    assert.ok(has(all, part), `${part} is not reachable at all: the test would be vacuous`);
    assert.ok(!has(statics, part), `${part} is imported statically by the worker's start path`);
  }
});

Deno.test("the worker task runs with --max-semi-space-size=1 (bench: less peak RSS at no visible cost)", async () => {
  const command = await readTaskCommand("worker");
  assert.match(command, /^deno run (-\S+ )*--v8-flags=--max-semi-space-size=1 /);
});
