/**
 * Temporal Schedules for the tracker: run `FoodTruckWorkflow` every N minutes (or on a cron
 * expression) without a starter process. Used by `deno task schedule`.
 *
 * A schedule's action starts `FoodTruckWorkflow` on the configured task queue with the same input
 * a manual `deno task start` builds ({@link buildWorkflowInput}, without a date, so every run
 * computes its own Pacific today). Workflow ids are `food-trucks-scheduled-<id>-<time>` (Temporal
 * appends the scheduled time). The input holds the venue list and, with `deploy`, only
 * `deploy: true`: the target and `GIT_TOKEN` are the worker's own configuration.
 *
 * @example
 * ```ts
 * import {
 *   connectScheduleClient,
 *   createSchedule,
 *   describeSchedule,
 *   formatScheduleInfo,
 * } from "./schedules.ts";
 * import { loadConfig, requireValid } from "../config/mod.ts";
 * const cfg = requireValid(await loadConfig());
 * const { client, close } = await connectScheduleClient(cfg);
 * try {
 *   await createSchedule(client, cfg, { id: "every-30m", timing: { every: "30m" } });
 *   const info = await describeSchedule(client, cfg, "every-30m");
 *   console.log(formatScheduleInfo(info));
 * } finally {
 *   await close();
 * }
 * ```
 * @module
 */
import {
  NamespaceNotFoundError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ServiceError,
} from "@temporalio/client";
import type {
  Client,
  ScheduleHandle,
  ScheduleOptionsStartWorkflowAction,
  ScheduleUpdateOptions,
} from "@temporalio/client";
import type { TemporalConfig } from "../config/mod.ts";
import { connectClient } from "../config/connect.ts";
import type { ConnectedClient } from "../config/connect.ts";
import { FatalError, UsageError } from "../cli/main.ts";
import {
  connectionFailed,
  ConnectionFailedError,
  namespaceMissingMessage,
} from "../config/classify.ts";
import { buildWorkflowInput } from "./input.ts";
import { WORKFLOW_TYPE } from "./starter.ts";
import { RUN_EXECUTION_TIMEOUT_MS } from "./budget.ts";
import type { FoodTruckWorkflowInput } from "../core/model.ts";
import {
  buildSpec,
  describeTiming,
  OVERLAP_POLICIES,
  type OverlapName,
  type ScheduleTiming,
} from "./schedule_timing.ts";
import {
  type ScheduleInfo,
  type ScheduleListEntry,
  toListEntry,
  toScheduleInfo,
} from "./schedule_info.ts";

export {
  buildSpec,
  DEFAULT_CRON_TIMEZONE,
  describeSpec,
  formatEvery,
  OVERLAP_POLICIES,
  type OverlapName,
  parseEvery,
  parseOverlap,
  type ScheduleTiming,
  timingFromFlags,
} from "./schedule_timing.ts";
export {
  formatScheduleInfo,
  formatScheduleList,
  type ScheduledRun,
  type ScheduleInfo,
  type ScheduleListEntry,
  toScheduleInfo,
} from "./schedule_info.ts";

/** Prefix of the workflow ids a schedule starts: `food-trucks-scheduled-<id>` (+ `-<time>`). */
export const SCHEDULED_WORKFLOW_ID_PREFIX = "food-trucks-scheduled-";

/** Execution timeout of a scheduled run: the same as a manual `start`, above the run's budget. */
export const SCHEDULED_RUN_TIMEOUT_MS = RUN_EXECUTION_TIMEOUT_MS;

// ---------------------------------------------------------------------------------------------
// Errors

/** `create` on an id that exists, without `--update`. Exit 1. */
export class ScheduleExistsError extends FatalError {
  override name = "ScheduleExistsError";
  constructor(readonly scheduleId: string) {
    super(
      `schedule ${scheduleId} already exists (use --update to change it, or delete it first)`,
      1,
    );
  }
}

/** No schedule with this id in the namespace. Exit 1. */
export class UnknownScheduleError extends FatalError {
  override name = "UnknownScheduleError";
  constructor(readonly scheduleId: string, readonly namespace: string) {
    super(`no schedule with id ${scheduleId} in namespace ${namespace}`, 1);
  }
}

/** The server rejected the spec (bad cron expression, unknown time zone…). Exit 1. */
export class InvalidScheduleSpecError extends FatalError {
  override name = "InvalidScheduleSpecError";
}

// ---------------------------------------------------------------------------------------------
// Connection and error mapping

/**
 * Connects a client for schedule commands. A failure is the shared one-line
 * `ConnectionFailedError` of `config/classify.ts` (exit 2), worded as in every other command.
 * `connectTimeoutMs` default 10000.
 */
export function connectScheduleClient(
  cfg: TemporalConfig,
  options: { connectTimeoutMs?: number } = {},
): Promise<ConnectedClient> {
  return connectClient(cfg, options);
}

/** Maps SDK errors to the named errors above; anything else is rethrown unchanged. */
function mapError(err: unknown, cfg: TemporalConfig, id?: string): never {
  if (err instanceof FatalError || err instanceof UsageError) throw err;
  if (err instanceof ScheduleAlreadyRunning) throw new ScheduleExistsError(err.scheduleId);
  if (err instanceof ScheduleNotFoundError) {
    throw new UnknownScheduleError(id ?? err.scheduleId, cfg.namespace);
  }
  if (err instanceof NamespaceNotFoundError) {
    throw new ConnectionFailedError(
      cfg.address,
      "namespace not found",
      namespaceMissingMessage(cfg.namespace, cfg.address),
    );
  }
  if (err instanceof ServiceError || (err as { code?: unknown })?.code !== undefined) {
    throw connectionFailed(cfg.address, err);
  }
  throw err;
}

/** `fn()`, its SDK errors mapped by {@link mapError}. */
async function guarded<T>(
  cfg: TemporalConfig,
  id: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    mapError(err, cfg, id);
  }
}

/** The SDK reports a rejected spec as a TypeError carrying the server's message. */
function specError(err: unknown, timing: ScheduleTiming): unknown {
  if (!(err instanceof TypeError)) return err;
  const flag = "every" in timing
    ? `--every ${timing.every}`
    : `--cron "${timing.cron}"${timing.timezone ? ` --timezone ${timing.timezone}` : ""}`;
  return new InvalidScheduleSpecError(
    `the server rejected ${flag}: ${err.message.split("\n")[0]}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Commands

/** Options of {@link createSchedule}. */
export interface CreateScheduleOptions {
  /** Schedule id (also part of the workflow ids). */
  id: string;
  timing: ScheduleTiming;
  /** Venue list file, read now and stored in the action. Default: the shipped venue list. */
  venuesPath?: string;
  /** Deploy each run to `GIT_REPOSITORY_URL`. Default false. */
  deploy?: boolean;
  /**
   * Fixed first day of every run's window (`YYYY-MM-DD`), for tests and reproducing a past week.
   * Default: unset, so each run computes its own Pacific today.
   */
  date?: string;
  /** Note shown by describe. Default: none. */
  note?: string;
  /** Create it paused. Default false. */
  paused?: boolean;
  /** What to do when a run is due while the previous one still runs. Default `skip`. */
  overlap?: OverlapName;
  /** When the id exists, replace its definition instead of failing. Default false. */
  update?: boolean;
}

/** The action a schedule takes: start `FoodTruckWorkflow` with the manual starter's input. */
export function scheduleAction(
  cfg: TemporalConfig,
  id: string,
  input: FoodTruckWorkflowInput,
): ScheduleOptionsStartWorkflowAction<(input: FoodTruckWorkflowInput) => Promise<unknown>> {
  return {
    type: "startWorkflow",
    workflowType: WORKFLOW_TYPE,
    taskQueue: cfg.taskQueue,
    workflowId: `${SCHEDULED_WORKFLOW_ID_PREFIX}${id}`,
    args: [input],
    workflowExecutionTimeout: SCHEDULED_RUN_TIMEOUT_MS,
  };
}

/**
 * Creates schedule `id`, or with `update` replaces the definition of an existing one (spec,
 * action, overlap policy, paused state and note: the schedule becomes exactly what was asked).
 * @returns whether it was created or updated.
 * @throws {ScheduleExistsError} when it exists and `update` is not set.
 * @throws {InvalidScheduleSpecError} when the server rejects the cron expression or time zone.
 */
export async function createSchedule(
  client: Client,
  cfg: TemporalConfig,
  options: CreateScheduleOptions,
): Promise<"created" | "updated"> {
  const input = await buildWorkflowInput(cfg, {
    venuesPath: options.venuesPath,
    deploy: options.deploy ?? false,
    ...(options.date ? { date: options.date } : {}),
  });
  const spec = buildSpec(options.timing);
  const action = scheduleAction(cfg, options.id, input);
  const overlap = OVERLAP_POLICIES[options.overlap ?? "skip"];
  const state = {
    paused: options.paused ?? false,
    ...(options.note !== undefined ? { note: options.note } : {}),
  };
  return await guarded(cfg, options.id, async () => {
    try {
      await client.schedule.create({
        scheduleId: options.id,
        spec,
        action,
        policies: { overlap },
        state,
      });
      return "created" as const;
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning) || !options.update) {
        throw specError(err, options.timing);
      }
    }
    try {
      await client.schedule.getHandle(options.id).update((prev) => ({
        spec,
        action,
        policies: { ...prev.policies, overlap },
        state: { paused: state.paused, note: options.note ?? "" },
      }));
    } catch (err) {
      throw specError(err, options.timing);
    }
    return "updated" as const;
  });
}

/**
 * Changes only the timing of schedule `id`; its action, policies and state stay.
 * @throws {UnknownScheduleError} @throws {InvalidScheduleSpecError}
 */
export async function updateScheduleTiming(
  client: Client,
  cfg: TemporalConfig,
  id: string,
  timing: ScheduleTiming,
): Promise<void> {
  const spec = buildSpec(timing);
  await guarded(cfg, id, async () => {
    try {
      await client.schedule.getHandle(id).update((prev) => ({
        ...(prev as unknown as ScheduleUpdateOptions),
        spec,
      }));
    } catch (err) {
      throw specError(err, timing);
    }
  });
}

/** Pauses schedule `id`; `note` default "paused with deno task schedule". */
export async function pauseSchedule(
  client: Client,
  cfg: TemporalConfig,
  id: string,
  note?: string,
): Promise<void> {
  await onSchedule(client, cfg, id, (h) => h.pause(note ?? "paused with deno task schedule"));
}

/** Unpauses schedule `id`; `note` default "unpaused with deno task schedule". */
export async function unpauseSchedule(
  client: Client,
  cfg: TemporalConfig,
  id: string,
  note?: string,
): Promise<void> {
  await onSchedule(client, cfg, id, (h) => h.unpause(note ?? "unpaused with deno task schedule"));
}

/** Runs `fn` on the handle of schedule `id`, its SDK errors mapped to the named ones. */
function onSchedule<T>(
  client: Client,
  cfg: TemporalConfig,
  id: string,
  fn: (handle: ScheduleHandle) => Promise<T>,
): Promise<T> {
  return guarded(cfg, id, () => fn(client.schedule.getHandle(id)));
}

/**
 * Starts a run of schedule `id` now (also when paused). `overlap` default `allow-all`: the run
 * starts even if another is in progress.
 */
export async function triggerSchedule(
  client: Client,
  cfg: TemporalConfig,
  id: string,
  overlap: OverlapName = "allow-all",
): Promise<void> {
  await onSchedule(client, cfg, id, (h) => h.trigger(OVERLAP_POLICIES[overlap]));
}

/** Deletes schedule `id`. Runs already started are not affected. */
export async function deleteSchedule(client: Client, cfg: TemporalConfig, id: string) {
  await onSchedule(client, cfg, id, (h) => h.delete());
}

// ---------------------------------------------------------------------------------------------
// Describe and list

/** Describes schedule `id`. @throws {UnknownScheduleError} */
export async function describeSchedule(
  client: Client,
  cfg: TemporalConfig,
  id: string,
): Promise<ScheduleInfo> {
  return await guarded(cfg, id, async () => {
    const d = await client.schedule.getHandle(id).describe();
    return await toScheduleInfo(client, cfg, d);
  });
}

/**
 * Lists the schedules of the namespace, sorted by id. The server's list is eventually
 * consistent: a schedule created a moment ago may be missing for a second.
 */
export async function listSchedules(
  client: Client,
  cfg: TemporalConfig,
): Promise<ScheduleListEntry[]> {
  return await guarded(cfg, undefined, async () => {
    const out: ScheduleListEntry[] = [];
    for await (const s of client.schedule.list()) out.push(toListEntry(s));
    return out.sort((a, b) => a.id.localeCompare(b.id));
  });
}

/** One-line summary of what create/update did, e.g. `created s1: every 30m, …`. */
export function summarizeCreate(
  verb: "created" | "updated",
  cfg: TemporalConfig,
  options: CreateScheduleOptions,
): string {
  return `${verb} schedule ${options.id}: ${
    describeTiming(options.timing)
  }, ${WORKFLOW_TYPE} on ${cfg.taskQueue}, overlap ${options.overlap ?? "skip"}${
    options.deploy ? ", deploy to the worker's GIT_REPOSITORY_URL" : ""
  }${options.paused ? ", paused" : ""}`;
}
