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
  ScheduleDescription,
  ScheduleOptionsStartWorkflowAction,
  ScheduleOverlapPolicy,
  ScheduleSpec,
  ScheduleSpecDescription,
  ScheduleSummary,
  ScheduleUpdateOptions,
} from "@temporalio/client";
import type { TemporalConfig } from "../config/mod.ts";
import { connectClient } from "../config/connect.ts";
import type { ConnectedClient } from "../config/connect.ts";
import { FatalError, UsageError } from "../cli/main.ts";
import { connectionFailed } from "../config/classify.ts";
import { buildWorkflowInput } from "./input.ts";
import { WORKFLOW_TYPE } from "./starter.ts";
import { RUN_EXECUTION_TIMEOUT_MS } from "./budget.ts";
import type { FoodTruckWorkflowInput } from "../core/model.ts";
import { PACIFIC_TZ, toPacificIso } from "../core/time.ts";

/** Prefix of the workflow ids a schedule starts: `food-trucks-scheduled-<id>` (+ `-<time>`). */
export const SCHEDULED_WORKFLOW_ID_PREFIX = "food-trucks-scheduled-";

/** Time zone a `--cron` expression is read in unless it says `CRON_TZ=…`: America/Los_Angeles. */
export const DEFAULT_CRON_TIMEZONE = PACIFIC_TZ;

/** Execution timeout of a scheduled run: the same as a manual `start`, above the run's budget. */
export const SCHEDULED_RUN_TIMEOUT_MS = RUN_EXECUTION_TIMEOUT_MS;

/** Overlap policies by their flag name (`--overlap skip`, …). */
export const OVERLAP_POLICIES = {
  "skip": "SKIP",
  "buffer-one": "BUFFER_ONE",
  "buffer-all": "BUFFER_ALL",
  "cancel-other": "CANCEL_OTHER",
  "terminate-other": "TERMINATE_OTHER",
  "allow-all": "ALLOW_ALL",
} as const satisfies Record<string, ScheduleOverlapPolicy>;

/** A `--overlap` value. */
export type OverlapName = keyof typeof OVERLAP_POLICIES;

/** When a schedule fires: a fixed interval, or a cron expression in a time zone. */
export type ScheduleTiming =
  | { every: string }
  | {
    cron: string;
    /** IANA zone; default {@link DEFAULT_CRON_TIMEZONE} (ignored when the expression has `CRON_TZ=`). */
    timezone?: string;
  };

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

/** Cannot reach Temporal, not authorized, or the namespace does not exist. Exit 2. */
export class ScheduleConnectionError extends FatalError {
  override name = "ScheduleConnectionError";
  constructor(message: string) {
    super(message, 2);
  }
}

// ---------------------------------------------------------------------------------------------
// Flag values

const EVERY_FORMS = "a duration like 30m, 1h, 90s or 1h30m (hours, minutes, seconds; at least 1s)";

/**
 * Parses an interval: `30m`, `1h`, `90s`, `1h30m`, `1h30m15s` (units in that order, each at most
 * once). Returns milliseconds; at least one second (the server's minimum).
 * @throws {UsageError} naming `flag` (default `--every`) and the accepted forms.
 */
export function parseEvery(value: string, flag = "--every"): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim().toLowerCase());
  const ms = m && value.trim() !== ""
    ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000
    : NaN;
  if (!(ms >= 1000) || !Number.isSafeInteger(ms)) {
    throw new UsageError(`${flag} must be ${EVERY_FORMS}, got "${value}"`);
  }
  return ms;
}

/** Formats milliseconds as `1h30m`, `90s` → `1m30s`, `2s`; sub-second remainders as `ms`. */
export function formatEvery(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  const out = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}${rest ? `${rest}ms` : ""}`;
  return out || "0s";
}

/** Parses `--overlap`; default `skip`. @throws {UsageError} listing the accepted values. */
export function parseOverlap(value: string | undefined): OverlapName {
  if (value === undefined) return "skip";
  const v = value.trim().toLowerCase() as OverlapName;
  if (!(v in OVERLAP_POLICIES)) {
    throw new UsageError(
      `--overlap must be one of ${Object.keys(OVERLAP_POLICIES).join(", ")}, got "${value}"`,
    );
  }
  return v;
}

/**
 * The timing from `--every` / `--cron` / `--timezone`: exactly one of `--every` and `--cron`.
 * The interval is checked here; the cron expression is checked by the server on create/update.
 * @throws {UsageError}
 */
export function timingFromFlags(
  flags: { every?: string; cron?: string; timezone?: string },
): ScheduleTiming {
  if (flags.every !== undefined && flags.cron !== undefined) {
    throw new UsageError("give either --every or --cron, not both");
  }
  if (flags.every !== undefined) {
    if (flags.timezone !== undefined) throw new UsageError("--timezone applies only to --cron");
    parseEvery(flags.every);
    return { every: flags.every };
  }
  if (flags.cron !== undefined) {
    if (flags.cron.trim() === "") throw new UsageError(`--cron needs an expression, got ""`);
    return { cron: flags.cron, ...(flags.timezone ? { timezone: flags.timezone } : {}) };
  }
  throw new UsageError(
    `say when to run: --every ${"<"}duration${">"} (e.g. 30m) or --cron "<expr>" (see --help)`,
  );
}

/** The Temporal spec for a timing. A cron expression's text is kept in the calendar comment. */
export function buildSpec(timing: ScheduleTiming): ScheduleSpec {
  if ("every" in timing) return { intervals: [{ every: parseEvery(timing.every) }] };
  const expr = timing.cron.trim();
  const ownZone = /^CRON_TZ=/i.test(expr) || /^TZ=/i.test(expr);
  return {
    // A trailing `# text` becomes the calendar's comment: describe can then show the expression.
    cronExpressions: [expr.includes("#") ? expr : `${expr} # cron ${expr}`],
    ...(ownZone ? {} : { timezone: timing.timezone ?? DEFAULT_CRON_TIMEZONE }),
  };
}

function describeTiming(timing: ScheduleTiming): string {
  if ("every" in timing) return `every ${formatEvery(parseEvery(timing.every))}`;
  const zone = buildSpec(timing).timezone;
  return `cron "${timing.cron.trim()}"${zone ? ` in ${zone}` : ""}`;
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
    throw new ScheduleConnectionError(
      `namespace "${cfg.namespace}" does not exist on ${cfg.address} (check TEMPORAL_NAMESPACE)`,
    );
  }
  if (err instanceof ServiceError || (err as { code?: unknown })?.code !== undefined) {
    throw connectionFailed(cfg.address, err);
  }
  throw err;
}

async function guarded<T>(cfg: TemporalConfig, id: string | undefined, fn: () => Promise<T>) {
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
  await guarded(
    cfg,
    id,
    () => client.schedule.getHandle(id).pause(note ?? "paused with deno task schedule"),
  );
}

/** Unpauses schedule `id`; `note` default "unpaused with deno task schedule". */
export async function unpauseSchedule(
  client: Client,
  cfg: TemporalConfig,
  id: string,
  note?: string,
): Promise<void> {
  await guarded(
    cfg,
    id,
    () => client.schedule.getHandle(id).unpause(note ?? "unpaused with deno task schedule"),
  );
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
  await guarded(cfg, id, () => client.schedule.getHandle(id).trigger(OVERLAP_POLICIES[overlap]));
}

/** Deletes schedule `id`. Runs already started are not affected. */
export async function deleteSchedule(client: Client, cfg: TemporalConfig, id: string) {
  await guarded(cfg, id, () => client.schedule.getHandle(id).delete());
}

// ---------------------------------------------------------------------------------------------
// Describe and list

/** One run a schedule started. */
export interface ScheduledRun {
  /** When it was due (Pacific ISO-8601). */
  scheduledAt: string;
  /** When the schedule started it. */
  startedAt: string;
  workflowId: string;
  runId: string;
  /** `RUNNING`, `COMPLETED`, `FAILED`, `TIMED_OUT`, … or `UNKNOWN` (e.g. past retention). */
  status: string;
}

/** What `describe` shows (plain JSON). */
export interface ScheduleInfo {
  id: string;
  namespace: string;
  /** Human form of the timing: `every 30m`, `cron 0 7 * * * (America/Los_Angeles)`. */
  spec: string;
  /** The interval in milliseconds, for interval schedules. */
  everyMs?: number;
  /** The cron expression, for cron schedules. */
  cron?: string;
  /** Time zone of a calendar/cron schedule; empty for UTC. */
  timezone?: string;
  paused: boolean;
  note: string;
  overlap: string;
  workflowType: string;
  taskQueue: string;
  /** Workflow ids are this plus `-<scheduled time>`. */
  workflowIdPrefix: string;
  /** Venue keys of the stored input. */
  venues: string[];
  /**
   * Whether runs deploy (to the worker's own repository). `"legacy-target"`: the stored input
   * still names a target (made before the target moved to the worker); it is ignored.
   */
  deploy: boolean | "legacy-target";
  /** Fixed start day of the stored input; absent for normal schedules (each run uses its today). */
  date?: string;
  /** Up to the next five due times. */
  nextRuns: string[];
  /** Recent runs, oldest first (the server keeps the last ten). */
  recentRuns: ScheduledRun[];
  /** Workflow ids of runs in progress. */
  running: string[];
  actionsTaken: number;
  skippedOverlap: number;
  missedCatchupWindow: number;
  createdAt: string;
  updatedAt?: string;
}

/** One row of `list`. */
export interface ScheduleListEntry {
  id: string;
  spec: string;
  paused: boolean;
  note: string;
  workflowType: string;
  nextRun?: string;
  lastRun?: { workflowId: string; startedAt: string };
}

const STATUS_NAMES = [
  "UNSPECIFIED",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELED",
  "TERMINATED",
  "CONTINUED_AS_NEW",
  "TIMED_OUT",
];

const MONTH_NAMES = [
  "JANUARY",
  "FEBRUARY",
  "MARCH",
  "APRIL",
  "MAY",
  "JUNE",
  "JULY",
  "AUGUST",
  "SEPTEMBER",
  "OCTOBER",
  "NOVEMBER",
  "DECEMBER",
];
const DAY_NAMES = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

type Ranges = { start: unknown; end: unknown; step: number }[];

function cronField(ranges: Ranges, min: number, max: number, names?: string[]): string {
  const n = (v: unknown) => typeof v === "number" ? v : names ? names.indexOf(String(v)) + min : 0;
  if (!ranges.length) return "*";
  return ranges.map((r) => {
    const s = n(r.start);
    const e = Math.max(n(r.end), s);
    const step = r.step > 1 ? `/${r.step}` : "";
    if (s === min && e === max) return `*${step}`;
    return s === e && !step ? `${s}` : `${s}-${e}${step}`;
  }).join(",");
}

/** Human text of a spec: `every 30m`, or a cron expression with its zone. */
export function describeSpec(spec: ScheduleSpecDescription | undefined): {
  text: string;
  everyMs?: number;
  cron?: string;
  timezone?: string;
} {
  if (!spec) return { text: "(unknown)" };
  const parts: string[] = [];
  let everyMs: number | undefined;
  let cron: string | undefined;
  for (const i of spec.intervals ?? []) {
    everyMs ??= i.every;
    parts.push(
      `every ${formatEvery(i.every)}${i.offset ? ` (offset ${formatEvery(i.offset)})` : ""}`,
    );
  }
  for (const c of spec.calendars ?? []) {
    const fromComment = /^cron (.+)$/.exec(c.comment ?? "")?.[1];
    const expr = fromComment ?? [
      ...(c.second.length === 1 && c.second[0].start === 0 && c.second[0].end === 0
        ? []
        : [cronField(c.second, 0, 59)]),
      cronField(c.minute, 0, 59),
      cronField(c.hour, 0, 23),
      cronField(c.dayOfMonth, 1, 31),
      cronField(c.month, 1, 12, MONTH_NAMES),
      cronField(c.dayOfWeek, 0, 6, DAY_NAMES),
    ].join(" ");
    cron ??= expr;
    parts.push(`cron ${expr}`);
  }
  const timezone = spec.timezone || undefined;
  const text = (parts.join(" + ") || "(no times)") +
    (spec.calendars?.length ? ` (${timezone ?? "UTC"})` : "");
  return {
    text,
    ...(everyMs !== undefined ? { everyMs } : {}),
    ...(cron !== undefined ? { cron } : {}),
    ...(timezone ? { timezone } : {}),
  };
}

async function runStatus(
  client: Client,
  workflowId: string,
  runId: string,
  reported: number | null | undefined,
): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId, runId).describe()).status.name;
  } catch {
    return reported ? STATUS_NAMES[reported] ?? "UNKNOWN" : "UNKNOWN";
  }
}

/** Converts an SDK description to {@link ScheduleInfo}, asking each recent run's status. */
export async function toScheduleInfo(
  client: Client,
  cfg: TemporalConfig,
  d: ScheduleDescription,
): Promise<ScheduleInfo> {
  const spec = describeSpec(d.spec);
  const input = (d.action.args?.[0] ?? {}) as Partial<FoodTruckWorkflowInput>;
  const raw = d.raw.info?.recentActions ?? [];
  const recentRuns = await Promise.all(d.info.recentActions.map(async (a, i) => ({
    scheduledAt: toPacificIso(a.scheduledAt),
    startedAt: toPacificIso(a.takenAt),
    workflowId: a.action.workflow.workflowId,
    runId: a.action.workflow.firstExecutionRunId,
    status: await runStatus(
      client,
      a.action.workflow.workflowId,
      a.action.workflow.firstExecutionRunId,
      raw[i]?.startWorkflowStatus,
    ),
  })));
  return {
    id: d.scheduleId,
    namespace: cfg.namespace,
    spec: spec.text,
    ...(spec.everyMs !== undefined ? { everyMs: spec.everyMs } : {}),
    ...(spec.cron !== undefined ? { cron: spec.cron } : {}),
    ...(spec.timezone !== undefined ? { timezone: spec.timezone } : {}),
    paused: d.state.paused,
    note: d.state.note ?? "",
    overlap: overlapName(d.policies.overlap),
    workflowType: d.action.workflowType,
    taskQueue: d.action.taskQueue,
    workflowIdPrefix: d.action.workflowId,
    venues: Array.isArray(input.venues) ? input.venues.map((v) => v.key) : [],
    deploy: input.deploy !== null && typeof input.deploy === "object"
      ? "legacy-target"
      : input.deploy === true,
    ...(input.date ? { date: input.date } : {}),
    nextRuns: d.info.nextActionTimes.slice(0, 5).map(toPacificIso),
    recentRuns,
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    createdAt: toPacificIso(d.info.createdAt),
    ...(d.info.lastUpdatedAt ? { updatedAt: toPacificIso(d.info.lastUpdatedAt) } : {}),
  };
}

function overlapName(p: ScheduleOverlapPolicy): string {
  const hit = Object.entries(OVERLAP_POLICIES).find(([, v]) => v === p);
  return hit ? hit[0] : String(p ?? "skip").toLowerCase();
}

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

function toListEntry(s: ScheduleSummary): ScheduleListEntry {
  const last = s.info.recentActions.at(-1);
  const next = s.info.nextActionTimes[0];
  return {
    id: s.scheduleId,
    spec: describeSpec(s.spec).text,
    paused: s.state.paused,
    note: s.state.note ?? "",
    workflowType: s.action?.workflowType ?? "",
    ...(next ? { nextRun: toPacificIso(next) } : {}),
    ...(last
      ? {
        lastRun: {
          workflowId: last.action.workflow.workflowId,
          startedAt: toPacificIso(last.takenAt),
        },
      }
      : {}),
  };
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

// ---------------------------------------------------------------------------------------------
// Human output

/** `describe` as aligned lines. */
export function formatScheduleInfo(info: ScheduleInfo): string {
  const rows: [string, string][] = [
    ["spec", info.spec],
    ["state", info.paused ? "paused" : "active"],
    ["note", info.note || "-"],
    ["overlap", info.overlap],
    [
      "workflow",
      `${info.workflowType} on task queue ${info.taskQueue}, ids ${info.workflowIdPrefix}-<time>`,
    ],
    ["venues", `${info.venues.length}: ${info.venues.join(", ")}`],
    [
      "deploy",
      info.deploy === "legacy-target"
        ? "yes, to the worker's GIT_REPOSITORY_URL (the stored input names a target: ignored; " +
          "recreate with create --update)"
        : info.deploy
        ? "yes, to the worker's GIT_REPOSITORY_URL"
        : "no",
    ],
    ["window", info.date ? `fixed, from ${info.date}` : "each run's Pacific today + 7 days"],
    [
      "actions",
      `${info.actionsTaken} taken, ${info.skippedOverlap} skipped (overlap), ${info.missedCatchupWindow} missed (catch-up window)`,
    ],
    ["created", info.createdAt + (info.updatedAt ? `, updated ${info.updatedAt}` : "")],
  ];
  const lines = [`schedule ${info.id} (namespace ${info.namespace})`];
  const w = 12;
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}${v}`);
  const list = (label: string, items: string[]) => {
    if (!items.length) return lines.push(`  ${label.padEnd(w)}none`);
    items.forEach((it, i) => lines.push(`  ${(i ? "" : label).padEnd(w)}${it}`));
  };
  list("next runs", info.paused ? [] : info.nextRuns);
  list(
    "recent runs",
    info.recentRuns.map((r) => `${r.startedAt}  ${r.workflowId}  ${r.status}`),
  );
  return lines.join("\n");
}

/** `list` as a table, or a line saying there is none. */
export function formatScheduleList(entries: ScheduleListEntry[], namespace: string): string {
  if (!entries.length) return `no schedules in namespace ${namespace}`;
  const rows = [
    ["ID", "SPEC", "STATE", "NEXT RUN", "NOTE"],
    ...entries.map((e) => [
      e.id,
      e.spec,
      e.paused ? "paused" : "active",
      e.paused ? "-" : e.nextRun ?? "-",
      e.note || "-",
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
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
