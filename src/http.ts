/**
 * HTTP for venue parsers: a per-request timeout, retries with exponential backoff for
 * network errors, 5xx and 429 (honouring `Retry-After`), and named errors.
 *
 * @example
 * ```ts
 * import { HttpClient } from "./http.ts";
 * const http = new HttpClient({ timeoutMs: 5000, retries: 2 });
 * const html = await http.text("http://127.0.0.1:8080/ballard/");
 * ```
 * @module
 */

/** A response with a non-2xx status, after any retries. */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  constructor(readonly url: string, readonly status: number, readonly statusText: string) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ""} from ${url}`);
  }
}

/** No response: refused, DNS failure, reset, or the per-request timeout. */
export class HttpNetworkError extends Error {
  override name = "HttpNetworkError";
  constructor(readonly url: string, message: string) {
    super(`${message} (${url})`);
  }
}

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  /** Per-request timeout in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, 5xx and 429. Default 2. */
  retries?: number;
  /** First backoff delay in milliseconds, doubled each retry. Default 250. */
  backoffMs?: number;
  /** Longest wait honoured from a `Retry-After` header, in milliseconds. Default 5000. */
  maxRetryAfterMs?: number;
  /** Headers sent with every request (merged under per-request headers). */
  headers?: Record<string, string>;
  /** The fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** A browser-like header set: some venue sites answer 403 without it. */
export const BROWSER_HEADERS: Record<string, string> = {
  "User-Agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  "Accept":
    "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.7",
  "Accept-Language": "en-US,en;q=0.9",
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fetches text and JSON with timeouts and bounded retries. Redirects are followed. */
export class HttpClient {
  readonly #o: Required<Omit<HttpClientOptions, "headers" | "fetch">> & {
    headers: Record<string, string>;
    fetch: typeof fetch;
  };

  constructor(options: HttpClientOptions = {}) {
    this.#o = {
      timeoutMs: options.timeoutMs ?? 10_000,
      retries: options.retries ?? 2,
      backoffMs: options.backoffMs ?? 250,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 5_000,
      headers: options.headers ?? {},
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    };
  }

  /** Performs the request and returns the 2xx `Response`; throws {@link HttpStatusError} / {@link HttpNetworkError}. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const o = this.#o;
    for (let attempt = 0;; attempt++) {
      const last = attempt >= o.retries;
      let res: Response;
      try {
        res = await o.fetch(url, {
          ...init,
          headers: mergeHeaders(o.headers, init.headers),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (err) {
        const msg = err instanceof DOMException && err.name === "TimeoutError"
          ? `no answer within ${o.timeoutMs} ms`
          : `network error: ${err instanceof Error ? err.message : String(err)}`;
        if (last) throw new HttpNetworkError(url, msg);
        await sleep(o.backoffMs * 2 ** attempt);
        continue;
      }
      if (res.ok) return res;
      await res.body?.cancel();
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || last) throw new HttpStatusError(url, res.status, res.statusText);
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      const wait = retryAfterMs !== undefined
        ? Math.min(retryAfterMs, o.maxRetryAfterMs)
        : o.backoffMs * 2 ** attempt;
      await sleep(wait);
    }
  }

  /** GETs (or `init.method`) `url` and returns the body as text. */
  async text(url: string, init?: RequestInit): Promise<string> {
    const res = await this.request(url, init);
    try {
      return await res.text();
    } catch (err) {
      throw new HttpNetworkError(url, `body could not be read: ${(err as Error).message}`);
    }
  }

  /** Like {@link text} but parses JSON; a body that is not JSON throws a `ParseError`. */
  async json(url: string, init?: RequestInit): Promise<unknown> {
    const body = await this.text(url, init);
    try {
      return JSON.parse(body);
    } catch {
      throw new ParseError(`expected JSON from ${url}, got ${describeBody(body)}`);
    }
  }
}

/** Client defaults overlaid with per-request headers (any `HeadersInit` form). */
function mergeHeaders(base: Record<string, string>, extra: HeadersInit | undefined): Headers {
  const h = new Headers(base);
  if (extra) new Headers(extra).forEach((v, k) => h.set(k, v));
  return h;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return secs > 0 ? secs * 1000 : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A page or API answered, but not in the shape the parser knows. Never retried. */
export class ParseError extends Error {
  override name = "ParseError";
}

/** A short, safe description of a body for error details. */
export function describeBody(body: string): string {
  if (body.trim() === "") return "an empty body";
  const s = body.replace(/\s+/g, " ").trim();
  return `"${s.length > 60 ? s.slice(0, 60) + "…" : s}"`;
}
