/**
 * Freshness that tells the truth without a commit every run.
 *
 * The published data carries three kinds of stamps: `updated` (the content last changed),
 * `checked` (a run last confirmed it) and, per venue, `checked` (last successful read) and
 * `changed` (its events last changed). {@link carryOver} keeps the older stamps when the content
 * is the same, and {@link planPublish} decides what a deploy writes: nothing at all when only
 * stamps moved and the published `checked` is younger than the refresh interval
 * (`PAGE_CHECKED_REFRESH_HOURS`, default {@link DEFAULT_PAGE_CHECKED_REFRESH_HOURS}); otherwise
 * the fresh files with the carried-over stamps.
 *
 * The trade-off: a run on an unchanged day makes no commit, so the page's "checked" stamp can
 * lag the real last check by up to the refresh interval (plus the schedule's period); in
 * exchange the pages repository gets at most one stamp-only commit per interval. The page calls
 * itself stale only past `stale_after_hours` (default {@link staleAfterHoursFor}: twice the
 * interval), so a healthy tracker never looks stale and a dead one does within a bounded time.
 *
 * @example
 * ```ts
 * import { planPublish } from "./freshness.ts";
 * import { publishedFiles, staticFiles } from "./preview.ts";
 * import { deployToGit } from "./git_deploy.ts";
 * const repositoryUrl = "https://github.com/example/pages.git";
 * declare const data: import("./data.ts").WebData;
 * const statics = await staticFiles();
 * await deployToGit({
 *   repositoryUrl, files: await publishedFiles(data),
 *   prepare: (old) => planPublish(old, data, statics, { refreshHours: 6 }),
 * });
 * ```
 * @module
 */
import { canonicalJson } from "../core/canonical_json.ts";
import { parseWebData, sameWebData, type WebData } from "./data.ts";
import { dataFiles } from "./files.ts";

export {
  DEFAULT_PAGE_CHECKED_REFRESH_HOURS,
  parseRefreshHours,
  RefreshHoursError,
  staleAfterHoursFor,
} from "./refresh.ts";
import { DEFAULT_PAGE_CHECKED_REFRESH_HOURS } from "./refresh.ts";

/** The events of one venue, as a comparable string. */
function venueEvents(d: WebData, key: string): string {
  return canonicalJson(d.events.filter((e) => e.venue_key === key));
}

/**
 * The fresh data with the older stamps kept where nothing changed: `updated` stays when the
 * content (stamps aside) is the same; a venue read now gets `checked` = `fresh.checked` and
 * keeps its old `changed` when its events are the same; a venue that failed keeps its old
 * `checked` and `changed` (null when never seen).
 *
 * @param old The data already published, or null.
 * @param fresh The data just built (`toWebData`).
 * @returns A new object; neither argument is modified.
 */
export function carryOver(old: WebData | null, fresh: WebData): WebData {
  if (!old) return structuredClone(fresh);
  const out = structuredClone(fresh);
  if (sameWebData(old, fresh)) out.updated = old.updated;
  const before = new Map((old.venues ?? []).map((v) => [v.key, v]));
  for (const v of out.venues) {
    const o = before.get(v.key);
    if (!o) continue;
    if (v.ok) {
      if (venueEvents(old, v.key) === venueEvents(fresh, v.key) && o.changed) {
        v.changed = o.changed;
      }
    } else {
      v.checked = o.checked;
      v.changed = o.changed;
    }
  }
  return out;
}

/** Options of {@link planPublish}. */
export interface PlanOptions {
  /** Hours after which a stamp-only commit is made; default {@link DEFAULT_PAGE_CHECKED_REFRESH_HOURS}. */
  refreshHours?: number;
}

function sameBytes(a: string | Uint8Array | undefined, b: string | Uint8Array | undefined) {
  const enc = (x: string | Uint8Array | undefined) =>
    x === undefined ? "\u0000missing" : typeof x === "string" ? x : new TextDecoder().decode(x);
  return enc(a) === enc(b);
}

/**
 * What a deploy should publish, given what the pages repository already has.
 *
 * @param oldFiles The published files (name → text), as `deployToGit`'s `prepare` receives them.
 *   Hostile input: a `data.json` that does not match the contract is treated as absent.
 * @param fresh The data just built.
 * @param staticFiles The static page files (`index.html`, `app.js`, `style.css`).
 * @param opts See {@link PlanOptions}.
 * @returns `oldFiles` itself when only stamps changed and the published `checked` is younger
 *   than the refresh interval (nothing to commit); otherwise the files to publish, with the
 *   stamps carried over by {@link carryOver}.
 */
export function planPublish(
  oldFiles: Record<string, string>,
  fresh: WebData,
  staticFiles: Record<string, string | Uint8Array>,
  opts: PlanOptions = {},
): Record<string, string | Uint8Array> {
  const refreshMs = (opts.refreshHours ?? DEFAULT_PAGE_CHECKED_REFRESH_HOURS) * 3_600_000;
  let old: WebData | null = null;
  try {
    if (oldFiles["data.json"] !== undefined) old = parseWebData(oldFiles["data.json"]);
  } catch {
    old = null; // unreadable or from another schema version: publish afresh
  }
  const data = carryOver(old, fresh);
  const files: Record<string, string | Uint8Array> = { ...staticFiles, ...dataFiles(data) };
  if (!old) return files;
  const age = Date.parse(data.checked) - Date.parse(old.checked);
  if (!(age < refreshMs)) return files;
  const names = Object.keys(files).sort();
  const oldNames = Object.keys(oldFiles).sort();
  if (names.join("\n") !== oldNames.join("\n")) return files;
  for (const name of names) {
    if (name === "data.json") continue;
    if (!sameBytes(files[name], oldFiles[name])) return files;
  }
  return sameWebData(old, data) && old.updated === data.updated ? oldFiles : files;
}
