// The minimal worker of the Node/Deno comparison (bench/workers.ts): the same file runs
// under `node` and `deno run`, on the same @temporalio SDK from the project's node_modules.
// Environment: BENCH_ADDRESS (host:port), BENCH_TASK_QUEUE, BENCH_BUNDLE (a prebuilt bundle of
// workflows.mjs). Prints "minimal: RUNNING" once polling; stops on SIGINT/SIGTERM.
import process from "node:process";
import { NativeConnection, Worker } from "@temporalio/worker";
import * as activities from "./activities.mjs";

const connection = await NativeConnection.connect({ address: process.env.BENCH_ADDRESS });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.BENCH_TASK_QUEUE,
  workflowBundle: { codePath: process.env.BENCH_BUNDLE },
  activities,
});
const running = worker.run();
while (worker.getState() !== "RUNNING") await new Promise((r) => setTimeout(r, 5));
console.error("minimal: RUNNING");
await running;
await connection.close();
