import assert from "node:assert/strict";
import { HttpClient, HttpNetworkError, HttpStatusError, ParseError } from "../src/http.ts";

type Handler = (req: Request, n: number) => Response | Promise<Response>;

/** A loopback server counting its requests; `n` is the 1-based number of the request. */
function serve(handler: Handler) {
  const paths: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    paths.push(new URL(req.url).pathname);
    return handler(req, paths.length);
  });
  return {
    url: (path = "/") => `http://127.0.0.1:${server.addr.port}${path}`,
    paths,
    get count() {
      return paths.length;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const fast = (o: ConstructorParameters<typeof HttpClient>[0] = {}) =>
  new HttpClient({ timeoutMs: 2000, retries: 2, backoffMs: 1, ...o });

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail("expected the request to fail");
}

Deno.test("http: retries a 500 and returns the answer that follows", async () => {
  await using s = serve((_req, n) =>
    n <= 2 ? new Response("boom", { status: 500 }) : new Response("ok")
  );
  assert.equal(await fast({ retries: 2 }).text(s.url()), "ok");
  assert.equal(s.count, 3);
});

/** Asks for one URL from a server answering 429 with `retryAfter` once, then "ok"; the wait in ms. */
async function waitAfter429(retryAfter: string, maxRetryAfterMs: number): Promise<number> {
  await using s = serve((_req, n) =>
    n === 1
      ? new Response("slow down", { status: 429, headers: { "retry-after": retryAfter } })
      : new Response("ok")
  );
  const t0 = performance.now();
  const body = await fast({ backoffMs: 1, maxRetryAfterMs }).text(s.url());
  const waited = performance.now() - t0;
  assert.equal(body, "ok");
  assert.equal(s.count, 2);
  return waited;
}

Deno.test("http: retries a 429 after its Retry-After, bounded by maxRetryAfterMs", async () => {
  const waited = await waitAfter429("30", 300);
  // Honoured: far longer than the 1 ms backoff; bounded: far shorter than the 30 s asked for.
  assert.ok(waited >= 280 && waited < 3000, `waited ${waited} ms`);
});

Deno.test("http: a 429 with a short Retry-After waits that long, not the backoff", async () => {
  const waited = await waitAfter429("0.2", 5000);
  assert.ok(waited >= 180 && waited < 2000, `waited ${waited} ms`);
});

Deno.test("http: a 404 is not retried", async () => {
  await using s = serve(() => new Response("nope", { status: 404, statusText: "Not Found" }));
  const err = await rejection(fast({ retries: 3 }).text(s.url("/missing")));
  assert.ok(err instanceof HttpStatusError);
  assert.equal(err.status, 404);
  assert.equal(err.url, s.url("/missing"));
  assert.match(err.message, /^HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/missing$/);
  assert.equal(s.count, 1);
});

Deno.test("http: gives up after `retries` retries with an HttpStatusError carrying the status", async () => {
  await using s = serve(() =>
    new Response("down", { status: 503, statusText: "Service Unavailable" })
  );
  const err = await rejection(fast({ retries: 2 }).text(s.url()));
  assert.ok(err instanceof HttpStatusError);
  assert.equal(err.name, "HttpStatusError");
  assert.equal(err.status, 503);
  assert.equal(err.statusText, "Service Unavailable");
  assert.equal(s.count, 3);
});

Deno.test("http: retries 0 means exactly one request", async () => {
  await using s = serve(() => new Response("down", { status: 502 }));
  const err = await rejection(fast({ retries: 0 }).text(s.url()));
  assert.ok(err instanceof HttpStatusError);
  assert.equal(err.status, 502);
  assert.equal(s.count, 1);
});

Deno.test("http: a server slower than the timeout gives HttpNetworkError 'no answer within N ms'", async () => {
  // The handler answers only when the test releases it (after the client has given up).
  const held: (() => void)[] = [];
  await using s = serve(() =>
    new Promise<Response>((resolve) => held.push(() => resolve(new Response("late"))))
  );
  const t0 = performance.now();
  const err = await rejection(fast({ timeoutMs: 60, retries: 1 }).text(s.url()));
  const took = performance.now() - t0;
  assert.ok(err instanceof HttpNetworkError, String(err));
  assert.equal(err.name, "HttpNetworkError");
  assert.match(err.message, /no answer within 60 ms/);
  assert.equal(s.count, 2); // the timeout is retried like any network error
  assert.ok(took < 2000, `took ${took} ms: the timeout did not cut the request`);
  for (const release of held) release();
});

Deno.test("http: a refused connection gives HttpNetworkError", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const url = `http://127.0.0.1:${port}/`;
  const err = await rejection(fast({ retries: 1 }).text(url));
  assert.ok(err instanceof HttpNetworkError, String(err));
  assert.match(err.message, /^network error: /);
  assert.ok(err.message.endsWith(`(${url})`), err.message);
  assert.equal(err.url, url);
});

Deno.test("http: json() on a body that is not JSON throws ParseError, without retrying", async () => {
  await using s = serve(() => new Response("<html>maintenance</html>"));
  const err = await rejection(fast({ retries: 2 }).json(s.url("/api")));
  assert.ok(err instanceof ParseError, String(err));
  assert.equal(err.name, "ParseError");
  assert.match(err.message, /expected JSON from http:\/\/127\.0\.0\.1:\d+\/api/);
  assert.match(err.message, /<html>maintenance<\/html>/);
  assert.equal(s.count, 1);
});

Deno.test("http: json() parses a JSON body", async () => {
  await using s = serve(() => Response.json({ a: [1, 2] }));
  assert.deepEqual(await fast().json(s.url()), { a: [1, 2] });
});

Deno.test("http: redirects are followed", async () => {
  await using s = serve((req) =>
    new URL(req.url).pathname === "/old"
      ? new Response(null, { status: 302, headers: { location: "/new" } })
      : new Response("moved here")
  );
  assert.equal(await fast().text(s.url("/old")), "moved here");
  assert.deepEqual(s.paths, ["/old", "/new"]);
});

Deno.test("http: default headers are sent, and per-request headers win over them", async () => {
  const seen: Record<string, string | null>[] = [];
  await using s = serve((req) => {
    seen.push({ a: req.headers.get("x-a"), b: req.headers.get("x-b") });
    return new Response("ok");
  });
  const http = fast({ headers: { "x-a": "default", "x-b": "default" } });
  await http.text(s.url(), { headers: { "x-b": "mine" } });
  assert.deepEqual(seen, [{ a: "default", b: "mine" }]);
});
