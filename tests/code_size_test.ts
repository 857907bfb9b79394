/**
 * Sizes a reader can hold in one screen (issue 16): no module in `src/` over
 * {@link MAX_MODULE_LINES} lines, and no function over {@link MAX_FUNCTION_LINES} lines.
 *
 * Functions are found with the TypeScript compiler's own parser (`npm:typescript`), not by counting
 * braces: function declarations, class methods, constructors and accessors, and arrow functions or
 * function expressions given a name (a `const`/`let`, a class field or an object-literal property).
 * A function's size is the lines from its first token (its doc comment excluded) to its closing
 * brace; a nested named function is measured on its own, and is also part of its parent's size.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import ts from "typescript";

/** A module longer than this many lines (as `wc -l` counts them) fails. */
export const MAX_MODULE_LINES = 400;
/** A function longer than this many lines fails, unless it is in {@link ALLOWED}. */
export const MAX_FUNCTION_LINES = 60;

/**
 * Functions allowed over {@link MAX_FUNCTION_LINES}: only parsers' tables (a function that is one
 * literal table of rows, which reads better whole than split). Key: `path:name` as reported by
 * {@link functionSizes}; value: why. Empty: no function needs it today.
 */
const ALLOWED: Record<string, string> = {};

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const SRC = join(ROOT, "src");

/** One named function and its size in lines. */
export interface FunctionSize {
  name: string;
  line: number;
  lines: number;
}

/** Every `.ts` file under `dir`, as absolute paths. */
async function tsFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((n) => n.endsWith(".ts")).sort().map((n) => join(dir, n));
}

/** The text of a declaration's name (identifier, string literal, private name…), or "". */
function nameText(name: ts.Node | undefined, source: ts.SourceFile): string {
  if (!name) return "";
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name)
    ? name.text
    : name.getText(source);
}

/** The name a function-like node is known by, or undefined for an anonymous callback. */
function functionName(node: ts.Node, source: ts.SourceFile): string | undefined {
  const owner = (n: ts.Node) =>
    n.parent && ts.isClassLike(n.parent) ? `${n.parent.name?.text ?? "(class)"}.` : "";
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? "default";
  if (ts.isConstructorDeclaration(node)) return `${owner(node)}constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    return owner(node) + nameText(node.name, source);
  }
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return undefined;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return nameText(parent.name, source);
  }
  if (ts.isPropertyDeclaration(parent)) return owner(parent) + nameText(parent.name, source);
  return undefined;
}

/** Sizes of every named function in `text` (see the module doc for what counts). */
export function functionSizes(fileName: string, text: string): FunctionSize[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: FunctionSize[] = [];
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node) => {
    const name = ts.isFunctionLike(node) && "body" in node && node.body
      ? functionName(node, source)
      : undefined;
    if (name !== undefined) {
      const line = lineOf(node.getStart(source));
      out.push({ name, line, lines: lineOf(node.getEnd()) - line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Lines of `text` as `wc -l` counts them. */
function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

Deno.test("the size measure sees declarations, methods, named arrows, and skips anonymous callbacks", () => {
  const body = (n: number) =>
    Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
  const text = [
    `export function decl() {\n${body(3)}\n}`, // 5 lines
    `class Box {\n  method() {\n${body(2)}\n  }\n  constructor() {}\n  field = () => {\n${
      body(1)
    }\n  };\n}`,
    `const arrow = async (x: number) => {\n${body(4)}\n};`, // 6 lines
    `const table = { parse: function () {\n${body(1)}\n} };`,
    `[1].map((x) => {\n${body(9)}\n});`, // anonymous: not listed
  ].join("\n");
  const sizes = functionSizes("x.ts", text).map(({ name, lines }) => `${name}:${lines}`);
  assert.deepEqual(sizes, [
    "decl:5",
    "Box.method:4",
    "Box.constructor:1",
    "Box.field:3",
    "arrow:6",
    "parse:3",
  ]);
});

Deno.test(`no module in src/ is over ${MAX_MODULE_LINES} lines`, async () => {
  const long: string[] = [];
  for (const file of await tsFiles(SRC)) {
    const lines = lineCount(await Deno.readTextFile(file));
    if (lines > MAX_MODULE_LINES) long.push(`${relative(ROOT, file)}: ${lines} lines`);
  }
  assert.deepEqual(long, [], `split these modules by concern:\n${long.join("\n")}`);
});

Deno.test(`no function in src/ is over ${MAX_FUNCTION_LINES} lines (except the allowed tables)`, async () => {
  const long: string[] = [];
  const seen = new Set<string>();
  for (const file of await tsFiles(SRC)) {
    const path = relative(ROOT, file);
    for (const f of functionSizes(file, await Deno.readTextFile(file))) {
      const key = `${path}:${f.name}`;
      if (f.lines <= MAX_FUNCTION_LINES) continue;
      if (key in ALLOWED) {
        seen.add(key);
        continue;
      }
      long.push(`${path}:${f.line} ${f.name}: ${f.lines} lines`);
    }
  }
  assert.deepEqual(long, [], `split these functions:\n${long.join("\n")}`);
  const stale = Object.keys(ALLOWED).filter((key) => !seen.has(key));
  assert.deepEqual(stale, [], "allow-list entries that are no longer needed: remove them");
});
