/**
 * Records the workflow histories that the replay test (`tests/temporal/replay_test.ts`) replays
 * against the current workflow code, into `tests/fixtures/histories/<scenario>.json`. Runs a
 * real dev server, in-process workers (one plain, one with the AI touches pointed at the local
 * Messages-API stand-in) and the venue fixtures; one command:
 *
 * ```sh
 * deno task record-histories            # all scenarios
 * deno task record-histories deploy     # just one
 * ```
 *
 * Re-record after an intentional, patched change only to add a scenario: the point of the
 * fixtures is that histories recorded by OLD code still replay on NEW code. When a patch changes
 * the commands, first move the recorded files into a folder named after it (as
 * `before-light-run-1/` holds the runs from before `LIGHT_RUN_PATCH`), then record the new path;
 * the replay test replays both.
 * @module
 */
import { historyToJSON } from "@temporalio/common/lib/proto-utils.js";
import type { Client, WorkflowHandle } from "@temporalio/client";
import { startDevServer } from "../harness/dev_server.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import type { FixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";
import { loadConfig, requireValid } from "../../src/config/mod.ts";
import { connectClient } from "../../src/config/connect.ts";
import { runWorker } from "../../src/temporal/worker.ts";
import { WORKFLOW_TYPE } from "../../src/temporal/starter.ts";
import type { FoodTruckWorkflowInput, VenueEntry } from "../../src/core/model.ts";
import { KEY, startStandIn } from "../ai/_standin.ts";
import { stoupPageWithImage } from "../temporal/_kit.ts";
import { waitUntil } from "../harness/wait.ts";
import { main, parseFlags, UsageError } from "../../src/cli/main.ts";

/** Where the recorded histories live. */
export const HISTORIES_DIR = new URL("../fixtures/histories/", import.meta.url).pathname;

const HAIKU = "Smoke curls from the grill\nBrisket waits for the long line\nBallard rain holds off";

interface Ctx {
  client: Client;
  plainQueue: string;
  aiQueue: string;
  fixtures: FixtureServer;
  failing: FixtureServer;
  venues: VenueEntry[];
  tmp: string;
  aiPageUrl: string;
  slowUrl: string;
  /** How many requests the slow page has received so far. */
  slowHits: () => number;
}

async function runTo(
  ctx: Ctx,
  name: string,
  queue: string,
  input: FoodTruckWorkflowInput,
  during?: (h: WorkflowHandle) => Promise<void>,
): Promise<WorkflowHandle> {
  const handle = await ctx.client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: queue,
    workflowId: `replay-${name}-${crypto.randomUUID().slice(0, 6)}`,
    args: [input],
    workflowExecutionTimeout: 5 * 60_000,
  });
  await during?.(handle);
  await handle.result().catch(() => {});
  return handle;
}

const SCENARIOS: Record<string, (ctx: Ctx) => Promise<WorkflowHandle>> = {
  "all-ok": (ctx) =>
    runTo(ctx, "all-ok", ctx.plainQueue, { venues: ctx.venues, date: FIXTURE_DATE }),
  "some-failing": (ctx) =>
    runTo(ctx, "some-failing", ctx.plainQueue, {
      venues: ctx.failing.venueList(ctx.venues.map((v) => ({ ...v }))),
      date: FIXTURE_DATE,
    }),
  "deploy": (ctx) =>
    runTo(ctx, "deploy", ctx.plainQueue, {
      venues: ctx.venues.filter((v) => v.key === "stoup-ballard"),
      date: FIXTURE_DATE,
      deploy: true, // to the plain worker's own GIT_REPOSITORY_URL (a bare repo in tmp)
    }),
  "ai-on": (ctx) =>
    runTo(ctx, "ai-on", ctx.aiQueue, {
      venues: [{ key: "stoup-ballard", name: "Stoup Brewing - Ballard", url: ctx.aiPageUrl }],
      date: FIXTURE_DATE,
    }),
  "cancelled": (ctx) => {
    const before = ctx.slowHits();
    return runTo(ctx, "cancelled", ctx.plainQueue, {
      venues: [{ key: "stoup-ballard", name: "Stoup Brewing - Ballard", url: ctx.slowUrl }],
      date: FIXTURE_DATE,
    }, async (h) => {
      // Cancel once the fetch activity is waiting on the slow page.
      await waitUntil("the fetch of the slow page (cancelled)", () => ctx.slowHits() !== before, {
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      await h.cancel();
    });
  },
  "deadline": (ctx) =>
    runTo(ctx, "deadline", ctx.plainQueue, {
      venues: [
        ...ctx.venues.filter((v) => v.key === "stoup-ballard"),
        { key: "salehs-corner", name: "Saleh's Corner", url: ctx.slowUrl },
      ],
      date: FIXTURE_DATE,
      venueDeadlineMs: 2000,
    }),
};

/** Records `names` (default: all scenarios); returns the files written. */
export async function recordHistories(names = Object.keys(SCENARIOS)): Promise<string[]> {
  for (const n of names) {
    if (!SCENARIOS[n]) {
      throw new Error(`unknown scenario "${n}": one of ${Object.keys(SCENARIOS).join(", ")}`);
    }
  }
  await using server = await startDevServer();
  await using fixtures = await startFixtureServer();
  await using failing = await startFixtureServer({ fail: { "obec-brewing": 500 } });
  const standIn = startStandIn((_n, body) => ({
    text: JSON.stringify(body).includes('"image"') ? "Rolling Risotto" : HAIKU,
  }));
  const ac = new AbortController();
  let slowHits = 0;
  const page = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      if (new URL(req.url).pathname.startsWith("/slow")) {
        slowHits++;
        await new Promise((r) => setTimeout(r, 5000));
      }
      return new Response(stoupPageWithImage(`${standIn.url}/images/logo.png`), {
        headers: { "content-type": "text/html" },
      });
    },
  );
  const tmp = await Deno.makeTempDir({ prefix: "record-histories-" });
  const plainQueue = `record-${crypto.randomUUID().slice(0, 8)}`;
  const aiQueue = `record-ai-${crypto.randomUUID().slice(0, 8)}`;
  const bare = `${tmp}/site.git`;
  await new Deno.Command("git", { args: ["init", "--bare", "-q", "-b", "main", bare] }).output();
  const cfg = (queue: string) =>
    loadConfig({
      env: {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: queue,
        GIT_REPOSITORY_URL: bare,
        VENUE_ALLOW_PRIVATE_NETWORKS: "true", // the venues are local servers
      },
      noEnvFile: true,
    }).then(requireValid);
  const workers: Promise<void>[] = [];
  const ready = (queue: string, ai: boolean) =>
    new Promise<void>((resolve, reject) => {
      cfg(queue).then((c) => {
        workers.push(
          runWorker(c, {
            signal: ac.signal,
            onReady: () => resolve(),
            activities: ai
              ? { ai: { apiKey: KEY, model: "claude-test-model", baseURL: standIn.url } }
              : { ai: { apiKey: undefined, model: "" } },
          }).catch(reject),
        );
      }, reject);
    });
  const written: string[] = [];
  try {
    await Promise.all([ready(plainQueue, false), ready(aiQueue, true)]);
    const { client, close } = await connectClient(await cfg(plainQueue));
    try {
      const origin = `http://127.0.0.1:${page.addr.port}`;
      const ctx: Ctx = {
        client,
        plainQueue,
        aiQueue,
        fixtures,
        failing,
        venues: fixtures.venueList(await loadVenueList()),
        tmp,
        aiPageUrl: `${origin}/ballard/`,
        slowUrl: `${origin}/slow/`,
        slowHits: () => slowHits,
      };
      await Deno.mkdir(HISTORIES_DIR, { recursive: true });
      for (const name of names) {
        const handle = await SCENARIOS[name](ctx);
        const status = (await handle.describe()).status.name;
        const file = `${HISTORIES_DIR}${name}.json`;
        await Deno.writeTextFile(file, historyToJSON(await handle.fetchHistory()) + "\n");
        console.error(`record-histories: ${name}: ${status} → ${file}`);
        written.push(file);
      }
    } finally {
      await close();
    }
  } finally {
    ac.abort();
    await Promise.allSettled(workers);
    await standIn.close();
    await page.finished;
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  return written;
}

const USAGE = `Usage: deno task record-histories [SCENARIO…]

Records the workflow histories that tests/temporal/replay_test.ts replays, from a local dev server,
into tests/fixtures/histories/<scenario>.json. With no SCENARIO, records them all.
Scenarios: ${Object.keys(SCENARIOS).join(", ")}.`;

if (import.meta.main) {
  await main("record-histories", async () => {
    const { positionals } = parseFlags(Deno.args, {}, USAGE, { positionals: true });
    const unknown = positionals.find((n) => !SCENARIOS[n]);
    if (unknown !== undefined) {
      throw new UsageError(
        `unknown scenario "${unknown}" (one of ${Object.keys(SCENARIOS).join(", ")}; see --help)`,
      );
    }
    for (const file of await recordHistories(positionals.length ? positionals : undefined)) {
      console.log(`recorded ${file}`);
    }
  });
}
