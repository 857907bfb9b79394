/**
 * The registered venue keys, without their parsers: what the worker's metrics need to bound the
 * `venue` label at start, before any parser (and cheerio) is loaded. `registry.ts` refuses to
 * load when its parsers and this list differ, so adding a venue means one line here too.
 *
 * @example
 * ```ts
 * import { VENUE_KEYS } from "./keys.ts";
 * console.log(VENUE_KEYS.includes("stoup-ballard")); // true
 * ```
 * @module
 */

/** The registered venue keys, in registry order. */
export const VENUE_KEYS: readonly string[] = [
  "stoup-ballard",
  "yonder-balebreaker",
  "obec-brewing",
  "urban-family",
  "wheelie-pop",
  "chucks-greenwood",
  "salehs-corner",
];
