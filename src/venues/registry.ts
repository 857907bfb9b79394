/**
 * The venue registry: venue key → parser. Adding a venue = a parser file, one line here,
 * a fixture folder under `fixtures/venues/<key>/`, and its test.
 *
 * @example
 * ```ts
 * import { getParser } from "./registry.ts";
 * const parser = getParser("stoup-ballard");
 * ```
 * @module
 */
import type { VenueParser } from "./types.ts";
import { parser as stoupBallard } from "./stoup_ballard.ts";
import { parser as yonderBalebreaker } from "./yonder_balebreaker.ts";
import { parser as obecBrewing } from "./obec_brewing.ts";
import { parser as urbanFamily } from "./urban_family.ts";
import { parser as wheeliePop } from "./wheelie_pop.ts";
import { parser as chucksGreenwood } from "./chucks_greenwood.ts";
import { parser as salehsCorner } from "./salehs_corner.ts";
import { VENUE_KEYS } from "./keys.ts";

const PARSERS: readonly VenueParser[] = [
  stoupBallard,
  yonderBalebreaker,
  obecBrewing,
  urbanFamily,
  wheeliePop,
  chucksGreenwood,
  salehsCorner,
];

/** Every registered parser by key. */
export const REGISTRY: ReadonlyMap<string, VenueParser> = new Map(PARSERS.map((p) => [p.key, p]));

// The key list lives in keys.ts (loaded without the parsers): it must be this registry's.
if (PARSERS.map((p) => p.key).join() !== VENUE_KEYS.join()) {
  throw new Error(
    `src/venues/keys.ts lists ${VENUE_KEYS.join(", ")} but the registry has ${
      PARSERS.map((p) => p.key).join(", ")
    }: make them the same`,
  );
}

/** The registered venue keys, in registry order (see keys.ts). */
export { VENUE_KEYS };

/** The parser for `key`, or undefined when no parser has that key. */
export function getParser(key: string): VenueParser | undefined {
  return REGISTRY.get(key);
}
