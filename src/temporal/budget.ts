/**
 * The run's timeout budget, in one place: the workflow's activity options, the execution timeout
 * that `start` and schedules set, and the README's "Timeout budget" table all come from here.
 * Pure constants (bundled into the workflow sandbox too).
 *
 * @example
 * ```ts
 * import { RUN_BUDGET_MS, RUN_EXECUTION_TIMEOUT_MS } from "./budget.ts";
 * console.log(RUN_BUDGET_MS / 60_000, RUN_EXECUTION_TIMEOUT_MS / 60_000); // 12 15
 * ```
 * @module
 */

/** One attempt to read a venue (its HTTP timeout is 10 s): 15 s. */
export const VENUE_ATTEMPT_TIMEOUT_MS = 15_000;
/**
 * Heartbeat timeout of a venue attempt: 5 s. The attempt heartbeats every second, so a workflow
 * cancel reaches a request in flight within about a second, and a lost worker is noticed in 5 s.
 */
export const VENUE_HEARTBEAT_TIMEOUT_MS = 5_000;
/** All attempts of one venue (3 attempts, 1 s and 2 s backoff: 48 s worst case): 1 minute. */
export const VENUE_TIMEOUT_MS = 60_000;
/** The venue phase: venues still pending then are cancelled and reported timed out: 2 minutes. */
export const VENUE_PHASE_DEADLINE_MS = 2 * 60_000;
/** Each AI touch (names, haiku), all attempts: 2 minutes. */
export const AI_TIMEOUT_MS = 2 * 60_000;
/** Heartbeat timeout of the AI touches: 30 s. */
export const AI_HEARTBEAT_TIMEOUT_MS = 30_000;
/** Building the page data: 1 minute. */
export const WEB_DATA_TIMEOUT_MS = 60_000;
/** One deploy attempt: 2 minutes; a lost worker is noticed after the 10 s heartbeat timeout. */
export const DEPLOY_ATTEMPT_TIMEOUT_MS = 2 * 60_000;
/** Heartbeat timeout of the deploy activity: 10 s. */
export const DEPLOY_HEARTBEAT_TIMEOUT_MS = 10_000;
/** All deploy attempts: 5 minutes. */
export const DEPLOY_TIMEOUT_MS = 5 * 60_000;
/** The worst case of a whole run: venue phase + two AI touches + page data + deploy (12 min). */
export const RUN_BUDGET_MS = VENUE_PHASE_DEADLINE_MS + 2 * AI_TIMEOUT_MS + WEB_DATA_TIMEOUT_MS +
  DEPLOY_TIMEOUT_MS;
/** Execution timeout that `start` and schedules set: the budget plus 3 minutes of slack (15 min). */
export const RUN_EXECUTION_TIMEOUT_MS = RUN_BUDGET_MS + 3 * 60_000;
