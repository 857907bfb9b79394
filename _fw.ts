import { installRuntime } from "./src/temporal/worker.ts";
import { createLog } from "./src/ops/log.ts";
installRuntime(createLog({ format: "json" }));
console.log("installed");
