/**
 * The starter: runs `FoodTruckWorkflow` through a client from the config module and returns
 * its result.
 *
 * Workflow ids are meaningful: {@link workflowIdFor} derives `food-trucks-<day>-<print|deploy>-
 * <hash>` from the day and the input (venues, deploy target), so a retried `start` (cron, CI)
 * with the same input and day does not run twice: while a run with that id is open, the start
 * attaches to it (id conflict policy `USE_EXISTING`) and waits for its result; once it has
 * closed, a new run starts. `--workflow-id` overrides the id.
 *
 * @example
 * ```ts
 * import { runFoodTruckWorkflow } from "./starter.ts";
 * import { loadVenueList } from "../venues/list.ts";
 * const venues = await loadVenueList();
 * declare const cfg: import("../config/mod.ts").TemporalConfig;
 * declare const client: import("@temporalio/client").Client;
 * const result = await runFoodTruckWorkflow(client, cfg, { venues, date: "2026-03-05" });
 * ```
 * @module
 */
import { WorkflowFailedError } from "@temporalio/client";
import type { Client } from "@temporalio/client";
import { CancelledFailure, TerminatedFailure, TimeoutFailure } from "@temporalio/common";
import type { TemporalConfig } from "../config/mod.ts";
import type { FoodTruckWorkflowInput, FoodTruckWorkflowResult } from "../core/model.ts";
import { FatalError } from "../core/exit.ts";
import type { FoodTruckWorkflow } from "./workflows.ts";
import { RUN_EXECUTION_TIMEOUT_MS } from "./budget.ts";

/** Name the workflow type is registered under. */
export const WORKFLOW_TYPE = "FoodTruckWorkflow";

/** Exit code of `start` when the run was cancelled (e.g. `temporal workflow cancel`): 3. */
export const EXIT_CANCELLED = 3;

/** The run ended CANCELLED. Exit {@link EXIT_CANCELLED}. */
export class WorkflowCancelledError extends FatalError {
  override name = "WorkflowCancelledError";
  constructor(readonly workflowId: string) {
    super(
      `workflow ${workflowId} was cancelled; nothing was deployed after the cancel`,
      EXIT_CANCELLED,
    );
  }
}

/** The run was terminated or timed out on the server. Exit 1. */
export class WorkflowEndedError extends FatalError {
  override name = "WorkflowEndedError";
}

/** A workflow id unique per run: `food-trucks-<date>-<random>` (tests, benchmarks). */
export function newWorkflowId(date: string): string {
  return `food-trucks-${date}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * The id `start` uses: `food-trucks-<date>-<print|deploy>-<8 hex of SHA-256 of the input>`.
 * Same day and same input (venues, deploy target, days) give the same id.
 */
export async function workflowIdFor(
  input: FoodTruckWorkflowInput & { date: string },
): Promise<string> {
  const canonical = JSON.stringify({
    venues: input.venues,
    deploy: input.deploy ?? null,
    days: input.days ?? null,
  });
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)),
  );
  const hex = [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `food-trucks-${input.date}-${input.deploy ? "deploy" : "print"}-${hex}`;
}

/** Options of {@link runFoodTruckWorkflow}. */
export interface StartOptions {
  /** Workflow id. Default {@link workflowIdFor} the input. */
  workflowId?: string;
  /** Server-side limit of the run. Default {@link RUN_EXECUTION_TIMEOUT_MS} (above the budget). */
  executionTimeoutMs?: number;
  /**
   * Called with the workflow id once started, `attached` when it joined a running one.
   * Default: none.
   */
  onStarted?: (workflowId: string, attached: boolean) => void;
}

/**
 * Starts `FoodTruckWorkflow` with `input` (its `date` must be set) and waits for the result; a
 * run with the same id still open is joined instead (`USE_EXISTING`).
 *
 * @throws {WorkflowCancelledError} when the run was cancelled (exit 3).
 * @throws {WorkflowEndedError} when it was terminated or timed out (exit 1).
 */
export async function runFoodTruckWorkflow(
  client: Client,
  cfg: TemporalConfig,
  input: FoodTruckWorkflowInput & { date: string },
  options: StartOptions = {},
): Promise<FoodTruckWorkflowResult> {
  const workflowId = options.workflowId ?? await workflowIdFor(input);
  const attached = await isRunning(client, workflowId);
  const handle = await client.workflow.start<typeof FoodTruckWorkflow>(WORKFLOW_TYPE, {
    taskQueue: cfg.taskQueue,
    workflowId,
    args: [input],
    workflowExecutionTimeout: options.executionTimeoutMs ?? RUN_EXECUTION_TIMEOUT_MS,
    workflowIdConflictPolicy: "USE_EXISTING",
  });
  options.onStarted?.(handle.workflowId, attached);
  try {
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      if (err.cause instanceof CancelledFailure) throw new WorkflowCancelledError(workflowId);
      if (err.cause instanceof TerminatedFailure) {
        throw new WorkflowEndedError(`workflow ${workflowId} was terminated`);
      }
      if (err.cause instanceof TimeoutFailure) {
        throw new WorkflowEndedError(`workflow ${workflowId} timed out`);
      }
    }
    throw err;
  }
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === "RUNNING";
  } catch {
    return false;
  }
}
