/**
 * Whether a deploy changes anything: the default comparison of the branch's files with the new
 * ones ({@link defaultCompare}), and the byte/JSON helpers the deploy shares.
 *
 * @example
 * ```ts
 * import { defaultCompare } from "./deploy_compare.ts";
 *
 * const old = { "data.json": '{"updated":"2026-03-05T10:00:00Z","events":[]}' };
 * const now = { "data.json": '{"events":[],"updated":"2026-03-05T10:05:00Z"}' };
 * console.log(defaultCompare(old, now)); // true: only the stamp differs
 * ```
 *
 * @module
 */
import { canonicalJson } from "../core/canonical_json.ts";

/**
 * The default {@link DeployOptions.compare}: `true` when both sides have the same paths and
 * byte-equal contents, except that `data.json` (at any depth) is compared as JSON with its
 * top-level `updated` field ignored (byte-equal if either side is not a JSON object).
 *
 * It works on arbitrary files and knows nothing of the data contract: key order and `updated`
 * aside, two `data.json` differ here as soon as any other member does (e.g. `checked`). The
 * contract-aware comparison, which ignores every stamp, is `sameWebData` in `./data.ts`; both
 * compare through the same {@link canonicalJson}.
 */
export function defaultCompare(
  oldFiles: Record<string, string | Uint8Array>,
  newFiles: Record<string, string | Uint8Array>,
): boolean {
  const oldKeys = Object.keys(oldFiles).sort();
  const newKeys = Object.keys(newFiles).sort();
  if (oldKeys.length !== newKeys.length || oldKeys.some((k, i) => k !== newKeys[i])) {
    return false;
  }
  for (const path of newKeys) {
    const a = toBytes(oldFiles[path]), b = toBytes(newFiles[path]);
    if (bytesEqual(a, b)) continue;
    if (!/(^|\/)data\.json$/.test(path)) return false;
    const ja = parseJsonObject(a), jb = parseJsonObject(b);
    if (!ja || !jb) return false;
    delete ja.updated;
    delete jb.updated;
    if (canonicalJson(ja) !== canonicalJson(jb)) return false;
  }
  return true;
}

/** `content` as bytes (UTF-8 for a string; empty for `undefined`). */
export function toBytes(content: string | Uint8Array | undefined): Uint8Array {
  if (content === undefined) return new Uint8Array();
  return typeof content === "string" ? new TextEncoder().encode(content) : content;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The JSON object `bytes` hold, or `undefined` (not JSON, or not an object). */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
