/**
 * `deno task worker --offline`: the worker reads every venue page from our bundled fixtures,
 * served locally, whatever URL the workflow input names — so `start`, `schedule` and a
 * separately run worker can be tried without internet.
 *
 * @example
 * ```ts
 * import { startFixtureServer } from "../venues/fixture_server.ts";
 * import { loadConfig, requireValid } from "../config/mod.ts";
 * import { offlineActivities } from "./offline.ts";
 * import { runWorker } from "./worker.ts";
 * const cfg = requireValid(await loadConfig());
 * await using fixtures = await startFixtureServer();
 * await runWorker(cfg, { activities: offlineActivities(fixtures.origin) });
 * ```
 * @module
 */
import { HttpClient } from "../net/http.ts";
import type { ActivityOptions } from "./activities.ts";
import { activityFetch } from "./cancellable_fetch.ts";

/**
 * A `fetch` that sends every request to `origin` instead, keeping path and query (the fixture
 * server routes by path, as `FixtureServer.venueList` assumes). Default inner fetch:
 * {@link activityFetch} (aborted by activity cancellation).
 */
export function fixtureFetch(origin: string, inner: typeof fetch = activityFetch): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return inner(`${origin}${url.pathname}${url.search}`, init);
  };
}

/** Activity options whose venue reads go to the fixture server at `origin`. */
export function offlineActivities(origin: string): ActivityOptions {
  // Every request goes to the local fixture server whatever host the input names, so the
  // address guard (which would resolve those hosts) is off: the destination is always `origin`.
  // The scheme check and the venue entry check still apply.
  return {
    http: new HttpClient({ retries: 0, fetch: fixtureFetch(origin), allowPrivateNetworks: true }),
  };
}
