import assert from "node:assert/strict";
import { freePort } from "./harness/ports.ts";
import { waitUntil } from "./harness/wait.ts";
import {
  describeBody,
  HttpClient,
  HttpNetworkError,
  HttpRefusedError,
  HttpStatusError,
  parseAllowPrivate,
  ParseError,
  parseMaxBodyBytes,
} from "../src/net/http.ts";

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
  new HttpClient({ timeoutMs: 2000, retries: 2, backoffMs: 1, allowPrivateNetworks: true, ...o });

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
  // The server never answers before release: returning at all shows the timeout cut both
  // attempts; the bound (far above 2 × 60 ms + backoff) only turns a hang into a failure.
  assert.ok(took < 20_000, `took ${took} ms: the timeout did not cut the request`);
  for (const release of held) release();
});

/** Aborts `stop` once `ready()` holds; how long `p` then took to reject, and with what. */
async function abortedAfter(p: Promise<unknown>, ready: () => boolean, stop: AbortController) {
  await waitUntil("the request to arrive", ready, { timeoutMs: 10_000 });
  const t0 = performance.now();
  stop.abort();
  const err = await rejection(p);
  return { err, ms: performance.now() - t0 };
}

Deno.test("http: the caller's signal stops a request, the back-off and a body at once", async () => {
  // Nothing here answers before its 60 s timeout or back-off: only the abort can end each call;
  // the bound (far above the expected few ms) only turns a hang into a failure.
  const held: (() => void)[] = [];
  await using s = serve((req) => {
    if (req.url.endsWith("/500")) return new Response("boom", { status: 500 });
    if (req.url.endsWith("/body")) {
      const body = new ReadableStream({ start: (c) => c.enqueue(new Uint8Array(8)) });
      return new Response(body); // a body that never ends
    }
    return new Promise<Response>((resolve) => held.push(() => resolve(new Response("late"))));
  });
  const http = fast({ timeoutMs: 60_000, backoffMs: 60_000, retries: 2 });
  try {
    for (const path of ["/hang", "/500", "/body"]) {
      const stop = new AbortController();
      const before = s.count;
      const p = http.bytes(s.url(path), { signal: stop.signal });
      const { err, ms } = await abortedAfter(p, () => s.count > before, stop);
      assert.strictEqual(err, stop.signal.reason, `${path}: ${err}`);
      assert.ok(ms < 10_000, `${path}: took ${ms} ms after the abort`);
      assert.equal(s.count, before + 1, `${path}: not retried`);
    }
    await assert.rejects(
      http.text(s.url("/hang"), { signal: AbortSignal.abort(new Error("stopped")) }),
      /stopped/,
    );
    assert.equal(s.count, 3, "an aborted signal sends nothing");
  } finally {
    for (const release of held) release(); // also on failure: shutdown waits for them
  }
});

Deno.test("http: a refused connection gives HttpNetworkError", async () => {
  const url = `http://127.0.0.1:${freePort()}/`;
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
  assert.match(err.message, /got HTML of 24 characters$/);
  assert.doesNotMatch(err.message, /maintenance/, "the body is never quoted");
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

// ---- The guards (issue 12): schemes, internal addresses, redirects, body cap ----

Deno.test("http guard: file:, data: and other schemes are refused before anything is read", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "SECRET-FILE-CONTENT");
  let fetched = 0;
  const spy = ((...a: Parameters<typeof fetch>) => {
    fetched++;
    return fetch(...a);
  }) as typeof fetch;
  for (const url of [`file://${file}`, "data:text/plain,hello", "ftp://example.com/x"]) {
    const err = await rejection(fast({ fetch: spy }).text(url));
    assert.ok(err instanceof HttpRefusedError, `${url}: ${err}`);
    assert.match(err.message, /only http and https URLs are fetched/);
    assert.doesNotMatch(err.message, /SECRET/);
  }
  assert.equal(fetched, 0);
  await Deno.remove(file);
});

Deno.test("http guard: loopback, private and metadata addresses are refused by default", async () => {
  await using s = serve(() => new Response("internal"));
  const strict = new HttpClient({ retries: 0, resolve: () => Promise.resolve(["127.0.0.1"]) });
  for (
    const url of [
      s.url(),
      `http://[::1]:${new URL(s.url()).port}/`,
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/",
      "http://10.0.0.1/",
      "http://192.168.1.1/",
      "http://100.64.0.1/",
      "http://0.0.0.0/",
      "http://[::ffff:127.0.0.1]/",
      "http://2130706433/", // 127.0.0.1 as one number
    ]
  ) {
    const err = await rejection(strict.text(url));
    assert.ok(err instanceof HttpRefusedError, `${url}: ${err}`);
    assert.match(err.message, /VENUE_ALLOW_PRIVATE_NETWORKS=true/);
  }
  assert.equal(s.count, 0, "no request reached the loopback server");
});

Deno.test("http guard: a name is refused when any of its addresses is internal (after DNS)", async () => {
  const asked: string[] = [];
  const http = new HttpClient({
    retries: 0,
    resolve: (h) => {
      asked.push(h);
      return Promise.resolve(["93.184.215.14", "169.254.169.254"]);
    },
    fetch: () => Promise.reject(new Error("must not connect")),
  });
  const err = await rejection(http.text("http://metadata.example/"));
  assert.ok(err instanceof HttpRefusedError, String(err));
  assert.match(err.message, /metadata\.example resolves to 169\.254\.169\.254, a link-local/);
  assert.deepEqual(asked, ["metadata.example"]);
  // The real resolver: localhost is loopback.
  const local = await rejection(new HttpClient({ retries: 0 }).text("http://localhost:1/"));
  assert.ok(local instanceof HttpRefusedError, String(local));
  assert.match(local.message, /localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
});

/**
 * A fetch that plays DNS for `public.test`: requests to it go to `port` on loopback, as if the
 * name resolved to a public address (the client's resolver is told it does).
 */
function publicNameFetch(port: string): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) => {
    const u = new URL(input instanceof Request ? input.url : input);
    if (u.hostname === "public.test") {
      u.hostname = "127.0.0.1";
      u.port = port;
    }
    return fetch(u, init);
  }) as typeof fetch;
}

Deno.test("http guard: a redirect to another loopback port is re-checked and refused", async () => {
  await using inner = serve(() => new Response("internal admin page"));
  await using venue = serve(() =>
    new Response(null, { status: 302, headers: { location: inner.url("/admin") } })
  );
  const http = new HttpClient({
    retries: 0,
    fetch: publicNameFetch(new URL(venue.url()).port),
    resolve: () => Promise.resolve(["93.184.215.14"]),
  });
  const err = await rejection(http.text("http://public.test/schedule"));
  assert.ok(err instanceof HttpRefusedError, String(err));
  assert.match(err.message, /127\.0\.0\.1 is a loopback address/);
  assert.equal(venue.count, 1);
  assert.equal(inner.count, 0, "the redirect target was never asked");
  // With the venue's own origin allowed, the other port is still refused.
  const listed = fast({ retries: 0, allowPrivateNetworks: [new URL(venue.url()).host] });
  const err2 = await rejection(listed.text(venue.url("/schedule")));
  assert.ok(err2 instanceof HttpRefusedError, String(err2));
  assert.equal(inner.count, 0);
});

Deno.test("http guard: a redirect to file: is refused; redirect loops stop", async () => {
  await using s = serve((req) =>
    new URL(req.url).pathname === "/file"
      ? new Response(null, { status: 301, headers: { location: "file:///etc/passwd" } })
      : new Response(null, { status: 302, headers: { location: "/loop" } })
  );
  const err = await rejection(fast().text(s.url("/file")));
  assert.ok(err instanceof HttpRefusedError, String(err));
  assert.match(err.message, /not "file:"/);
  const loop = await rejection(fast({ maxRedirects: 3 }).text(s.url("/loop")));
  assert.ok(loop instanceof HttpRefusedError, String(loop));
  assert.match(loop.message, /more than 3 redirects/);
  assert.equal(s.count, 1 + 4);
  const byDefault = await rejection(fast({ retries: 0 }).text(s.url("/loop")));
  assert.match(byDefault.message, /more than 5 redirects/);
  assert.equal(s.count, 1 + 4 + 6);
});

Deno.test("http guard: a body over the cap is refused while streaming, without Content-Length", async () => {
  let sent = 0;
  await using s = serve(() =>
    new Response(
      new ReadableStream({
        pull(c) { // endless body
          sent += 65536;
          c.enqueue(new Uint8Array(65536).fill(60));
        },
      }),
    )
  );
  const err = await rejection(fast({ retries: 0, maxBodyBytes: 1_000_000 }).text(s.url()));
  assert.ok(err instanceof HttpRefusedError, String(err));
  assert.match(err.message, /body larger than 1000000 bytes \(VENUE_MAX_BODY_BYTES/);
  assert.ok(sent < 50_000_000, `the server kept sending (${sent} bytes)`);
  assert.equal(s.count, 1, "not retried");
});

Deno.test("http guard: a declared Content-Length over the cap is refused before reading", async () => {
  await using s = serve(() => new Response("x".repeat(5000)));
  const err = await rejection(fast({ maxBodyBytes: 4999 }).text(s.url()));
  assert.ok(err instanceof HttpRefusedError, String(err));
  assert.equal(await fast({ maxBodyBytes: 5000 }).text(s.url()), "x".repeat(5000));
});

Deno.test("http guard: settings parse as documented", () => {
  assert.equal(parseAllowPrivate(undefined), false);
  assert.equal(parseAllowPrivate("false"), false);
  assert.equal(parseAllowPrivate("TRUE"), true);
  assert.deepEqual(parseAllowPrivate("127.0.0.1:8080, [::1]:80"), ["127.0.0.1:8080", "[::1]:80"]);
  assert.match((parseAllowPrivate("yes") as { error: string }).error, /not true, false/);
  assert.equal(parseMaxBodyBytes(""), 5 * 1024 * 1024);
  assert.equal(parseMaxBodyBytes("1000"), 1000);
  assert.match((parseMaxBodyBytes("-1") as { error: string }).error, /positive whole number/);
  assert.equal(describeBody("<html>secret words</html>"), "HTML of 25 characters");
});
