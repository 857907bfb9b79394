/**
 * Builds the `FoodTruckWorkflow` input the same way for `start`, `dev` and schedules, so a
 * scheduled run behaves exactly like a manual one.
 *
 * @example
 * ```ts
 * import { buildWorkflowInput } from "./input.ts";
 * declare const cfg: import("../config/mod.ts").TemporalConfig;
 * const input = await buildWorkflowInput(cfg, { venuesPath: "venues.json", deploy: true });
 * ```
 * @module
 */
import type { TemporalConfig } from "../config/mod.ts";
import type { FoodTruckWorkflowInput } from "../core/model.ts";
import { loadVenueList } from "../venues/list.ts";

/** Options of {@link buildWorkflowInput}. */
export interface InputOptions {
  /** Venue list file. Default: the shipped `src/venues/venues.json`. */
  venuesPath?: string;
  /** Pacific day the window starts at. Default: unset, so each run uses its own today (schedules). */
  date?: string;
  /** Ask the worker to deploy to its own `GIT_REPOSITORY_URL` after scraping. Default false. */
  deploy?: boolean;
}

/**
 * The workflow input: venues from the list file, the date if fixed, and `deploy: true` if asked.
 * It never holds the deploy target: that is the worker's own configuration.
 */
export async function buildWorkflowInput(
  _cfg: TemporalConfig,
  options: InputOptions = {},
): Promise<FoodTruckWorkflowInput> {
  const venues = await loadVenueList(options.venuesPath);
  return {
    venues,
    ...(options.date ? { date: options.date } : {}),
    ...(options.deploy ? { deploy: true } : {}),
  };
}
