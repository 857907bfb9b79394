/**
 * What `deno task schedule describe` and `list` show: the plain-JSON {@link ScheduleInfo} and
 * {@link ScheduleListEntry} built from the SDK's descriptions, and their human text.
 *
 * @example
 * ```ts
 * import { formatScheduleList } from "./schedule_info.ts";
 *
 * console.log(formatScheduleList([], "default")); // "no schedules in namespace default"
 * ```
 *
 * @module
 */
import type { Client, ScheduleDescription, ScheduleSummary } from "@temporalio/client";
import type { TemporalConfig } from "../config/mod.ts";
import type { FoodTruckWorkflowInput } from "../core/model.ts";
import { toPacificIso } from "../core/time.ts";
import { describeSpec, overlapName } from "./schedule_timing.ts";

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

/** One row of `list` from an SDK summary. */
export function toListEntry(s: ScheduleSummary): ScheduleListEntry {
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
