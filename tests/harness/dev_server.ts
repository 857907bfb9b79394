/**
 * The tests' dev server: the project's one starter (`src/temporal/dev_server.ts`) with its
 * process under the watchdog of `supervise.ts`, so no `temporal` outlives a test process, even
 * one killed with SIGKILL. Same options and result as the starter; needs `--allow-run=sh`.
 *
 * @example
 * ```ts
 * import { startDevServer } from "./dev_server.ts";
 * Deno.test("talks to Temporal", async () => {
 *   await using server = await startDevServer();
 *   console.log(server.address); // stopped here, even when the test fails
 * });
 * ```
 * @module
 */
import {
  type DevServer,
  type DevServerOptions,
  type ServerProcess,
  startDevServer as startProjectDevServer,
} from "../../src/temporal/dev_server.ts";
import { spawnSupervised } from "./supervise.ts";

export * from "../../src/temporal/dev_server.ts";

/** Starts `command args…` under the watchdog, as the starter's {@link ServerProcess}. */
export async function spawnWatchedServer(command: string, args: string[]): Promise<ServerProcess> {
  const proc = await spawnSupervised(command, args);
  return {
    pid: proc.pid,
    get exited() {
      return proc.exited;
    },
    status: proc.status,
    output: () => proc.output(),
    kill: () => void proc.signal("KILL"),
    stop: (graceMs) => proc.stop(graceMs > 0 ? [["TERM", graceMs]] : []),
  };
}

/** {@link startProjectDevServer} with the process under the tests' watchdog. */
export function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  return startProjectDevServer({ spawn: spawnWatchedServer, ...options });
}
