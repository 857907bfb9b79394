/**
 * A local stand-in of the Anthropic Messages API for the AI tests: `POST /v1/messages` answers
 * with the real response shape (or an error body / a delay), `GET /images/<name>` serves a tiny
 * PNG. Every request is recorded (headers and parsed body) so tests can count and inspect them.
 * Also: console capture, to check that the key never shows in any output.
 *
 * @example
 * ```ts
 * const api = startStandIn(() => ({ text: "Woodshop BBQ" }));
 * const settings = { apiKey: KEY, model: "test-model", baseURL: api.url };
 * // ... run the code under test ...
 * assertEquals(api.messages.length, 1);
 * await api.close();
 * ```
 * @module
 */
import type { AiSettings } from "../../src/ai/client.ts";
import type { VisionEvent } from "../../src/ai/vision.ts";

/** A 1×1 PNG. */
export const PNG_BYTES = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  ),
  (c) => c.charCodeAt(0),
);

/** A fake key: long and distinctive, so any leak is found by substring. */
export const KEY = "sk-ant-api03-TEST-do-not-leak-7f3c9a1e5b";

/**
 * AI settings for tests against the stand-in at `baseURL`: short timeout, 2 retries, and
 * `allowPrivateNetworks` because the stand-in's images are on loopback (the guarded fetch
 * refuses loopback otherwise).
 */
export function standInSettings(
  baseURL: string,
  model: string,
  more: Partial<AiSettings> = {},
): AiSettings {
  return {
    apiKey: KEY,
    model,
    baseURL,
    timeoutMs: 2000,
    maxRetries: 2,
    allowPrivateNetworks: true,
    ...more,
  };
}

/** One request the stand-in received. */
export interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body (POST /v1/messages), else undefined. */
  body?: Record<string, unknown>;
  /** Raw body text. */
  raw: string;
}

/** How the stand-in answers one Messages request. */
export interface Reply {
  /** Answer text (one text content block). */
  text?: string;
  /** HTTP status; default 200. Non-2xx sends the API's error body. */
  status?: number;
  /** Wait this long before answering (cut short by `close()`). */
  delayMs?: number;
  /** `stop_reason`; default `end_turn`. */
  stopReason?: string;
}

/** A running stand-in. */
export interface StandIn {
  /** Base URL for the SDK, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** Every request, in order. */
  all: Recorded[];
  /** The `POST /v1/messages` requests. */
  messages: Recorded[];
  /** The image requests. */
  images: Recorded[];
  close(): Promise<void>;
}

/**
 * Starts the stand-in on 127.0.0.1 (a free port).
 *
 * @param reply Answer for the n-th (0-based) Messages request.
 */
export function startStandIn(reply: (n: number, body: Record<string, unknown>) => Reply): StandIn {
  const all: Recorded[] = [];
  const messages: Recorded[] = [];
  const images: Recorded[] = [];
  const pending = new Set<() => void>();
  let closing = false;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const raw = await req.text();
      const rec: Recorded = {
        method: req.method,
        path: url.pathname,
        headers: Object.fromEntries(req.headers),
        raw,
      };
      all.push(rec);
      if (req.method === "GET" && url.pathname.startsWith("/images/")) {
        images.push(rec);
        if (url.pathname.endsWith(".txt")) return new Response("not an image");
        return new Response(PNG_BYTES, { headers: { "content-type": "image/png" } });
      }
      if (req.method !== "POST" || url.pathname !== "/v1/messages") {
        return new Response("not found", { status: 404 });
      }
      rec.body = JSON.parse(raw);
      if (!sentKey(rec.headers) || !req.headers.get("anthropic-version")) {
        return Response.json({
          type: "error",
          error: { type: "authentication_error", message: "missing credentials or version" },
        }, { status: 401 });
      }
      const n = messages.length;
      messages.push(rec);
      const r = reply(n, rec.body!);
      if (r.delayMs) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, r.delayMs);
          pending.add(done);
          function done() {
            clearTimeout(t);
            pending.delete(done);
            resolve();
          }
        });
        if (closing) return new Response(null, { status: 503 });
      }
      const status = r.status ?? 200;
      if (status >= 300) {
        return Response.json(
          {
            type: "error",
            error: { type: status === 529 ? "overloaded_error" : "api_error", message: "boom" },
            request_id: "req_standin",
          },
          // retry-after-ms keeps the SDK's backoff short in tests.
          { status, headers: { "request-id": "req_standin", "retry-after-ms": "5" } },
        );
      }
      return Response.json({
        id: `msg_standin_${n}`,
        type: "message",
        role: "assistant",
        model: String(rec.body!.model),
        content: [{ type: "text", text: r.text ?? "" }],
        stop_reason: r.stopReason ?? "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 42, output_tokens: 7 },
      }, { headers: { "request-id": "req_standin" } });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    all,
    messages,
    images,
    async close() {
      closing = true;
      for (const done of [...pending]) done(); // end delayed answers, so shutdown can finish
      await server.shutdown();
    },
  };
}

/** Which header carries the key: `x-api-key` (older SDKs) or `authorization` (`Bearer <key>`). */
export function authHeaderName(headers: Record<string, string>): string | undefined {
  if (headers["x-api-key"]) return "x-api-key";
  if (/^Bearer /.test(headers["authorization"] ?? "")) return "authorization";
  return undefined;
}

/**
 * The key a request authenticated with: the `x-api-key` header, or the token of
 * `Authorization: Bearer <key>` (what SDK 1.13 sends for `apiKey`).
 */
export function sentKey(headers: Record<string, string>): string | undefined {
  const name = authHeaderName(headers);
  if (name === "x-api-key") return headers["x-api-key"];
  if (name === "authorization") return headers["authorization"].slice("Bearer ".length);
  return undefined;
}

/** Lines written to console.* while capturing. */
export interface Captured {
  lines: string[];
  restore(): void;
}

/** Captures console.log/info/warn/error/debug (silencing them) until `restore()`. */
export function captureConsole(): Captured {
  const names = ["log", "info", "warn", "error", "debug"] as const;
  const saved = names.map((n) => console[n]);
  const lines: string[] = [];
  for (const n of names) {
    console[n] = (...args: unknown[]) => {
      lines.push(args.map((a) => typeof a === "string" ? a : Deno.inspect(a)).join(" "));
    };
  }
  return {
    lines,
    restore() {
      names.forEach((n, i) => (console[n] = saved[i]));
    },
  };
}

/** What {@link withStandIn} hands the test body. */
export interface Ctx {
  api: StandIn;
  /** Console lines captured so far. */
  logs: string[];
}

/**
 * Runs `fn` with a stand-in and console capture; afterwards checks that the key appears in no
 * console line and, for every request, only in the auth header (`x-api-key` or `Bearer`).
 */
export async function withStandIn(
  reply: (n: number, body: Record<string, unknown>) => Reply,
  fn: (ctx: Ctx) => Promise<void>,
): Promise<void> {
  const api = startStandIn(reply);
  const cap = captureConsole();
  try {
    await fn({ api, logs: cap.lines });
  } finally {
    cap.restore();
    await api.close();
  }
  for (const line of cap.lines) {
    if (line.includes(KEY)) throw new Error(`the key leaked into console output: ${line}`);
  }
  for (const r of api.all) {
    const others = { ...r.headers };
    if (r.path === "/v1/messages") {
      // The one place the key belongs: the SDK's auth header (removed before the check below).
      delete others[sentKey(r.headers) === KEY ? authHeaderName(r.headers)! : ""];
    }
    if (JSON.stringify(others).includes(KEY) || r.raw.includes(KEY) || r.path.includes(KEY)) {
      throw new Error(`the key was sent outside the auth header (${r.method} ${r.path})`);
    }
  }
}

/** Asserts that an error, in every printable form, does not hold the key. */
export function assertNoKeyIn(err: unknown): void {
  const forms = [String(err), (err as Error)?.stack ?? "", Deno.inspect(err, { depth: 8 })];
  try {
    forms.push(JSON.stringify(err));
  } catch {
    // not serializable: the other forms cover it
  }
  for (const f of forms) {
    if (f.includes(KEY)) throw new Error("the key appears in a thrown error");
  }
}

/** An Obec Brewing evening truck on `today` (4–9 PM Pacific), with an image when `imageUrl` is given. */
export function obecEvent(today: string, truckName: string, imageUrl?: string): VisionEvent {
  return {
    venueKey: "obec-brewing",
    venueName: "Obec Brewing",
    truckName,
    date: today,
    start: `${today}T16:00:00-08:00`,
    end: `${today}T21:00:00-08:00`,
    ...(imageUrl ? { imageUrl } : {}),
  };
}
