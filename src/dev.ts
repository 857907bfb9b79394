/**
 * `deno task dev`: the newcomer's one command. Starts a Temporal dev server when nothing
 * answers at the configured local address, starts a worker in this process, runs
 * `FoodTruckWorkflow` once, prints the result, and stops what it started.
 *
 * @example
 * ```ts
 * import { runDev } from "./dev.ts";
 * const code = await runDev({ offline: true, log: console.error });
 * ```
 * @module
 */
import { loadConfig, requireValid, splitHostPort } from "./config/mod.ts";
import type { TemporalConfig } from "./config/mod.ts";
import { connectClient } from "./config/connect.ts";
import { checkConnection } from "./checkenv.ts";
import {
  INSTALL_HINT,
  isListening,
  startDevServer,
  startDownloadedDevServer,
  TemporalCliMissingError,
} from "./devserver.ts";
import type { DevServer } from "./devserver.ts";
import { FIXTURE_DATE, startFixtureServer } from "./fixture_server.ts";
import type { FixtureServer } from "./fixture_server.ts";
import { loadVenueList } from "./venues/list.ts";
import { runWorker } from "./temporal/worker.ts";
import { runFoodTruckWorkflow } from "./temporal/starter.ts";
import { printResult } from "./format.ts";
import { pacificToday } from "./time.ts";
import { FatalError } from "./cli.ts";

/** Options of {@link runDev}. */
export interface DevOptions {
  envFile?: string;
  venuesPath?: string;
  /** Serve our fixtures locally and point every venue at them. Default false. */
  offline?: boolean;
  /** Window start; default today (offline: the fixtures' day, {@link FIXTURE_DATE}). */
  date?: string;
  json?: boolean;
  verbose?: boolean;
  /** Progress lines. Default `console.error`. */
  log?: (line: string) => void;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1"]);

async function waitForNamespace(cfg: TemporalConfig, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await checkConnection(cfg, { timeoutMs: 2000 });
    if (r.ok) return;
    if (Date.now() > deadline) {
      throw new FatalError(`the dev server did not become ready: ${r.message}`, 2);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** Runs the whole loop once; returns the exit code (0, 2 some venues failed, 1 nothing found). */
export async function runDev(options: DevOptions = {}): Promise<number> {
  const log = options.log ?? ((l: string) => console.error(l));
  const cfg = requireValid(await loadConfig({ envFile: options.envFile }));
  const hp = splitHostPort(cfg.address)!;
  let server: DevServer | undefined;
  let fixtures: FixtureServer | undefined;
  const abort = new AbortController();
  let worker: Promise<void> | undefined;
  try {
    if (!(await isListening(hp.host, hp.port))) {
      if (!LOCAL_HOSTS.has(hp.host)) {
        throw new FatalError(
          `nothing is listening at ${cfg.address}, and dev only starts a server on localhost (check TEMPORAL_ADDRESS, or run check-env)`,
          2,
        );
      }
      const uiPort = hp.port + 1000 <= 65535 ? hp.port + 1000 : undefined;
      const ui = uiPort ? ` (Web UI on http://localhost:${uiPort})` : "";
      log(`dev: nothing at ${cfg.address}; starting \`temporal server start-dev\`${ui}`);
      const where = { ip: hp.host === "localhost" ? "127.0.0.1" : hp.host, port: hp.port, uiPort };
      try {
        server = await startDevServer(where);
      } catch (err) {
        if (!(err instanceof TemporalCliMissingError)) throw err;
        log(
          "dev: `temporal` is not on PATH; downloading the dev server with @temporalio/testing (cached for next time)",
        );
        try {
          server = await startDownloadedDevServer(where);
        } catch (dl) {
          // The SDK's message repeats the URL; its last clause is the cause ("dns error: …").
          const why = (dl as Error).message.split("\n")[0].split(": ").slice(-2).join(": ");
          throw new FatalError(
            `the Temporal CLI is not installed and the dev server could not be downloaded (${why}); ${INSTALL_HINT}`,
            2,
          );
        }
      }
      await waitForNamespace(cfg, 30_000);
    } else {
      log(`dev: using the Temporal server at ${cfg.address}`);
    }
    let venues = await loadVenueList(options.venuesPath);
    let date = options.date ?? pacificToday();
    if (options.offline) {
      fixtures = await startFixtureServer();
      venues = fixtures.venueList(venues);
      date = options.date ?? FIXTURE_DATE;
      log(`dev: offline: venues served from our fixtures at ${fixtures.origin}, as of ${date}`);
    }
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    worker = runWorker(cfg, {
      signal: abort.signal,
      // Offline, the venues are our fixture server on loopback: allow exactly its origin.
      ...(fixtures
        ? {
          activities: {
            venueFetch: { ...cfg.app.venueFetch, allowPrivateNetworks: fixtures.allowList },
          },
        }
        : {}),
      onReady: (i) => {
        log(`dev: worker RUNNING on task queue ${i.taskQueue} (ready in ${i.startupMs} ms)`);
        ready();
      },
    });
    await Promise.race([isReady, worker]);
    const { client, close } = await connectClient(cfg);
    try {
      const result = await runFoodTruckWorkflow(client, cfg, { venues, date }, {
        onStarted: (id) => log(`dev: workflow ${id} started`),
      });
      return printResult(result, options);
    } finally {
      await close();
    }
  } finally {
    abort.abort();
    await worker?.catch(() => {});
    await fixtures?.close();
    if (server) {
      log("dev: stopping the dev server it started");
      await server.stop();
    }
  }
}
