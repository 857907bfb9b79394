/**
 * Writes a complete, self-contained copy of the web page: the static files of `web/`
 * (`index.html`, `app.js`, `style.css`) plus a `data.json`, ready to serve or publish.
 *
 * @example
 * ```ts
 * import { writePreview } from "./preview.ts";
 * import { serveDir } from "./serve.ts";
 * import { toWebData } from "./data.ts";
 * declare const result: import("../core/model.ts").FoodTruckWorkflowResult;
 * const { dir } = await writePreview("dist/site", toWebData(result));
 * const server = serveDir(dir, { port: 8000 });
 * console.log(`Preview at ${server.url}`);
 * ```
 * @module
 */
import { join } from "node:path";
import type { WebData } from "./data.ts";
import { dataFiles } from "./files.ts";
import { writeAtomic } from "./atomic_write.ts";

/** The folder holding the page's static files (`web/` at the project root). */
export const WEB_DIR: URL = new URL("../../web/", import.meta.url);

/** The static files of the page, copied as-is by {@link writePreview}. */
export const STATIC_FILES: readonly string[] = [
  "index.html",
  "app.js",
  "style.css",
];

/**
 * Copies the page's static files into `dir` (created with its parents if needed) and writes
 * `data` there as `data.json`, `data.schema.json` and the calendar feeds (see `dataFiles` in
 * `./files.ts`). Existing files of the same names are replaced atomically (a temp file beside
 * each, then a rename): a failure part-way (a full disk) leaves the previous good file in place,
 * never a truncated one. Other files in `dir` are left alone.
 *
 * @param dir Target folder, absolute or relative to the current directory.
 * @param data The web data to publish.
 * @returns `dir` as given and the paths of the written files (`dir` joined with each name;
 *   the static files first, then `data.json`, `data.schema.json` and the `.ics` feeds).
 */
export async function writePreview(
  dir: string,
  data: WebData,
): Promise<{ dir: string; files: string[] }> {
  await Deno.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const name of STATIC_FILES) {
    const target = join(dir, name);
    await writeAtomic(target, await Deno.readFile(new URL(name, WEB_DIR)));
    files.push(target);
  }
  for (const [name, text] of Object.entries(dataFiles(data))) {
    const target = join(dir, name);
    await writeAtomic(target, text);
    files.push(target);
  }
  return { dir, files };
}

/** The static page files ({@link STATIC_FILES}) by name. */
export async function staticFiles(): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const name of STATIC_FILES) files[name] = await Deno.readFile(new URL(name, WEB_DIR));
  return files;
}

/** The files a deploy publishes: the static page files and the data files (`dataFiles`), by name. */
export async function publishedFiles(data: WebData): Promise<Record<string, string | Uint8Array>> {
  return { ...await staticFiles(), ...dataFiles(data) };
}
