/**
 * Test kit for venue parsers: runs one parser against the fixture server, or against a
 * one-off server that answers every request with the given status and body.
 * @module
 */
import type { FoodTruckEvent, VenueEntry } from "../../src/core/model.ts";
import { HttpClient } from "../../src/net/http.ts";
import { getParser } from "../../src/venues/registry.ts";
import { DEFAULT_VENUES_PATH, loadVenueList } from "../../src/venues/list.ts";
import { FIXTURE_DATE, startFixtureServer } from "../../src/venues/fixture_server.ts";
import { addDays } from "../../src/core/time.ts";

/** A fast HTTP client for tests: short timeout, one quick retry. */
export const testHttp = (): HttpClient =>
  new HttpClient({ timeoutMs: 3000, retries: 1, backoffMs: 10, allowPrivateNetworks: true });

async function entry(key: string): Promise<VenueEntry> {
  const v = (await loadVenueList(DEFAULT_VENUES_PATH)).find((e) => e.key === key);
  if (!v) throw new Error(`no venue ${key} in the default list`);
  return v;
}

/** Runs the parser for `key` against the fixture server (as of `today`, default FIXTURE_DATE). */
export async function runAgainstFixtures(
  key: string,
  today = FIXTURE_DATE,
): Promise<{ events: FoodTruckEvent[]; requests: string[] }> {
  await using server = await startFixtureServer();
  const [venue] = server.venueList([await entry(key)]);
  const events = await getParser(key)!.fetchEvents({
    venue,
    today,
    until: addDays(today, 7),
    http: testHttp(),
  });
  return { events, requests: server.requests };
}

/** Runs the parser for `key` against a server answering every request with `status` and `body`. */
export async function runAgainstAnswer(
  key: string,
  status: number,
  body: string,
  today = FIXTURE_DATE,
): Promise<FoodTruckEvent[]> {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response(body, { status, headers: { "content-type": "text/html" } }),
  );
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const v = await entry(key);
    const src = new URL(v.url);
    const venue = { ...v, url: `${origin}${src.pathname}${src.search}` };
    return await getParser(key)!.fetchEvents({
      venue,
      today,
      until: addDays(today, 7),
      http: testHttp(),
    });
  } finally {
    await server.shutdown();
  }
}
