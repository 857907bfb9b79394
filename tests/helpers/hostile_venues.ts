/**
 * Local venue servers that attack the worker (issue 12), for the tests and the benchmark:
 * one "hostile" server with a route per attack, and an "inner" server standing for a service
 * on another loopback port that a redirect tries to reach (it counts its requests).
 *
 * Routes of the hostile server:
 * - `/nested/ballard/`: ~1 MB of 100,000 nested `<div>`s (quadratic for the HTML parser);
 *   `?n=N` for N levels instead;
 * - `/huge/`: a 200 MB body, streamed without Content-Length;
 * - `/endless/`: a body that never ends, as fast as the client reads;
 * - `/redirect/`: 302 to the inner server (`http://127.0.0.1:<inner>/admin`);
 * - `/many/api/events`: a Saleh's Corner answer with 2,000 booked slots in the fixture week;
 * - `/escape/ballard/`: a Stoup page whose truck name carries terminal escape sequences.
 * @module
 */

/** The truck name of `/escape/ballard/`: OSC window title, clear screen, red, CR, bidi override. */
export const ESCAPE_TRUCK = "Tacos\u001b]0;pwned\u0007\u001b[2J\u001b[31mRED\rX\u202eevil";

/** Bytes sent so far by `/huge/` and `/endless/` (to show that the client stopped reading). */
export interface HostileServers extends AsyncDisposable {
  origin: string;
  /** `127.0.0.1:<port>` of the hostile server (for `VENUE_ALLOW_PRIVATE_NETWORKS`). */
  host: string;
  innerOrigin: string;
  /** Requests that reached the inner server (must stay 0). */
  innerHits: () => number;
  /** Bytes the huge/endless routes produced. */
  sent: () => number;
}

const CHUNK = new Uint8Array(64 * 1024).fill(0x61);

function stream(limit: number, count: (n: number) => void): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= limit) return c.close();
      sent += CHUNK.byteLength;
      count(CHUNK.byteLength);
      c.enqueue(CHUNK);
    },
  });
}

/** `n` nested `<div>`s in an HTML page (~10 bytes per level). */
export function nestedPage(n = 100_000): string {
  return `<html><body>${"<div>".repeat(n)}x${"</div>".repeat(n)}</body></html>`;
}

function manySlots(n: number): string {
  const events = Array.from({ length: n }, (_, i) => {
    const day = 5 + (i % 7);
    const hour = 10 + (i % 10);
    return {
      id: i,
      start_time: `2026-03-${String(day).padStart(2, "0")}T${hour}:00:00.000-08:00`,
      end_time: `2026-03-${String(day).padStart(2, "0")}T${hour}:30:00.000-08:00`,
      bookings: [{ status: "approved", truck: { name: `Truck ${i}` } }],
    };
  });
  return JSON.stringify({ events });
}

function escapePage(): string {
  return `<html><body><div class="food-truck-day"><div class="lunch-truck-info"><h4>Thu 03.05</h4>` +
    `<div class="hrs">1 &mdash; 8pm</div><div class="truck">${ESCAPE_TRUCK}</div></div></div>` +
    `</body></html>`;
}

/** Starts the hostile and inner servers on free loopback ports. */
export function startHostileServers(): HostileServers {
  let innerHits = 0;
  let sent = 0;
  const count = (n: number) => (sent += n);
  const inner = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    innerHits++;
    return new Response("inner admin page: SECRET-INNER");
  });
  const innerOrigin = `http://127.0.0.1:${inner.addr.port}`;
  const nested = new Map<number, string>();
  const many = manySlots(2000);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    const path = url.pathname;
    const html = { "content-type": "text/html; charset=utf-8" };
    if (path.startsWith("/nested/")) {
      const n = Math.min(Number(url.searchParams.get("n") ?? 100_000) || 100_000, 1_000_000);
      if (!nested.has(n)) nested.set(n, nestedPage(n));
      return new Response(nested.get(n), { headers: html });
    }
    if (path.startsWith("/huge/")) return new Response(stream(200 * 1024 * 1024, count));
    if (path.startsWith("/endless/")) return new Response(stream(Infinity, count));
    if (path.startsWith("/redirect/")) {
      return new Response(null, { status: 302, headers: { location: `${innerOrigin}/admin` } });
    }
    if (path.startsWith("/many/")) {
      return new Response(many, { headers: { "content-type": "application/json" } });
    }
    if (path.startsWith("/escape/")) return new Response(escapePage(), { headers: html });
    return new Response("not found", { status: 404 });
  });
  const host = `127.0.0.1:${server.addr.port}`;
  return {
    origin: `http://${host}`,
    host,
    innerOrigin,
    innerHits: () => innerHits,
    sent: () => sent,
    async [Symbol.asyncDispose]() {
      await Promise.allSettled([server.shutdown(), inner.shutdown()]);
    },
  };
}
