/**
 * `--preview [dir]` for `scrape` and `start`: writes the page and `data.json` built from a
 * result, and says how to look at it.
 *
 * @example
 * ```ts
 * import { writeResultPreview } from "./preview_cli.ts";
 * await writeResultPreview(result, "public");
 * ```
 * @module
 */
import type { FoodTruckWorkflowResult } from "./model.ts";
import { toWebData } from "./web/data.ts";
import { writePreview } from "./web/preview.ts";

/** Default folder of `--preview`. */
export const DEFAULT_PREVIEW_DIR = "public";

/** Writes the preview of `result` into `dir` and prints (to stderr) how to serve it. */
export async function writeResultPreview(
  result: FoodTruckWorkflowResult,
  dir: string = DEFAULT_PREVIEW_DIR,
): Promise<string[]> {
  const { files } = await writePreview(dir, toWebData(result));
  console.error(
    `preview: wrote ${files.length} files to ${dir}/ — view it with: deno task serve --dir ${dir}  (then open http://127.0.0.1:8000/)`,
  );
  return files;
}
