/**
 * The house rules of the source tree: `src/` has no import cycles (a module's imports can be
 * read before the module), and nothing in `src/` imports from `tests/` (test support lives in
 * `tests/`). Imports are read from the source text: static `import`/`export … from`, type-only
 * imports included, and `import("…")` with a literal specifier.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const SRC = join(ROOT, "src");

/** Every `.ts` file under `dir`, as absolute paths. */
async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await tsFiles(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Relative specifiers a module imports (module docs and comments skipped), resolved to paths. */
export function importsOf(file: string, text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith("./") || spec.startsWith("../")) {
      out.push(normalize(join(dirname(file), spec)));
    }
  }
  return out;
}

/** The import cycles of `graph` (each as a path `a → b → … → a`), one per strongly connected part. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const s = state.get(next);
      if (s === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

async function srcGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of await tsFiles(SRC)) {
    graph.set(file, [...new Set(importsOf(file, await Deno.readTextFile(file)))]);
  }
  return graph;
}

const rel = (p: string) => relative(ROOT, p);

Deno.test("layout: no module in src/ is part of an import cycle", async () => {
  const graph = await srcGraph();
  assert(graph.size > 50, `read only ${graph.size} modules under src/`);
  assert.deepStrictEqual(cycles(graph).map((c) => c.map(rel).join(" → ")), []);
});

Deno.test("layout: no module in src/ imports from outside src/ (tests/, tasks/)", async () => {
  const offenders: string[] = [];
  for (const [file, imports] of await srcGraph()) {
    for (const target of imports) {
      if (!target.startsWith(SRC + "/")) offenders.push(`${rel(file)} → ${rel(target)}`);
    }
  }
  assert.deepStrictEqual(offenders, []);
});

Deno.test("layout: the cycle finder sees a cycle, including a type-only import", () => {
  const text = (imports: string[]) =>
    imports.map((s) => `import type { X } from "${s}";`).join("\n");
  const graph = new Map([
    ["/r/a.ts", importsOf("/r/a.ts", text(["./b.ts"]))],
    ["/r/b.ts", importsOf("/r/b.ts", `export { y } from "./c.ts";\n`)],
    ["/r/c.ts", importsOf("/r/c.ts", `const m = await import("./a.ts");\n`)],
    ["/r/d.ts", importsOf("/r/d.ts", `/** import { a } from "./a.ts"; */\nimport "./a.ts";\n`)],
  ]);
  assert.deepStrictEqual(cycles(graph), [["/r/a.ts", "/r/b.ts", "/r/c.ts", "/r/a.ts"]]);
  graph.set("/r/c.ts", []);
  assert.deepStrictEqual(cycles(graph), []);
});

Deno.test("layout: the README's Layout section names every folder of src/, and only those", async () => {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const section = readme.split("\n## Layout\n")[1]?.split("\n## ")[0] ?? "";
  const block = section.split("```")[1] ?? "";
  const listed = [...block.matchAll(/^src\/([a-z_]+)\//gm)].map((m) => m[1]).sort();
  const folders: string[] = [];
  for await (const entry of Deno.readDir(SRC)) if (entry.isDirectory) folders.push(entry.name);
  assert.ok(listed.length > 0, "no src/ folder listed in the README's Layout block");
  assert.deepStrictEqual(listed, folders.sort());
  const looseFiles: string[] = [];
  for await (const entry of Deno.readDir(SRC)) if (entry.isFile) looseFiles.push(entry.name);
  assert.deepStrictEqual(looseFiles, [], "every module of src/ lives in a room (a folder)");
});
