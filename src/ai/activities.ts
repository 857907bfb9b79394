/**
 * The AI touches as Temporal activities: plain async functions that never throw. Every failure
 * (no answer in time, HTTP error after the SDK's bounded retries, malformed answer, missing
 * permission...) is logged as one line without the key, and a safe fallback is returned:
 * the events unchanged, or no haiku. Without an API key they do nothing and make no request.
 * The one exception is a cancellation: given the activity's cancellation `signal`, an abort
 * stops the paid request at once and rejects with `signal.reason` (no fallback, no log line).
 *
 * Register them next to the other activities; give each a `startToCloseTimeout` above the worst
 * case of its requests ((maxRetries + 1) × timeoutMs plus backoff, per image for the vision
 * fallback) and a single attempt: they do their own retrying.
 *
 * @example
 * ```ts
 * import { createAiActivities } from "./activities.ts";
 * import { aiSettingsFromApp } from "./client.ts";
 * import { createActivities } from "../temporal/activities.ts";
 * import { loadConfig, requireValid } from "../config/mod.ts";
 * const { app } = requireValid(await loadConfig());
 * const activities = {
 *   ...createActivities({ deploy: app.deploy }),
 *   ...createAiActivities(aiSettingsFromApp(app)),
 * };
 * console.log(Object.keys(activities));
 * // in the workflow:
 * //   events = await extractTruckNames(events);
 * //   const haiku = await generateHaiku(events, today);
 * ```
 * @module
 */
import type { FoodTruckEvent } from "../core/model.ts";
import { type AiSettings, describeAiError, logLine } from "./client.ts";
import { generateHaiku } from "./haiku.ts";
import { applyVision, TruckNameCache, type VisionEvent } from "./vision.ts";

/**
 * Builds the AI activities over one settings object. The vision cache (memory, plus
 * `settings.visionCachePath` when set) lives as long as the returned object.
 *
 * @param settings The AI settings; `timeoutMs` default 20000, `maxRetries` default 2,
 *   `visionEnabled` default true.
 * @returns `extractTruckNames(events, signal?)` and `generateHaiku(events, today, signal?)`.
 */
export function createAiActivities(settings: AiSettings) {
  let cache: Promise<TruckNameCache> | undefined;
  // One haiku per Pacific day: reused by later runs of the day, so an unchanged day publishes
  // the same data.json (no new commit). Only the latest day is kept.
  const haikus = new Map<string, string>();
  return {
    /**
     * Names `"TBD"` events that carry an `imageUrl` from their image (`aiExtracted: true`).
     * On any failure the events come back unchanged. `signal` (default none) stops the current
     * request at once; once it aborted, rejects with `signal.reason` (the only rejection).
     */
    async extractTruckNames<E extends VisionEvent>(
      events: E[],
      signal?: AbortSignal,
    ): Promise<E[]> {
      try {
        cache ??= TruckNameCache.load(settings.visionCachePath);
        return await applyVision(events, settings, await cache, signal);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        logLine(settings, `vision: skipped: ${describeAiError(err, settings)}`);
        return events;
      }
    },

    /**
     * One haiku about a truck scheduled `today` (Pacific `YYYY-MM-DD`), or null: no key, no
     * truck today, or any failure. Computed once per day and reused (no request) by later calls
     * for the same `today`. `signal` (default none) stops the request at once; once it aborted,
     * rejects with `signal.reason` (the only rejection).
     */
    async generateHaiku(
      events: FoodTruckEvent[],
      today: string,
      signal?: AbortSignal,
    ): Promise<string | null> {
      const known = haikus.get(today);
      if (known !== undefined) return known;
      try {
        const haiku = await generateHaiku(events, today, settings, signal);
        if (haiku !== null) {
          haikus.clear();
          haikus.set(today, haiku);
        }
        return haiku;
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        logLine(settings, `haiku: skipped: ${describeAiError(err, settings)}`);
        return null;
      }
    },
  };
}

/** The AI activity interface as a workflow sees it. */
export type AiActivities = ReturnType<typeof createAiActivities>;
