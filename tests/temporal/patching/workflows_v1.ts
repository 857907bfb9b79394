/**
 * Version 1 of the `patched()` example: what is deployed while runs are in flight.
 * @module
 */
import { proxyActivities } from "@temporalio/workflow";
import type { PatchDemoActivities } from "./activities.ts";

const { readVenue } = proxyActivities<PatchDemoActivities>({ startToCloseTimeout: "10 seconds" });

/** Reads one venue. */
export async function PatchDemoWorkflow(key: string): Promise<string[]> {
  return [await readVenue(key)];
}
