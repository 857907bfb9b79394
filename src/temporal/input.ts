/**
 * Builds the `FoodTruckWorkflow` input the same way for `start`, `dev` and schedules, so a
 * scheduled run behaves exactly like a manual one.
 *
 * @example
 * ```ts
 * import { buildWorkflowInput } from "./input.ts";
 * const input = await buildWorkflowInput(cfg, { venuesPath: "venues.json", deploy: true });
 * ```
 * @module
 */
import type { TemporalConfig } from "../config/mod.ts";
import type { FoodTruckWorkflowInput } from "../model.ts";
import { loadVenueList } from "../venues/list.ts";
import { FatalError } from "../cli.ts";

/** Options of {@link buildWorkflowInput}. */
export interface InputOptions {
  /** Venue list file. Default: the shipped `src/venues/venues.json`. */
  venuesPath?: string;
  /** Pacific day the window starts at. Default: unset, so each run uses its own today (schedules). */
  date?: string;
  /** Deploy to `GIT_REPOSITORY_URL` after scraping. Default false. */
  deploy?: boolean;
}

/** The workflow input: venues from the list file, the date if fixed, the deploy target if asked. */
export async function buildWorkflowInput(
  cfg: TemporalConfig,
  options: InputOptions = {},
): Promise<FoodTruckWorkflowInput> {
  const venues = await loadVenueList(options.venuesPath);
  if (options.deploy && !cfg.app.deploy) {
    throw new FatalError("--deploy needs GIT_REPOSITORY_URL (set it in the environment or .env)");
  }
  return {
    venues,
    ...(options.date ? { date: options.date } : {}),
    ...(options.deploy ? { deploy: cfg.app.deploy } : {}),
  };
}
