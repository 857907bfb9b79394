/**
 * The page's refresh setting, `PAGE_CHECKED_REFRESH_HOURS`, without dependencies (the config
 * module reads it): how often a deploy may commit a stamp-only change, and the page's stale
 * threshold derived from it. See `./freshness.ts` for the trade-off.
 *
 * @example
 * ```ts
 * import { parseRefreshHours, staleAfterHoursFor } from "./refresh.ts";
 * const hours = parseRefreshHours(Deno.env.get("PAGE_CHECKED_REFRESH_HOURS")); // 6 when unset
 * staleAfterHoursFor(hours); // 12
 * ```
 * @module
 */

/** Default `PAGE_CHECKED_REFRESH_HOURS`: at most one stamp-only commit per this many hours. */
export const DEFAULT_PAGE_CHECKED_REFRESH_HOURS = 6;

/** The page's stale threshold for a refresh interval: twice the interval (hours). */
export function staleAfterHoursFor(refreshHours: number): number {
  return refreshHours * 2;
}

/** A bad `PAGE_CHECKED_REFRESH_HOURS` value. */
export class RefreshHoursError extends Error {
  override name = "RefreshHoursError";
}

/**
 * Parses `PAGE_CHECKED_REFRESH_HOURS`.
 *
 * @param raw The variable's value; unset or blank gives the default.
 * @returns Hours, a number > 0 and ≤ 168; default {@link DEFAULT_PAGE_CHECKED_REFRESH_HOURS}.
 * @throws RefreshHoursError naming the variable and the accepted range.
 */
export function parseRefreshHours(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_PAGE_CHECKED_REFRESH_HOURS;
  const n = Number(raw.trim());
  if (!Number.isFinite(n) || n <= 0 || n > 168) {
    throw new RefreshHoursError(
      `PAGE_CHECKED_REFRESH_HOURS="${raw}" is not a number of hours between 0 and 168: ` +
        `set e.g. PAGE_CHECKED_REFRESH_HOURS=6`,
    );
  }
  return n;
}
