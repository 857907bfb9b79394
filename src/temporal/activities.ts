/**
 * Activities: plain async functions the worker registers. Network failures throw so that
 * Temporal retries them; a page in the wrong shape or a 4xx (other than 429) fails at once.
 *
 * @example
 * ```ts
 * import { createActivities } from "./activities.ts";
 * import { Worker } from "@temporalio/worker";
 * const worker = await Worker.create({ activities: createActivities(), taskQueue: "food-trucks" });
 * await worker.run();
 * ```
 * @module
 */
import { ApplicationFailure } from "@temporalio/common";
import type {
  DeployRequest,
  FoodTruckEvent,
  FoodTruckWorkflowResult,
  VenueEntry,
} from "../core/model.ts";
import { LEGACY_TARGET_WARNING } from "../core/model.ts";
import { type GitSettings, GitTokenFileError, readGitToken } from "../config/git.ts";
import type { WebData } from "../publish/data.ts";
import { DEFAULT_PAGE_CHECKED_REFRESH_HOURS } from "../publish/refresh.ts";
import { GitDeployError } from "../publish/git_deploy.ts";
import type { AiActivities } from "../ai/activities.ts";
import { aiEnabled } from "../ai/settings.ts";
import type { AiSettings } from "../ai/settings.ts";
import { HttpClient, HttpRefusedError, HttpStatusError, ParseError } from "../net/http.ts";
import type { VenueFetchSettings } from "../config/app.ts";
import { boundEvents, VENUE_BUDGET_BYTES } from "../core/payload.ts";
import { pacificToday } from "../core/time.ts";
import type { DeployOutcome } from "./deploy_activity.ts";
import { withHeartbeats } from "./heartbeat.ts";
import { activityFetch } from "./cancellable_fetch.ts";

export type { DeployOutcome };

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
  /** Settings of the optional AI touches; off (no request made) without an API key. Default: off. */
  ai?: AiSettings;
  /** `PAGE_CHECKED_REFRESH_HOURS`: at most one stamp-only deploy commit per this many hours; default 6. */
  pageCheckedRefreshHours?: number;
}

/** Which AI touches a worker offers: an API key is set, and vision is not switched off. */
export interface AiTouches {
  vision: boolean;
  haiku: boolean;
}

/**
 * What `fetchVenue` returns: the venue's events within the payload budget, how many were cut,
 * and the AI touches of the worker that read it (so the workflow needs no extra step to ask).
 */
export interface VenueFetch {
  /** The events, at most {@link VENUE_BUDGET_BYTES} as JSON. */
  events: FoodTruckEvent[];
  /** Events dropped to stay within the budget (0 normally). */
  dropped: number;
  /** The AI touches of this worker (absent in histories recorded before it was added). */
  touches?: AiTouches;
}

/** Longest published haiku that {@link withSameDayHaiku} keeps (the pages repo is not trusted). */
const MAX_KEPT_HAIKU = 400;

/**
 * `data` with the haiku already published today (Pacific day of the published `updated`) in
 * place of its own: one haiku per day on the page whichever worker ran, so an unchanged day
 * publishes identical data (no new commit). `data` unchanged when there is none.
 */
export function withSameDayHaiku(oldFiles: Record<string, string>, data: WebData): WebData {
  let old: Record<string, unknown> | undefined;
  try {
    const v = JSON.parse(oldFiles["data.json"] ?? "null");
    old = v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    old = undefined;
  }
  const haiku = old?.haiku, updated = Date.parse(String(old?.updated));
  if (
    typeof haiku !== "string" || !haiku.trim() || haiku.length > MAX_KEPT_HAIKU ||
    !data.haiku || Number.isNaN(updated) ||
    pacificToday(updated) !== pacificToday(Date.parse(data.updated))
  ) return data;
  return { ...data, haiku };
}

// Loaded at first use, not at worker start (issue 19: a worker's memory): the scraping pipeline
// (cheerio, the venue parsers) at the first venue fetch; the page data (its JSON Schema
// validator) and the deploy only for runs that publish; the Anthropic SDK only with a key.
let pipelineModule: Promise<typeof import("../venues/pipeline.ts")> | undefined;
const loadPipeline = () => pipelineModule ??= import("../venues/pipeline.ts");
const loadWebData = () =>
  Promise.all([import("../publish/data.ts"), import("../publish/freshness.ts")]).then(([d, f]) => ({
    ...d,
    ...f,
  }));
const loadDeploy = () =>
  Promise.all([
    import("../publish/preview.ts"),
    import("../publish/freshness.ts"),
    import("./deploy_activity.ts"),
  ]).then(([p, f, d]) => ({ ...p, ...f, ...d }));

/** Which AI touches `settings` allow. */
function aiTouchesOf(settings: AiSettings): AiTouches {
  const on = aiEnabled(settings);
  return { vision: on && settings.visionEnabled !== false, haiku: on };
}

/** The body of the `extractTruckNames` activity. */
function extractTruckNamesWith(
  ai: () => Promise<AiActivities>,
  events: FoodTruckEvent[],
): Promise<FoodTruckEvent[]> {
  return withHeartbeats(async (signal) => (await ai()).extractTruckNames(events, signal));
}

/** The body of the `generateHaiku` activity. */
function generateHaikuWith(
  ai: () => Promise<AiActivities>,
  events: FoodTruckEvent[],
  today: string,
): Promise<string | null> {
  return withHeartbeats(async (signal) => (await ai()).generateHaiku(events, today, signal));
}

/** The body of the `fetchVenue` activity: one venue's events through `http`, heartbeating. */
function fetchVenueWith(
  http: HttpClient,
  touches: AiTouches,
  venue: VenueEntry,
  today: string,
  until: string,
): Promise<VenueFetch> {
  return withHeartbeats(async () => {
    const pipeline = await loadPipeline();
    try {
      const events = await pipeline.fetchVenueEvents(venue, today, until, http);
      return { ...boundEvents(events, VENUE_BUDGET_BYTES), touches };
    } catch (err) {
      throw venueFailure(err, pipeline);
    }
  });
}

/** The body of the `generateWebData` activity. */
async function generateWebDataWith(
  refreshHours: number,
  result: FoodTruckWorkflowResult,
): Promise<WebData> {
  const { toWebData, staleAfterHoursFor } = await loadWebData();
  return toWebData(result, new Date(), { staleAfterHours: staleAfterHoursFor(refreshHours) });
}

/** The body of the `deployWebData` activity: publishes to the worker's own `target`. */
async function deployWebDataWith(
  target: GitSettings | undefined,
  refreshHours: number,
  data: WebData,
  request: DeployRequest,
): Promise<DeployOutcome> {
  const warning = request !== null && typeof request === "object"
    ? LEGACY_TARGET_WARNING
    : undefined;
  if (!target) {
    throw ApplicationFailure.nonRetryable(
      "this worker has no GIT_REPOSITORY_URL: set it (and GIT_TOKEN or GIT_TOKEN_FILE) in the " +
        "worker's environment to deploy",
      "DeployNotConfigured",
    );
  }
  const { deployWithHeartbeats, planPublish, publishedFiles, staticFiles } = await loadDeploy();
  const statics = await staticFiles();
  try {
    const r = await deployWithHeartbeats({
      repositoryUrl: target.repositoryUrl,
      branch: target.branch,
      subdir: target.subdir,
      ...(target.authorName ? { authorName: target.authorName } : {}),
      ...(target.authorEmail ? { authorEmail: target.authorEmail } : {}),
      token: await readGitToken(target),
      files: await publishedFiles(data),
      // The day's published haiku is kept; the older stamps are kept; a stamp-only change
      // is committed at most once per refreshHours.
      prepare: (old) => planPublish(old, withSameDayHaiku(old, data), statics, { refreshHours }),
    });
    return { ...r, ...(warning ? { warning } : {}) };
  } catch (err) {
    if (err instanceof GitTokenFileError) {
      throw ApplicationFailure.retryable(`GIT_TOKEN_FILE: ${err.message}`, err.name);
    }
    if (err instanceof GitDeployError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(err.message, err.name);
    }
    throw err;
  }
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
  const aiSettings = options.ai ?? { apiKey: undefined, model: "" };
  const touches = aiTouchesOf(aiSettings);
  let aiActivities: Promise<AiActivities> | undefined;
  const ai = () =>
    aiActivities ??= import("../ai/activities.ts").then((m) => m.createAiActivities(aiSettings));
  const refreshHours = options.pageCheckedRefreshHours ?? DEFAULT_PAGE_CHECKED_REFRESH_HOURS;
  return {
    /**
     * Which AI touches this worker has (an API key; vision not switched off). Runs called this
     * local activity before `fetchVenue` carried the answer; kept so their histories replay.
     */
    aiTouches(): Promise<AiTouches> {
      return Promise.resolve({ ...touches });
    },

    /**
     * Names "TBD" trucks from their images (regular activity, heartbeating). Never fails; without
     * an API key it returns the events unchanged. A cancel aborts the request, ends it cancelled.
     */
    extractTruckNames(events: FoodTruckEvent[]): Promise<FoodTruckEvent[]> {
      return extractTruckNamesWith(ai, events);
    },

    /** The day's haiku (once per Pacific day, then reused), or null; fails only when cancelled. */
    generateHaiku(events: FoodTruckEvent[], today: string): Promise<string | null> {
      return generateHaikuWith(ai, events, today);
    },

    /**
     * Reads one venue's schedule, heartbeating, so that a workflow cancel aborts the request in
     * flight (a cancel arrives with a heartbeat response). Retryable on network errors, 5xx, 429.
     */
    fetchVenue(venue: VenueEntry, today: string, until: string): Promise<VenueFetch> {
      return fetchVenueWith(http, touches, venue, today, until);
    },

    /** The `data.json` content for a result (the same function the CLI's --preview uses). */
    generateWebData(result: FoodTruckWorkflowResult): Promise<WebData> {
      return generateWebDataWith(refreshHours, result);
    },

    /**
     * Publishes the page and `data` to the worker's own repository; idempotent, safe to retry.
     * `request` only says whether: a legacy target object in it is ignored (with a warning).
     */
    deployWebData(data: WebData, request: DeployRequest = true): Promise<DeployOutcome> {
      return deployWebDataWith(options.deploy, refreshHours, data, request);
    },
  };
}

/** The activity interface as the workflow sees it. */
export type Activities = ReturnType<typeof createActivities>;

/** A venue error as the activity's failure: refused or bad input never retried, else retryable. */
function venueFailure(
  err: unknown,
  { clip, MAX_DETAIL_CHARS }: Pick<
    typeof import("../venues/pipeline.ts"),
    "clip" | "MAX_DETAIL_CHARS"
  >,
): ApplicationFailure {
  const e = err as Error;
  // Refused by the guard (scheme, internal address, body cap) or bad input: never retried.
  const permanent = err instanceof ParseError || err instanceof HttpRefusedError ||
    (err instanceof HttpStatusError && err.status < 500 && err.status !== 429) ||
    !(err instanceof Error && /^Http/.test(e.name));
  const message = clip(String(e?.message ?? err).split("\n")[0], MAX_DETAIL_CHARS);
  const type = clip(String(e?.name ?? "Error"), 60);
  return permanent
    ? ApplicationFailure.nonRetryable(message, type)
    : ApplicationFailure.retryable(message, type);
}
