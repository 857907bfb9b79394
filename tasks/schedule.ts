/**
 * `deno task schedule <command>`: manage Temporal Schedules that run `FoodTruckWorkflow`
 * every N minutes or on a cron expression. The logic lives in `src/temporal/schedules.ts`.
 *
 * Exit codes: 0 ok; 1 usage error, invalid configuration, unknown or existing schedule, spec
 * rejected by the server; 2 cannot connect, not authorized, or namespace not found.
 * @module
 */
import { main, parseFlags, UsageError } from "../src/cli/main.ts";
import { formatIssue, loadConfig, requireValid } from "../src/config/mod.ts";
import type { TemporalConfig } from "../src/config/mod.ts";
import {
  connectScheduleClient,
  createSchedule,
  deleteSchedule,
  describeSchedule,
  formatScheduleInfo,
  formatScheduleList,
  listSchedules,
  parseOverlap,
  pauseSchedule,
  summarizeCreate,
  timingFromFlags,
  triggerSchedule,
  unpauseSchedule,
  updateScheduleTiming,
} from "../src/temporal/schedules.ts";
import type { CreateScheduleOptions } from "../src/temporal/schedules.ts";
import { parseDateFlagOptional, userPath } from "../src/cli/flags.ts";
import type { Client } from "@temporalio/client";

const USAGE = `Usage: deno task schedule <command> [options]

Runs FoodTruckWorkflow on a Temporal Schedule, with the same input as \`deno task start\`
(venue list, whether to deploy; each run computes its own Pacific today).

Commands:
  create <id> (--every DURATION | --cron "EXPR") [--timezone TZ] [--venues FILE]
              [--deploy | --no-deploy] [--note TEXT] [--paused] [--overlap POLICY] [--update]
              [--date YYYY-MM-DD]
  list
  describe <id>          next runs, recent runs with workflow ids and status, state, spec
  pause <id> [--note TEXT]
  unpause <id> [--note TEXT]
  trigger <id> [--overlap POLICY]   start a run now (also when paused)
  update <id> (--every DURATION | --cron "EXPR") [--timezone TZ]   change only the timing
  delete <id>            running workflows are not stopped

Options:
  --every DURATION   interval: 30m, 1h, 90s, 1h30m (at least 1s)
  --cron "EXPR"      cron expression (5-7 fields, @hourly, …), checked by the server
  --timezone TZ      zone of --cron (default America/Los_Angeles; CRON_TZ= in EXPR wins)
  --venues FILE      venue list, read now and stored in the schedule (default: src/venues/venues.json)
  --date YYYY-MM-DD  fix every run's window to start on this day (tests, replays); default: each
                     run uses its own Pacific today
  --deploy           each run deploys to the worker's own GIT_REPOSITORY_URL; default off
  --note TEXT        note shown by describe and list
  --paused           create it paused
  --overlap POLICY   when a run is due while one runs: skip (create default), buffer-one,
                     buffer-all, cancel-other, terminate-other, allow-all (trigger default)
  --update           create: replace an existing schedule's definition instead of failing
  --env-file FILE    read this .env file instead of ./.env
  --profile NAME     use this profile of the TOML config file (overrides TEMPORAL_PROFILE)
  --json             print JSON (the schedule's description after a change)
Exit codes: 0 ok; 1 usage, configuration, unknown or existing schedule, spec rejected;
2 cannot connect, not authorized, or namespace not found.`;

const COMMON = {
  "env-file": { type: "string" },
  profile: { type: "string" },
  json: { type: "boolean" },
} as const;
const TIMING = {
  every: { type: "string" },
  cron: { type: "string" },
  timezone: { type: "string" },
} as const;

const COMMANDS = {
  create: {
    ...COMMON,
    ...TIMING,
    venues: { type: "string" },
    date: { type: "string" },
    deploy: { type: "boolean" },
    "no-deploy": { type: "boolean" },
    note: { type: "string" },
    paused: { type: "boolean" },
    overlap: { type: "string" },
    update: { type: "boolean" },
  },
  list: COMMON,
  describe: COMMON,
  pause: { ...COMMON, note: { type: "string" } },
  unpause: { ...COMMON, note: { type: "string" } },
  trigger: { ...COMMON, overlap: { type: "string" } },
  update: { ...COMMON, ...TIMING },
  delete: COMMON,
} as const;

type Command = keyof typeof COMMANDS;

/** Exactly one positional id after the command (none for list). */
function takeId(command: Command, positionals: string[]): string {
  if (command === "list") {
    if (positionals.length) {
      throw new UsageError(`list takes no arguments, got "${positionals[0]}"`);
    }
    return "";
  }
  if (positionals.length === 0 || positionals[0].trim() === "") {
    throw new UsageError(`${command} needs a schedule id: deno task schedule ${command} <id>`);
  }
  if (positionals.length > 1) {
    throw new UsageError(`${command} takes one schedule id, got extra "${positionals[1]}"`);
  }
  return positionals[0];
}

async function withClient<T>(
  conn: { envFile?: string; profile?: string },
  fn: (client: Client, cfg: TemporalConfig) => Promise<T>,
): Promise<T> {
  const cfg = requireValid(await loadConfig(conn));
  for (const w of cfg.warnings) console.error(`schedule: warning: ${formatIssue(w)}`);
  const { client, close } = await connectScheduleClient(cfg);
  try {
    return await fn(client, cfg);
  } finally {
    await close();
  }
}

/** One parsed command line: the schedule id, the flag values and how to print. */
interface Run {
  command: Command;
  id: string;
  values: Record<string, string | boolean | undefined>;
  str(flag: string): string | undefined;
  print(data: unknown, text: string): void;
}

/** What a command does once connected. */
type Action = (client: Client, cfg: TemporalConfig) => Promise<void>;

/** `--every`/`--cron`/`--timezone` as a timing (checked before connecting). */
const timingOf = (r: Run) =>
  timingFromFlags({ every: r.str("every"), cron: r.str("cron"), timezone: r.str("timezone") });

function createAction(r: Run): Action {
  const { id, values, str } = r;
  if (values.deploy && values["no-deploy"]) {
    throw new UsageError("give either --deploy or --no-deploy, not both");
  }
  const options: CreateScheduleOptions = {
    id,
    timing: timingOf(r),
    venuesPath: userPath(str("venues")),
    deploy: values.deploy === true,
    date: parseDateFlagOptional(str("date")),
    note: str("note"),
    paused: values.paused === true,
    overlap: parseOverlap(str("overlap")),
    update: values.update === true,
  };
  return async (client, cfg) => {
    const verb = await createSchedule(client, cfg, options);
    const info = await describeSchedule(client, cfg, id);
    const next = info.paused ? "" : info.nextRuns[0] ? `; next run ${info.nextRuns[0]}` : "";
    r.print(info, `${summarizeCreate(verb, cfg, options)}${next}`);
  };
}

function updateAction(r: Run): Action {
  const timing = timingOf(r);
  return async (client, cfg) => {
    await updateScheduleTiming(client, cfg, r.id, timing);
    const info = await describeSchedule(client, cfg, r.id);
    r.print(info, `updated schedule ${r.id}: ${info.spec}`);
  };
}

function pauseAction(r: Run): Action {
  const change = r.command === "pause" ? pauseSchedule : unpauseSchedule;
  return async (client, cfg) => {
    await change(client, cfg, r.id, r.str("note"));
    const info = await describeSchedule(client, cfg, r.id);
    r.print(info, `${r.command}d schedule ${r.id}${info.note ? ` (note: ${info.note})` : ""}`);
  };
}

function triggerAction(r: Run): Action {
  const overlap = r.str("overlap") === undefined ? "allow-all" : parseOverlap(r.str("overlap"));
  return async (client, cfg) => {
    await triggerSchedule(client, cfg, r.id, overlap);
    r.print(
      { id: r.id, triggered: true, overlap },
      `triggered schedule ${r.id} (overlap ${overlap})`,
    );
  };
}

/** Per command: checks its flags (before connecting) and returns what to do once connected. */
const ACTIONS: Record<Command, (r: Run) => Action> = {
  create: createAction,
  update: updateAction,
  list: (r) => async (client, cfg) => {
    const entries = await listSchedules(client, cfg);
    r.print(entries, formatScheduleList(entries, cfg.namespace));
  },
  describe: (r) => async (client, cfg) => {
    const info = await describeSchedule(client, cfg, r.id);
    r.print(info, formatScheduleInfo(info));
  },
  pause: pauseAction,
  unpause: pauseAction,
  trigger: triggerAction,
  delete: (r) => async (client, cfg) => {
    await deleteSchedule(client, cfg, r.id);
    r.print({ id: r.id, deleted: true }, `deleted schedule ${r.id}`);
  },
};

/** The command named by the first argument. @throws {UsageError} missing or unknown. */
function commandOf(first: string | undefined): Command {
  if (first === undefined || !Object.hasOwn(COMMANDS, first)) {
    throw new UsageError(
      `${first === undefined ? "missing command" : `unknown command "${first}"`} (expected ${
        Object.keys(COMMANDS).join(", ")
      }; see --help)`,
    );
  }
  return first as Command;
}

await main("schedule", async () => {
  const [first, ...rest] = Deno.args;
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(USAGE);
    return 0;
  }
  const command = commandOf(first);
  const { values: v, positionals } = parseFlags(rest, COMMANDS[command], USAGE, {
    positionals: true,
  });
  const values = v as Record<string, string | boolean | undefined>;
  const str = (k: string) => values[k] as string | undefined;
  const json = values.json === true;
  const run: Run = {
    command,
    id: takeId(command, positionals),
    values,
    str,
    print: (data, text) => console.log(json ? JSON.stringify(data, null, 2) : text),
  };
  const action = ACTIONS[command](run);
  await withClient({ envFile: userPath(str("env-file")), profile: str("profile") }, action);
});
