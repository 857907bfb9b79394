/**
 * Writes a complete, self-contained copy of the web page: the static files of `web/`
 * (`index.html`, `app.js`, `style.css`) plus a `data.json`, ready to serve or publish.
 *
 * @example
 * ```ts
 * import { writePreview } from "./preview.ts";
 * import { serveDir } from "./serve.ts";
 * import { toWebData } from "./data.ts";
 * const { dir } = await writePreview("dist/site", toWebData(result));
 * const server = serveDir(dir, { port: 8000 });
 * console.log(`Preview at ${server.url}`);
 * ```
 * @module
 */
import { join } from "node:path";
import { serializeWebData, type WebData } from "./data.ts";
import { writeAtomic } from "../atomic_write.ts";

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
 * `data` there as `data.json` (see `serializeWebData`). Existing files of the same names are
 * replaced atomically (a temp file beside each, then a rename): a failure part-way (a full disk)
 * leaves the previous good file in place, never a truncated one. Other files in `dir` are left
 * alone.
 *
 * @param dir Target folder, absolute or relative to the current directory.
 * @param data The web data to publish.
 * @returns `dir` as given and the paths of the written files (`dir` joined with each name;
 *   the static files first, `data.json` last).
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
  const dataPath = join(dir, "data.json");
  await writeAtomic(dataPath, serializeWebData(data));
  files.push(dataPath);
  return { dir, files };
}

/** The files a deploy publishes: the static page files and `data.json`, by name. */
export async function publishedFiles(data: WebData): Promise<Record<string, string | Uint8Array>> {
  const files: Record<string, string | Uint8Array> = {};
  for (const name of STATIC_FILES) files[name] = await Deno.readFile(new URL(name, WEB_DIR));
  files["data.json"] = serializeWebData(data);
  return files;
}
