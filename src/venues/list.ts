/**
 * Loads and validates the venue list file: `{ "venues": [ { "key", "name", "url", "options"? } ] }`.
 *
 * @example
 * ```ts
 * import { loadVenueList, DEFAULT_VENUES_PATH } from "./list.ts";
 * const venues = await loadVenueList(DEFAULT_VENUES_PATH);
 * ```
 * @module
 */
import type { VenueEntry } from "../core/model.ts";
import { REGISTRY } from "./registry.ts";
import { readSmallTextFile, SmallFileError } from "../config/files.ts";

/** The venue list shipped with the project (the real venues' URLs). */
export const DEFAULT_VENUES_PATH: string = new URL("./venues.json", import.meta.url).pathname;

/** The venue list file is missing, unreadable, not JSON, or has invalid entries. */
export class VenueListError extends Error {
  override name = "VenueListError";
}

/** Validates parsed JSON as a venue list; `source` names the file in messages. All problems are reported at once. */
export function validateVenueList(data: unknown, source: string): VenueEntry[] {
  const venues = (data as { venues?: unknown })?.venues;
  if (!Array.isArray(venues)) {
    throw new VenueListError(`${source}: expected an object with a "venues" array`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const out: VenueEntry[] = [];
  venues.forEach((v: Record<string, unknown>, i) => {
    const at = `${source}: venues[${i}]`;
    if (typeof v !== "object" || v === null) return problems.push(`${at} is not an object`);
    for (const f of ["key", "name", "url"]) {
      if (typeof v[f] !== "string" || (v[f] as string).trim() === "") {
        problems.push(`${at} is missing the "${f}" field (a non-empty string)`);
      }
    }
    if (typeof v.key === "string" && v.key !== "") {
      if (!REGISTRY.has(v.key)) {
        problems.push(
          `${at}: unknown venue key "${v.key}" (known: ${[...REGISTRY.keys()].join(", ")})`,
        );
      }
      if (seen.has(v.key)) problems.push(`${at}: venue key "${v.key}" is listed twice`);
      seen.add(v.key);
    }
    if (typeof v.url === "string" && v.url !== "") {
      let ok = false;
      try {
        ok = ["http:", "https:"].includes(new URL(v.url).protocol);
      } catch { /* reported below */ }
      if (!ok) problems.push(`${at}: "${v.url}" is not an http(s) URL`);
    }
    if (v.options !== undefined && (typeof v.options !== "object" || Array.isArray(v.options))) {
      problems.push(`${at}: "options" must be an object`);
    }
    out.push({
      key: v.key as string,
      name: v.name as string,
      url: v.url as string,
      ...(v.options ? { options: v.options as Record<string, unknown> } : {}),
    });
  });
  if (out.length === 0 && problems.length === 0) {
    problems.push(`${source}: the "venues" array is empty`);
  }
  if (problems.length) throw new VenueListError(problems.join("\n"));
  return out;
}

/** Reads and validates a venue list file. Throws {@link VenueListError} with one line per problem. */
export async function loadVenueList(path: string = DEFAULT_VENUES_PATH): Promise<VenueEntry[]> {
  let text: string;
  try {
    text = await readSmallTextFile(path);
  } catch (err) {
    const why = err instanceof SmallFileError
      ? err.reason
      : err instanceof Deno.errors.NotFound
      ? "file not found"
      : err instanceof Deno.errors.PermissionDenied || (err as Error).name === "NotCapable"
      ? "no permission to read it"
      : err instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : (err as Error).message;
    throw new VenueListError(`venue list ${path}: ${why} (pass an existing file with --venues)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new VenueListError(`venue list ${path}: not valid JSON (${(err as Error).message})`);
  }
  return validateVenueList(data, `venue list ${path}`);
}
