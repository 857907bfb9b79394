/**
 * Version 2 of the `patched()` example, RIGHT: the new step runs only where `patched()` says
 * so: in new runs (which record a marker), never while replaying a version-1 history.
 * @module
 */
import { patched, proxyActivities } from "@temporalio/workflow";
import type { PatchDemoActivities } from "./activities.ts";

const { readVenue, checkData } = proxyActivities<PatchDemoActivities>({
  startToCloseTimeout: "10 seconds",
});

/** Reads one venue, then (new runs only) checks it. */
export async function PatchDemoWorkflow(key: string): Promise<string[]> {
  const read = await readVenue(key);
  if (patched("check-data")) return [read, await checkData(read)];
  return [read];
}
