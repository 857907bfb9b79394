/**
 * The starter: runs `FoodTruckWorkflow` through a client from the config module and returns
 * its result.
 *
 * @example
 * ```ts
 * import { runFoodTruckWorkflow } from "./starter.ts";
 * const result = await runFoodTruckWorkflow(client, cfg, { venues, date: "2026-03-05" });
 * ```
 * @module
 */
import type { Client } from "@temporalio/client";
import type { TemporalConfig } from "../config/mod.ts";
import type { FoodTruckWorkflowInput, FoodTruckWorkflowResult } from "../model.ts";
import type { FoodTruckWorkflow } from "./workflows.ts";

/** Name the workflow type is registered under. */
export const WORKFLOW_TYPE = "FoodTruckWorkflow";

/** A workflow id unique per run: `food-trucks-<date>-<random>`. */
export function newWorkflowId(date: string): string {
  return `food-trucks-${date}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Options of {@link runFoodTruckWorkflow}. */
export interface StartOptions {
  /** Workflow id. Default {@link newWorkflowId}. */
  workflowId?: string;
  /** Fail the run if it has not finished after this long. Default 5 minutes. */
  executionTimeoutMs?: number;
  /** Called with the workflow id once started. */
  onStarted?: (workflowId: string) => void;
}

/** Starts `FoodTruckWorkflow` with `input` (its `date` must be set) and waits for the result. */
export async function runFoodTruckWorkflow(
  client: Client,
  cfg: TemporalConfig,
  input: FoodTruckWorkflowInput & { date: string },
  options: StartOptions = {},
): Promise<FoodTruckWorkflowResult> {
  const handle = await client.workflow.start<typeof FoodTruckWorkflow>(WORKFLOW_TYPE, {
    taskQueue: cfg.taskQueue,
    workflowId: options.workflowId ?? newWorkflowId(input.date),
    args: [input],
    workflowExecutionTimeout: options.executionTimeoutMs ?? 5 * 60_000,
  });
  options.onStarted?.(handle.workflowId);
  return await handle.result();
}
