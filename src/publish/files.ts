/**
 * The data files published with the page: `data.json`, its JSON Schema `data.schema.json`, and
 * the calendar feeds (`calendar.ics`, `calendar-<venue>.ics`). The static page files come from
 * `web/` (see `./preview.ts`); both the preview and the deploy write exactly these.
 *
 * @example
 * ```ts
 * import { dataFiles } from "./files.ts";
 * import { toWebData } from "./data.ts";
 * const files = dataFiles(toWebData({ from: "2026-03-05", to: "2026-03-12", events: [], errors: [] })); // data.json, calendar.ics, …
 * console.log(Object.keys(files));
 * ```
 * @module
 */
import { serializeWebData, type WebData } from "./data.ts";
import { calendarFiles } from "./ics.ts";
import { WEB_DATA_SCHEMA } from "./schema.ts";

/** File name of the published JSON Schema. */
export const SCHEMA_FILE = "data.schema.json";

/**
 * The data files of `data`, by name: `data.json` first, then `data.schema.json`, then the feeds.
 *
 * @param data The web data.
 * @returns File name → content (text).
 */
export function dataFiles(data: WebData): Record<string, string> {
  return {
    "data.json": serializeWebData(data),
    [SCHEMA_FILE]: JSON.stringify(WEB_DATA_SCHEMA, null, 2) + "\n",
    ...calendarFiles(data),
  };
}
