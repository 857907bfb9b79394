/**
 * Re-validation of one venue entry where it is used (the worker's `fetchVenue` activity and
 * `scrape`): workflow input is written by whoever may start workflows on the namespace, so the
 * worker never trusts that the starter validated it. The venue `url` and every option that
 * looks like a URL (a string with a `scheme://`, `file:`, `data:` or `blob:` prefix, or an option
 * named `…Url`) must be `http(s)://`;
 * `file://`, `data:` and the like fail the venue with one line before anything is fetched.
 *
 * @example
 * ```ts
 * import { checkVenueEntry } from "./check.ts";
 * checkVenueEntry({ key: "stoup-ballard", name: "Stoup", url: "file:///etc/passwd" });
 * // throws VenueInputError: venue url "file:///etc/passwd" is not an http(s) URL
 * ```
 * @module
 */
import type { VenueEntry } from "../core/model.ts";

/** A venue entry that must not be used: not http(s), or malformed. Never retried. */
export class VenueInputError extends Error {
  override name = "VenueInputError";
}

/** At most this many characters of a bad value are shown in the message. */
const SHOWN = 80;

const show = (v: string) =>
  JSON.stringify(v.length > SHOWN ? v.slice(0, SHOWN) + "…" : v).replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f-\u009f]/g,
    "?",
  );

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Checks `venue` (from workflow input or a venue list) and returns it typed.
 *
 * @throws VenueInputError naming the field, when a field is missing, `url` is not http(s), or a
 *   URL-like option is not http(s).
 */
export function checkVenueEntry(venue: unknown): VenueEntry {
  const v = venue as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null) throw new VenueInputError("venue is not an object");
  for (const f of ["key", "name", "url"]) {
    if (typeof v[f] !== "string" || (v[f] as string).trim() === "") {
      throw new VenueInputError(`venue has no "${f}" (a non-empty string)`);
    }
  }
  if (!isHttpUrl(v.url as string)) {
    throw new VenueInputError(`venue url ${show(v.url as string)} is not an http(s) URL`);
  }
  const options = v.options;
  if (options !== undefined) {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw new VenueInputError(`venue "options" must be an object`);
    }
    for (const [name, value] of Object.entries(options)) {
      const urlLike = /url$/i.test(name) ||
        (typeof value === "string" &&
          /^\s*([a-z][a-z0-9+.-]*:\/\/|(data|file|blob):)/i.test(value));
      if (urlLike && (typeof value !== "string" || !isHttpUrl(value))) {
        throw new VenueInputError(
          `venue option ${name} ${show(String(value))} is not an http(s) URL`,
        );
      }
    }
  }
  return v as unknown as VenueEntry;
}
