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
  DeployRequest,
  FoodTruckEvent,
  FoodTruckWorkflowResult,
  VenueEntry,
} from "../model.ts";
import { LEGACY_TARGET_WARNING } from "../model.ts";
import { type GitSettings, GitTokenFileError, readGitToken } from "../config/git.ts";
import { toWebData } from "../web/data.ts";
import type { WebData } from "../web/data.ts";
import { publishedFiles, staticFiles } from "../web/preview.ts";
import {
  DEFAULT_PAGE_CHECKED_REFRESH_HOURS,
  planPublish,
  staleAfterHoursFor,
} from "../web/freshness.ts";
import { deployToGit, GitDeployError } from "../deploy/git.ts";
import { createAiActivities } from "../ai/activities.ts";
import type { AiSettings } from "../ai/client.ts";
import { HttpClient, HttpRefusedError, HttpStatusError, ParseError } from "../http.ts";
import { clip, fetchVenueEvents, MAX_DETAIL_CHARS } from "../pipeline.ts";
import type { VenueFetchSettings } from "../config/app.ts";
import { activityFetch } from "./cancellable_fetch.ts";

/** Options of {@link createActivities}. */
export interface ActivityOptions {
  /**
   * HTTP client for venue requests. Default: 10 s timeout, no in-process retry (Temporal
   * retries), the guards of `venueFetch`.
   */
  http?: HttpClient;
  /**
   * Guards of the default client: internal addresses allowed (`VENUE_ALLOW_PRIVATE_NETWORKS`)
   * and the body cap (`VENUE_MAX_BODY_BYTES`). Default: public addresses only, 5 MiB.
   */
  venueFetch?: Partial<VenueFetchSettings>;
  /**
   * The worker's own deploy target and token (`GIT_REPOSITORY_URL`, `GIT_BRANCH`,
   * `GIT_DEPLOY_DIR`, `GIT_TOKEN` / `GIT_TOKEN_FILE`); never taken from workflow input.
   * Default: none, and a requested deploy fails with a one-line message.
   */
  deploy?: GitSettings;
  /** Settings of the optional AI touches; off (no request made) without an API key. */
  ai?: AiSettings;
  /** `PAGE_CHECKED_REFRESH_HOURS`: at most one stamp-only deploy commit per this many hours; default 6. */
  pageCheckedRefreshHours?: number;
}

/** Outcome of the `deployWebData` activity. */
export interface DeployOutcome {
  committed: boolean;
  commit?: string;
  message: string;
  /** Set when the input named a deploy target, which was ignored. */
  warning?: string;
}

/** The activity implementations, closed over their dependencies. */
export function createActivities(options: ActivityOptions = {}) {
  // activityFetch: the worker's shutdown grace period also aborts requests in flight.
  const http = options.http ?? new HttpClient({
    retries: 0,
    fetch: activityFetch,
    allowPrivateNetworks: options.venueFetch?.allowPrivateNetworks ?? false,
    maxBodyBytes: options.venueFetch?.maxBodyBytes,
  });
  const ai = createAiActivities(options.ai ?? { apiKey: undefined, model: "" });
  const refreshHours = options.pageCheckedRefreshHours ?? DEFAULT_PAGE_CHECKED_REFRESH_HOURS;
  return {
    /**
     * The optional AI touches in one call: names "TBD" trucks from their images and writes a
     * haiku about a truck scheduled on `today`. Never throws; without an API key it returns the
     * events unchanged and no haiku, making no request.
     */
    async enrichWithAi(
      events: FoodTruckEvent[],
      today: string,
    ): Promise<{ events: FoodTruckEvent[]; haiku: string | null }> {
      const named = await ai.extractTruckNames(events);
      return { events: named, haiku: await ai.generateHaiku(named, today) };
    },

    /** Reads one venue's schedule. Retryable on network errors, 5xx and 429. */
    async fetchVenue(venue: VenueEntry, today: string, until: string): Promise<FoodTruckEvent[]> {
      try {
        return await fetchVenueEvents(venue, today, until, http);
      } catch (err) {
        const e = err as Error;
        // Refused by the guard (scheme, internal address, body cap) or bad input: never retried.
        const permanent = err instanceof ParseError || err instanceof HttpRefusedError ||
          (err instanceof HttpStatusError && err.status < 500 && err.status !== 429) ||
          !(err instanceof Error && /^Http/.test(e.name));
        const message = clip(String(e?.message ?? err).split("\n")[0], MAX_DETAIL_CHARS);
        const type = clip(String(e?.name ?? "Error"), 60);
        if (permanent) throw ApplicationFailure.nonRetryable(message, type);
        throw ApplicationFailure.retryable(message, type);
      }
    },

    /** The `data.json` content for a result (the same function the CLI's --preview uses). */
    generateWebData(result: FoodTruckWorkflowResult): Promise<WebData> {
      return Promise.resolve(
        toWebData(result, new Date(), { staleAfterHours: staleAfterHoursFor(refreshHours) }),
      );
    },

    /**
     * Publishes the page and `data` to the worker's own repository; idempotent, safe to retry.
     * `request` only says whether: a legacy target object in it is ignored (with a warning).
     */
    async deployWebData(data: WebData, request: DeployRequest = true): Promise<DeployOutcome> {
      const warning = request !== null && typeof request === "object"
        ? LEGACY_TARGET_WARNING
        : undefined;
      const target = options.deploy;
      if (!target) {
        throw ApplicationFailure.nonRetryable(
          "this worker has no GIT_REPOSITORY_URL: set it (and GIT_TOKEN or GIT_TOKEN_FILE) in the " +
            "worker's environment to deploy",
          "DeployNotConfigured",
        );
      }
      const statics = await staticFiles();
      try {
        const r = await deployToGit({
          repositoryUrl: target.repositoryUrl,
          branch: target.branch,
          subdir: target.subdir,
          ...(target.authorName ? { authorName: target.authorName } : {}),
          ...(target.authorEmail ? { authorEmail: target.authorEmail } : {}),
          token: await readGitToken(target),
          files: await publishedFiles(data),
          // Keeps the older stamps; commits a stamp-only change at most once per refreshHours.
          prepare: (old) => planPublish(old, data, statics, { refreshHours }),
        });
        return {
          committed: r.committed,
          commit: r.commit,
          message: r.message,
          ...(warning ? { warning } : {}),
        };
      } catch (err) {
        if (err instanceof GitTokenFileError) {
          throw ApplicationFailure.retryable(`GIT_TOKEN_FILE: ${err.message}`, err.name);
        }
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
