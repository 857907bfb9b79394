/**
 * Atomic file writes: the new content goes to a temp file beside the target, which is then
 * renamed over it, so a reader (or a crash, or a full disk) sees either the old file or the new
 * one, never a truncated mix. Used by the preview writer and the git deploy.
 *
 * @example
 * ```ts
 * import { writeAtomic } from "./atomic_write.ts";
 * await writeAtomic("public/data.json", JSON.stringify({ events: [] }));
 * ```
 * @module
 */

/**
 * Writes `content` to `path` atomically: a temp file in the same folder (created exclusively,
 * so never through a link), then a rename over `path`. On failure the old file is untouched and
 * the temp file removed.
 */
export async function writeAtomic(path: string, content: Uint8Array | string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const tmp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.atg-tmp-${
    crypto.randomUUID().slice(0, 8)
  }`;
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o644 });
    try {
      const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
