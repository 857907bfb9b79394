/**
 * "Did you mean …?" for misspelled setting names: the closest known name by edit distance,
 * when it is close enough to be a likely typo.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./suggest.ts";
 * didYouMean("TEMPORAL_ADRESS", ["TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE"]); // "TEMPORAL_ADDRESS"
 * ```
 * @module
 */

/** Levenshtein distance between `a` and `b` (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(
        prev[j] + 1,
        cur[j - 1] + 1,
        prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[t.length];
}

/**
 * The known name closest to `name`, when at most `maxDistance` edits away (default: 2, or 3 for
 * names of 12+ characters); otherwise undefined.
 */
export function didYouMean(
  name: string,
  known: readonly string[],
  maxDistance?: number,
): string | undefined {
  const limit = maxDistance ?? (name.length >= 12 ? 3 : 2);
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= limit ? best : undefined;
}

/** `" (did you mean X?)"` or `""`. */
export function suggestion(name: string, known: readonly string[]): string {
  const m = didYouMean(name, known);
  return m ? ` (did you mean ${m}?)` : "";
}
