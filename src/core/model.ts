/**
 * The plain-JSON types shared by the CLI, the activities and the workflow.
 *
 * Everything here must survive `JSON.stringify` / `JSON.parse` unchanged: these values
 * cross the Temporal payload boundary.
 *
 * @example
 * ```ts
 * import type { FoodTruckEvent } from "./model.ts";
 * const e: FoodTruckEvent = {
 *   venueKey: "stoup-ballard", venueName: "Stoup Brewing - Ballard",
 *   truckName: "Woodshop BBQ", date: "2026-11-25",
 *   start: "2026-11-25T13:00:00-08:00", end: "2026-11-25T20:00:00-08:00",
 * };
 * ```
 * @module
 */

/** One food truck at one venue on one Pacific day. */
export interface FoodTruckEvent {
  /** Registry key of the venue, e.g. `stoup-ballard`. */
  venueKey: string;
  /** Human name of the venue, from the venue list. */
  venueName: string;
  /** The truck's name; `"TBD"` when the venue has not named it. */
  truckName: string;
  /** Pacific calendar day, `YYYY-MM-DD`. */
  date: string;
  /** Start as ISO-8601 with the Pacific offset (`2026-11-25T13:00:00-08:00`), or null when unknown. */
  start: string | null;
  /** End as ISO-8601 with the Pacific offset, or null when unknown. */
  end: string | null;
  /** Optional free text (cuisine, link, note). */
  description?: string;
  /** URL of an image naming the truck (logo, flyer): the vision fallback's input when `truckName` is `"TBD"`. */
  imageUrl?: string;
  /** True when `truckName` was read from `imageUrl` by the model (the page shows a badge). */
  aiExtracted?: boolean;
}

/** A venue whose schedule could not be read. */
export interface VenueError {
  /** Registry key of the venue. */
  venueKey: string;
  /** Human name of the venue. */
  venueName: string;
  /** User-facing message: `Could not read the schedule of <venue>`. */
  message: string;
  /** Technical detail for operators (HTTP status, parse failure...). Never holds a secret. */
  detail: string;
}

/** A venue that was read, but not completely: e.g. its events were truncated at the cap. */
export interface VenueWarning {
  /** Registry key of the venue. */
  venueKey: string;
  /** Human name of the venue. */
  venueName: string;
  /** User-facing message, e.g. `Stoup: truncated to the first 500 events (…)`. */
  message: string;
}

/** One entry of the venue list file (`venues.json`). */
export interface VenueEntry {
  /** Registry key; must name a parser in `src/venues/registry.ts`. */
  key: string;
  /** Human name shown to users. */
  name: string;
  /** Primary URL of the schedule. Secondary URLs derive from its origin unless named in `options`. */
  url: string;
  /** Parser-specific options (plain JSON), e.g. `{ "ajaxUrl": "…" }`. */
  options?: Record<string, unknown>;
}

/** What one venue produced: events, or an error. */
export interface VenueResult {
  venueKey: string;
  venueName: string;
  events: FoodTruckEvent[];
  error?: VenueError;
}

/** Input of `FoodTruckWorkflow` (plain JSON). */
export interface FoodTruckWorkflowInput {
  /** The venues to read, as loaded from the venue list. */
  venues: VenueEntry[];
  /** Pacific day the window starts at (`YYYY-MM-DD`); default: today in Pacific time. */
  date?: string;
  /** Days after `date` to include (inclusive); default 7. */
  days?: number;
  /**
   * Shortens the venue phase's deadline (ms; tests, impatient operators). Never lengthens it:
   * values above the default (2 minutes, `VENUE_PHASE_DEADLINE_MS`) are ignored.
   */
  venueDeadlineMs?: number;
  /**
   * `true`: after scraping, publish the page and data to the **worker's own** configured
   * repository (`GIT_REPOSITORY_URL`, `GIT_BRANCH`, `GIT_DEPLOY_DIR` on the worker). Default: no
   * deploy. The input can only ask for a deploy, never say where: see {@link DeployRequest}.
   */
  deploy?: DeployRequest;
}

/**
 * Whether to deploy. An object is the legacy form (inputs and schedules made before the target
 * moved to the worker carried `{ repositoryUrl, branch, … }` here): it still means "deploy", but
 * its fields are ignored, and the result's `deploy.warning` says so.
 */
export type DeployRequest = boolean | LegacyDeployTarget;

/** The legacy deploy target of old inputs: never honoured (see {@link DeployRequest}). */
export type LegacyDeployTarget = Record<string, unknown>;

/** The warning a run gets when its input still names a deploy target. */
export const LEGACY_TARGET_WARNING =
  "the workflow input names a deploy target; it was ignored: the worker deploys only to its own " +
  "GIT_REPOSITORY_URL (send deploy: true; recreate old schedules with schedule create --update)";

/** Result of `FoodTruckWorkflow` (plain JSON). */
export interface FoodTruckWorkflowResult {
  /** First day of the window, `YYYY-MM-DD` Pacific. */
  from: string;
  /** Last day of the window (inclusive). */
  to: string;
  /** Events sorted by date then start time, duplicates removed. */
  events: FoodTruckEvent[];
  /** One entry per venue that failed. */
  errors: VenueError[];
  /**
   * Venues read only in part (events truncated at the per-venue cap or the payload budget, or
   * still pending at the venue deadline); absent when none. Shown by `start`/`scrape` and on
   * the page; exit code 2.
   */
  warnings?: VenueWarning[];
  /** A haiku about a truck scheduled on the first day (only when the AI touches are on). */
  haiku?: string;
  /**
   * True when events were dropped to stay within the payload budget (`src/core/payload.ts`); the
   * `warnings` then say where (`truncated: …`; venue key `*` for the whole week).
   */
  truncated?: boolean;
  /** Deploy outcome when `deploy` was requested. */
  deploy?: {
    committed: boolean;
    commit?: string;
    message: string;
    /** True when the deploy failed after its retries. */
    failed?: boolean;
    /** True when a retried deploy found the commit an earlier attempt of this run had pushed. */
    earlierAttempt?: boolean;
    /** Set when the input named a deploy target (ignored): {@link LEGACY_TARGET_WARNING}. */
    warning?: string;
  };
}
