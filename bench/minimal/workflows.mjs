// The minimal workflow of the Node/Deno comparison (bench/workers.ts): one activity call.
import { proxyActivities } from "@temporalio/workflow";

const { greet } = proxyActivities({ startToCloseTimeout: "10 seconds" });

/** Returns the activity's greeting for `name`. */
export async function minimalWorkflow(name) {
  return await greet(name);
}
