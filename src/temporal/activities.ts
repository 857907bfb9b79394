/**
 * Activities: plain async functions the worker registers. Network failures throw so that
 * Temporal retries them; a page in the wrong shape or a 4xx (other than 429) fails at once.
 *
 * @example
 * ```ts
 * import { createActivities } from "./activities.ts";
 * const worker = await Worker.create({ activities: createActivities(), ... });
 * ```
 * @module
 */
import { ApplicationFailure } from "@temporalio/common";
import type {
  DeployTarget,
  FoodTruckEvent,
  FoodTruckWorkflowResult,
  VenueEntry,
} from "../model.ts";
import { toWebData } from "../web/data.ts";
import type { WebData } from "../web/data.ts";
import { publishedFiles } from "../web/preview.ts";
import { defaultCompare, GitDeployError } from "../deploy/git.ts";
import { createAiActivities } from "../ai/activities.ts";
import { aiEnabled } from "../ai/client.ts";
import type { AiSettings } from "../ai/client.ts";
import { HttpClient, HttpStatusError, ParseError } from "../http.ts";
import { fetchVenueEvents } from "../pipeline.ts";
import { boundEvents, VENUE_BUDGET_BYTES } from "../payload.ts";
import { pacificToday } from "../time.ts";
import { deployWithHeartbeats } from "./deploy_activity.ts";
import type { DeployOutcome } from "./deploy_activity.ts";
import { withHeartbeats } from "./heartbeat.ts";

export type { DeployOutcome };

/** Options of {@link createActivities}. */
export interface ActivityOptions {
  /** HTTP client for venue requests. Default: 10 s timeout, no in-process retry (Temporal retries). */
  http?: HttpClient;
  /** `GIT_TOKEN` for https deploy targets (held by the worker, never in workflow input). */
  gitToken?: string;
  /** Settings of the optional AI touches; off (no request made) without an API key. */
  ai?: AiSettings;
}

/** What `fetchVenue` returns: the venue's events within the payload budget, and how many were cut. */
export interface VenueFetch {
  /** The events, at most {@link VENUE_BUDGET_BYTES} as JSON. */
  events: FoodTruckEvent[];
  /** Events dropped to stay within the budget (0 normally). */
  dropped: number;
}

/**
 * Deploy comparison: like {@link defaultCompare}, and a published haiku of the same Pacific day
 * counts as equal to a new one, so an unchanged day makes no new commit whichever worker wrote it.
 */
export function sameDayCompare(
  oldFiles: Record<string, string>,
  newFiles: Record<string, string>,
): boolean {
  const a = parse(oldFiles["data.json"]), b = parse(newFiles["data.json"]);
  if (
    a && b && typeof a.haiku === "string" && typeof b.updated === "string" &&
    typeof a.updated === "string" &&
    pacificToday(Date.parse(a.updated)) === pacificToday(Date.parse(b.updated))
  ) {
    b.haiku = a.haiku;
    return defaultCompare(oldFiles, { ...newFiles, "data.json": JSON.stringify(b) });
  }
  return defaultCompare(oldFiles, newFiles);
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = text === undefined ? undefined : JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The activity implementations, closed over their dependencies. */
export function createActivities(options: ActivityOptions = {}) {
  const http = options.http ?? new HttpClient({ retries: 0 });
  const aiSettings = options.ai ?? { apiKey: undefined, model: "" };
  const ai = createAiActivities(aiSettings);
  return {
    /**
     * Which AI touches this worker has (an API key; vision not switched off). A local activity:
     * the workflow schedules the paid touches only when they can do something.
     */
    aiTouches(): Promise<{ vision: boolean; haiku: boolean }> {
      const on = aiEnabled(aiSettings);
      return Promise.resolve({ vision: on && aiSettings.visionEnabled !== false, haiku: on });
    },

    /**
     * Names "TBD" trucks from their images (regular activity, heartbeating). Never throws;
     * without an API key it returns the events unchanged, making no request.
     */
    extractTruckNames(events: FoodTruckEvent[]): Promise<FoodTruckEvent[]> {
      return withHeartbeats(() => ai.extractTruckNames(events));
    },

    /** The day's haiku (once per Pacific day, then reused), or null. Never throws. */
    generateHaiku(events: FoodTruckEvent[], today: string): Promise<string | null> {
      return withHeartbeats(() => ai.generateHaiku(events, today));
    },

    /** Reads one venue's schedule. Retryable on network errors, 5xx and 429. */
    async fetchVenue(venue: VenueEntry, today: string, until: string): Promise<VenueFetch> {
      try {
        return boundEvents(await fetchVenueEvents(venue, today, until, http), VENUE_BUDGET_BYTES);
      } catch (err) {
        const e = err as Error;
        const permanent = err instanceof ParseError ||
          (err instanceof HttpStatusError && err.status < 500 && err.status !== 429) ||
          !(err instanceof Error && /^Http/.test(e.name));
        if (permanent) throw ApplicationFailure.nonRetryable(e.message, e.name);
        throw ApplicationFailure.retryable(e.message, e.name);
      }
    },

    /** The `data.json` content for a result (the same function the CLI's --preview uses). */
    generateWebData(result: FoodTruckWorkflowResult): Promise<WebData> {
      return Promise.resolve(toWebData(result, new Date()));
    },

    /**
     * Publishes the page and `data` to the git target; idempotent, safe to retry. Heartbeats
     * every second and stops (killing `git`) when the workflow cancels it.
     */
    async deployWebData(data: WebData, target: DeployTarget): Promise<DeployOutcome> {
      try {
        return await deployWithHeartbeats({
          ...target,
          token: options.gitToken,
          files: await publishedFiles(data),
          compare: sameDayCompare,
        });
      } catch (err) {
        if (err instanceof GitDeployError && !err.retryable) {
          throw ApplicationFailure.nonRetryable(err.message, err.name);
        }
        throw err;
      }
    },
  };
}

/** The activity interface as the workflow sees it. */
export type Activities = ReturnType<typeof createActivities>;
