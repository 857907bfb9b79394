/**
 * The deploy's temp dirs (its clone and git's private `HOME`): their prefix, keeping a running
 * deploy's dirs fresh, and removing those a dead process left behind.
 *
 * @example
 * ```ts
 * import { removeStaleTempDirs } from "./deploy_temp.ts";
 *
 * const removed = await removeStaleTempDirs(); // at worker start
 * console.log(`removed ${removed.length} stale deploy dirs`);
 * ```
 *
 * @module
 */

/** Prefix of the temp dirs a deploy creates (its clone and git's private `HOME`). */
export const TEMP_PREFIX = "atg-git-";

/** A deploy temp dir untouched for this long belongs to no running deploy. */
export const STALE_AFTER_MS = 120_000;

/**
 * Removes deploy temp dirs (`atg-git-*` in the system temp dir, `TMPDIR`) left behind by a
 * process that died mid-deploy (e.g. `kill -9`): those not modified for
 * {@link STALE_AFTER_MS}. A running deploy touches its dirs every 30 s, so other workers on the
 * same host keep theirs. Called when the worker starts. Never throws.
 *
 * @returns the removed paths.
 */
export async function removeStaleTempDirs(now: Date = new Date()): Promise<string[]> {
  const removed: string[] = [];
  try {
    // The temp dir without reading TMPDIR (no env permission needed): the parent of a new one.
    const probe = await Deno.makeTempDir({ prefix: `${TEMP_PREFIX}probe-` });
    const parent = probe.slice(0, probe.lastIndexOf("/"));
    await Deno.remove(probe);
    for await (const e of Deno.readDir(parent)) {
      if (!e.name.startsWith(TEMP_PREFIX) || !e.isDirectory) continue;
      const path = `${parent}/${e.name}`;
      const info = await Deno.lstat(path).catch(() => undefined);
      if (!info?.mtime || now.getTime() - info.mtime.getTime() < STALE_AFTER_MS) continue;
      await Deno.remove(path, { recursive: true }).then(() => removed.push(path), () => {});
    }
  } catch {
    // Best effort: a temp dir we cannot list is not worth failing the worker for.
  }
  return removed;
}

/**
 * Touches the dirs `dirs()` names every {@link STALE_AFTER_MS}/4, so that another process's
 * {@link removeStaleTempDirs} leaves them alone while this deploy runs.
 *
 * @returns a function that stops the touching.
 */
export function keepFresh(dirs: () => (string | undefined)[]): () => void {
  const touch = setInterval(() => {
    const now = new Date();
    for (const d of dirs()) if (d) Deno.utime(d, now, now).catch(() => {});
  }, STALE_AFTER_MS / 4);
  return () => clearInterval(touch);
}
