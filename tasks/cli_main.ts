/**
 * Entry point of the compiled binary `around-the-grounds`: dispatches its first argument to the
 * task of the same name, which reads the remaining flags (`around-the-grounds worker --grace
 * 30000` = `deno task worker --grace 30000`). Configuration comes from the environment and
 * `.env` of the current directory at run time, exactly as for the tasks.
 *
 * @example
 * ```sh
 * around-the-grounds check-env
 * around-the-grounds worker
 * around-the-grounds start --json
 * deno run <worker permissions> tasks/cli_main.ts check-env --offline   # the same, uncompiled
 * ```
 * @module
 */
const USAGE = `Usage: around-the-grounds <command> [flags]

Commands (each takes --help; flags are those of the deno task of the same name):
  worker     run the Temporal worker (embedded workflow bundle) until SIGINT/SIGTERM
  start      run FoodTruckWorkflow once and print the week
  check-env  show and check the Temporal configuration

Configuration: the environment and ./.env (or --env-file FILE), read at run time.`;

import { skipCommandArg } from "../src/cli/main.ts";

const command = Deno.args[0];
skipCommandArg();
switch (command) {
  case "worker":
    await import("./worker.ts");
    break;
  case "start":
    await import("./start.ts");
    break;
  case "check-env":
    await import("./check_env.ts");
    break;
  case undefined:
  case "help":
  case "--help":
  case "-h":
    console.log(USAGE);
    Deno.exit(command === undefined ? 1 : 0);
    break;
  default:
    console.error(
      `around-the-grounds: unknown command "${command}" (worker, start, check-env; see --help)`,
    );
    Deno.exit(1);
}
