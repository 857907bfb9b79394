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
  /** Deploy the web page and data to this git target after scraping; default: no deploy. */
  deploy?: DeployTarget;
}

/** Where `--deploy` publishes (no secret here: the worker holds `GIT_TOKEN`). */
export interface DeployTarget {
  /** `GIT_REPOSITORY_URL`: https, ssh, file:// or a local path. */
  repositoryUrl: string;
  /** `GIT_BRANCH`; default `main`. */
  branch?: string;
  /** Folder in the repository; default `public`. */
  subdir?: string;
  /** `GIT_AUTHOR_NAME`; default `Around the Grounds`. */
  authorName?: string;
  /** `GIT_AUTHOR_EMAIL`. */
  authorEmail?: string;
}

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
  /** Venues read only in part (events truncated at the per-venue cap); absent when none. */
  warnings?: VenueWarning[];
  /** A haiku about a truck scheduled on the first day (only when the AI touches are on). */
  haiku?: string;
  /** Deploy outcome when `deploy` was requested. */
  deploy?: {
    committed: boolean;
    commit?: string;
    message: string;
    /** True when the deploy failed after its retries. */
    failed?: boolean;
  };
}
