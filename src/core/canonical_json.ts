/**
 * The one canonical JSON of the project: {@link canonicalJson} writes a value as JSON with every
 * object's keys sorted (deep), so two values that differ only in key order give the same string.
 * The deploy's file comparison (`defaultCompare` in `src/publish/deploy_compare.ts`) and the
 * published data's comparisons (`sameWebData` and the per-venue events in `src/publish/`) use it.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./canonical_json.ts";
 *
 * console.log(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })); // {"a":{"c":null,"d":[2,1]},"b":1}
 * console.log(canonicalJson({ a: 1, b: 2 }) === canonicalJson({ b: 2, a: 1 })); // true
 * ```
 *
 * @module
 */

/**
 * `value` as compact JSON (`JSON.stringify` rules: `toJSON` honoured, `undefined` and function
 * members dropped, `undefined` in arrays written as `null`) with the keys of every object sorted
 * by code unit, at any depth. Arrays keep their order.
 *
 * @param value Any JSON-serialisable value.
 * @returns The canonical string; equal for values that differ only in key order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    // fromEntries, not assignment: a parsed "__proto__" key stays an ordinary member.
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]));
  });
}
