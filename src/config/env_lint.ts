/**
 * Warnings about variables that will not do what their author meant: `.env` lines that do not
 * parse (with the line number), quotes that never close, and unknown `TEMPORAL_*` names (with
 * "did you mean …" when close to a known one).
 *
 * @example
 * ```ts
 * import { lintDotEnv, unknownNameWarnings } from "./env_lint.ts";
 * lintDotEnv("TEMPORAL_ADDRESS=x:1\nnot a line\n", ".env"); // [{ variable: ".env", message: "line 2 …" }]
 * const known = ["TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE"];
 * unknownNameWarnings({ TEMPORAL_ADRESS: "x" }, "env", known); // did you mean TEMPORAL_ADDRESS?
 * ```
 * @module
 */
import { type ConfigIssue, GRPC_META_PREFIX } from "./common.ts";
import { didYouMean } from "./suggest.ts";

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * Scans `.env` text the way Node's `parseEnv` reads it and returns one warning per line it
 * ignores or reads differently from what it looks like (an unclosed quote is taken literally).
 */
export function lintDotEnv(text: string, path: string): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m) {
      warnings.push({
        variable: path,
        message: `line ${i + 1} is not NAME=value and is ignored (fix it or comment it out with #)`,
      });
      continue;
    }
    const value = m[2];
    const q = value[0];
    if (q !== '"' && q !== "'" && q !== "`") continue;
    if (value.indexOf(q, 1) !== -1) continue;
    // A quoted value may span lines: find the closing quote further down.
    const close = lines.findIndex((l, j) => j > i && l.includes(q));
    if (close === -1) {
      warnings.push({
        variable: path,
        message: `line ${i + 1}: the ${q} quote of ${
          m[1]
        } is never closed, so the value is read literally, quote included (close the quote)`,
      });
    } else {
      i = close;
    }
  }
  return warnings;
}

/** `TEMPORAL_*` names other tools read; not reported as unknown. */
const OTHER_KNOWN = ["TEMPORAL_TRACE_NATIVE_CALLS"];

/**
 * One warning per `TEMPORAL_*` name in `vars` that nothing reads (gRPC metadata names are
 * known), with "did you mean" when close to a known name; other names only when they are close
 * to a known one (a likely typo, e.g. `GIT_TOKNE`).
 */
export function unknownNameWarnings(
  vars: Record<string, string>,
  where: string,
  known: readonly string[],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const set = new Set([...known, ...OTHER_KNOWN]);
  for (const name of Object.keys(vars).sort()) {
    if (set.has(name) || name.startsWith(GRPC_META_PREFIX)) continue;
    const near = didYouMean(name, known);
    if (!name.startsWith("TEMPORAL_") && !near) continue;
    out.push({
      variable: name,
      message: `unknown variable in ${where}, ignored${near ? ` (did you mean ${near}?)` : ""}`,
    });
  }
  return out;
}
