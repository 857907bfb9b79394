/**
 * A local HTTP server that plays the venues' sites from our fixtures, for tests, the offline
 * demo and benchmarks.
 *
 * Each venue folder `fixtures/venues/<key>/` holds a `routes.json`:
 * ```json
 * [{ "method": "GET", "path": "/ballard/", "query": { "month": "March-2026" },
 *    "form": { "calendar_block[action]": "next_month" }, "headers": { "x-requested-with": "XMLHttpRequest" },
 *    "status": 200, "file": "page.html", "contentType": "text/html", "location": "/cdn/x.csv" }]
 * ```
 * `query`, `form` (POST form body) and `headers` match as subsets; the first matching route wins;
 * a request without a match gets 404. {@link FixtureServer.venueList} rewrites a venue list so that
 * every URL's origin is this server (paths and queries kept).
 *
 * @example
 * ```ts
 * import { startFixtureServer } from "./fixture_server.ts";
 * import { loadVenueList } from "./list.ts";
 * await using server = await startFixtureServer({ fail: { "obec-brewing": 500 } });
 * const venues = server.venueList(await loadVenueList());
 * console.log(venues.length);
 * ```
 * @module
 */
import type { VenueEntry } from "../core/model.ts";

/** Folder holding one sub-folder of fixtures per venue key. */
export const FIXTURES_DIR: string = new URL("../../fixtures/venues/", import.meta.url).pathname;

/** The Pacific day the fixtures are written around; pass it as `--date` to see their week. */
export const FIXTURE_DATE = "2026-03-05";

/** One route of a venue's `routes.json`. */
export interface FixtureRoute {
  method?: string;
  path: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  status?: number;
  file?: string;
  body?: string;
  contentType?: string;
  location?: string;
}

/** Options of {@link startFixtureServer}. */
export interface FixtureServerOptions {
  /** Fixture folder. Default {@link FIXTURES_DIR}. */
  dir?: string;
  /**
   * Answer every request for these venues with this status (e.g. `{ "obec-brewing": 500 }`).
   * Default: none fail.
   */
  fail?: Record<string, number>;
  /** Port; default 0 (a free port). */
  port?: number;
  /** Host; default 127.0.0.1. */
  hostname?: string;
}

/** A running fixture server. */
export interface FixtureServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /**
   * `["127.0.0.1:<port>"]`: the value for the fetch guard's `allowPrivateNetworks` that lets
   * venue fetches reach this server (and nothing else on loopback).
   */
  allowList: string[];
  /** `{ VENUE_ALLOW_PRIVATE_NETWORKS: "127.0.0.1:<port>" }`, for a worker or `scrape` child. */
  allowEnv: Record<string, string>;
  /** Requests served so far, as `METHOD /path?query` (for assertions). */
  requests: string[];
  /** The venue list with every URL (and string options that are URLs) moved to this server. */
  venueList(venues: VenueEntry[]): VenueEntry[];
  close(): Promise<void>;
}

interface LoadedRoute extends FixtureRoute {
  venue: string;
  dir: string;
}

async function loadRoutes(dir: string): Promise<LoadedRoute[]> {
  const routes: LoadedRoute[] = [];
  const keys: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isDirectory) keys.push(e.name);
  keys.sort();
  for (const key of keys) {
    let text: string;
    try {
      text = await Deno.readTextFile(`${dir}/${key}/routes.json`);
    } catch {
      continue;
    }
    for (const r of JSON.parse(text) as FixtureRoute[]) {
      routes.push({ ...r, venue: key, dir: `${dir}/${key}` });
    }
  }
  return routes;
}

function subset(
  want: Record<string, string> | undefined,
  get: (k: string) => string | null,
): boolean {
  return !want || Object.entries(want).every(([k, v]) => get(k) === v);
}

/** The request handler: records each request, then answers from the first matching route. */
function fixtureHandler(
  routes: LoadedRoute[],
  requests: string[],
  fail: Record<string, number> | undefined,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    let form: URLSearchParams | undefined;
    if (req.method === "POST") {
      form = new URLSearchParams(await req.text());
    }
    const route = routes.find((r) =>
      (r.method ?? "GET") === req.method && r.path === url.pathname &&
      subset(r.query, (k) => url.searchParams.get(k)) &&
      subset(r.form, (k) => form?.get(k) ?? null) &&
      subset(r.headers, (k) => req.headers.get(k))
    );
    if (!route) return new Response("no fixture for this request", { status: 404 });
    const failStatus = fail?.[route.venue];
    if (failStatus) return new Response(`injected failure ${failStatus}`, { status: failStatus });
    const headers: Record<string, string> = {
      "content-type": route.contentType ?? "text/html; charset=utf-8",
    };
    if (route.location) headers.location = route.location;
    const body = route.file ? await Deno.readFile(`${route.dir}/${route.file}`) : route.body ?? "";
    return new Response(body, { status: route.status ?? 200, headers });
  };
}

/** `venues` with every URL (and string options that are URLs) moved to `origin`. */
function moveVenues(venues: VenueEntry[], origin: string): VenueEntry[] {
  const move = (u: string) => {
    const src = new URL(u);
    return `${origin}${src.pathname}${src.search}`;
  };
  return venues.map((v) => ({
    ...v,
    url: move(v.url),
    ...(v.options
      ? {
        options: Object.fromEntries(
          Object.entries(v.options).map(([k, val]) => [
            k,
            typeof val === "string" && /^https?:\/\//.test(val) ? move(val) : val,
          ]),
        ),
      }
      : {}),
  }));
}

/** Starts the fixture server on a free loopback port. */
export async function startFixtureServer(
  options: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const dir = options.dir ?? FIXTURES_DIR;
  const routes = await loadRoutes(dir);
  const requests: string[] = [];
  const server = Deno.serve(
    { port: options.port ?? 0, hostname: options.hostname ?? "127.0.0.1", onListen() {} },
    fixtureHandler(routes, requests, options.fail),
  );
  const port = server.addr.port;
  const origin = `http://127.0.0.1:${port}`;
  const close = async () => {
    await server.shutdown();
  };
  const host = `${options.hostname ?? "127.0.0.1"}:${port}`;
  return {
    origin,
    port,
    allowList: [host],
    allowEnv: { VENUE_ALLOW_PRIVATE_NETWORKS: host },
    requests,
    venueList: (venues) => moveVenues(venues, origin),
    close,
    [Symbol.asyncDispose]: close,
  };
}
