/**
 * Test helpers for stopping things mid-flight: a venue whose page never answers (with its venue
 * list file), and free ports for `deno task dev` (the gRPC port and its Web UI port + 1000).
 *
 * @example
 * ```ts ignore
 * await using venue = await stuckVenue();
 * // run a worker with --venues venue.venuesFile, then:
 * await venue.requestArrived; // a request is in flight
 * await venue.clientLeft;     // ...and the client gave up on it
 * ```
 * @module
 */

/** A venue that accepts requests and never answers. Dispose to close it and remove its files. */
export interface StuckVenue extends AsyncDisposable {
  port: number;
  /** A venue list file (`{ venues: [...] }`) with one venue pointing here. */
  venuesFile: string;
  /**
   * `{ VENUE_ALLOW_PRIVATE_NETWORKS: "127.0.0.1:<port>" }`: the fetch guard refuses loopback
   * unless told; a worker or `dev` given this env may reach this venue (and nothing else local).
   */
  allowEnv: Record<string, string>;
  /** Resolves when the first request arrives. */
  requestArrived: Promise<void>;
  /** Resolves when a client that connected has closed or reset its connection. */
  clientLeft: Promise<void>;
}

/** Starts a {@link StuckVenue} on a free loopback port. */
export async function stuckVenue(): Promise<StuckVenue> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let arrived!: () => void;
  let left!: () => void;
  const requestArrived = new Promise<void>((r) => (arrived = r));
  const clientLeft = new Promise<void>((r) => (left = r));
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      arrived();
      (async () => {
        const buf = new Uint8Array(4096);
        try {
          while ((await conn.read(buf)) !== null) { /* read until the client goes */ }
        } catch { /* reset */ }
        left();
      })();
    }
  })().catch(() => {});
  const dir = await Deno.makeTempDir({ prefix: "stuck-venue-" });
  const venuesFile = `${dir}/venues.json`;
  await Deno.writeTextFile(
    venuesFile,
    JSON.stringify({
      venues: [{ key: "stoup-ballard", name: "Hangs", url: `http://127.0.0.1:${port}/` }],
    }),
  );
  return {
    port,
    venuesFile,
    allowEnv: { VENUE_ALLOW_PRIVATE_NETWORKS: `127.0.0.1:${port}` },
    requestArrived,
    clientLeft,
    async [Symbol.asyncDispose]() {
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      listener.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
