/**
 * Version 2 of the `patched()` example, WRONG: the new step is added in place, so a run started
 * by version 1 no longer replays (its history has no `checkData`).
 * @module
 */
import { proxyActivities } from "@temporalio/workflow";
import type { PatchDemoActivities } from "./activities.ts";

const { readVenue, checkData } = proxyActivities<PatchDemoActivities>({
  startToCloseTimeout: "10 seconds",
});

/** Reads one venue, then checks it. */
export async function PatchDemoWorkflow(key: string): Promise<string[]> {
  const read = await readVenue(key);
  return [read, await checkData(read)];
}
