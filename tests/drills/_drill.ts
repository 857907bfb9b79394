/**
 * The drills' common frame: a Deno test with its own dev server and venue fixture server (both
 * stopped after the drill), and the sanitizers off (workers run as child processes).
 *
 * @example
 * ```ts ignore
 * drill("drill: a worker survives X", async ({ server, fixtures }) => {
 *   // start workers against server.address, venues from fixtures...
 * });
 * ```
 * @module
 */
import { type DevServer, startDevServer } from "../harness/dev_server.ts";
import { type FixtureServer, startFixtureServer } from "../../src/venues/fixture_server.ts";

/** What each drill gets: a fresh dev server and venue fixture server. */
export interface DrillKit {
  server: DevServer;
  fixtures: FixtureServer;
}

/** Registers the drill `name` as a Deno test running `fn` with a fresh {@link DrillKit}. */
export function drill(name: string, fn: (kit: DrillKit) => Promise<void>): void {
  Deno.test({
    name,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      await using server = await startDevServer();
      await using fixtures = await startFixtureServer();
      await fn({ server, fixtures });
    },
  });
}
