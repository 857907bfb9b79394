/**
 * The one guarded HTTP client for everything the worker and `scrape` fetch (venue pages, venue
 * API options, AI images): a per-request timeout, retries with exponential backoff for network
 * errors, 5xx and 429 (honouring `Retry-After`), named errors, and the guards for hostile input:
 *
 * - only `http:` and `https:` URLs (`file:`, `data:`, `blob:` ... are refused, never read);
 * - redirects are followed by hand (at most {@link DEFAULT_MAX_REDIRECTS}), each hop re-checked;
 * - the host of every hop is resolved (node:dns, all addresses) and refused when any address is
 *   loopback, private (RFC 1918, ULA), link-local / cloud metadata, CGNAT, unspecified,
 *   multicast or reserved (see `address.ts`), unless `allowPrivateNetworks` is set (env
 *   `VENUE_ALLOW_PRIVATE_NETWORKS=true`; the offline fixtures and the tests set it). Residual
 *   risk: the check resolves the name, then `fetch` resolves it again, so a DNS server that
 *   answers differently within that instant (DNS rebinding with TTL 0) is not caught; IP
 *   literals and names with stable answers are;
 * - the body is read as a stream and abandoned past `maxBodyBytes` (default
 *   {@link DEFAULT_MAX_BODY_BYTES}, env `VENUE_MAX_BODY_BYTES`), also when no Content-Length is
 *   sent, and within the same timeout as the request;
 * - error messages describe a body (kind and size), never quote it.
 *
 * @example
 * ```ts
 * import { HttpClient } from "./http.ts";
 * const http = new HttpClient({ timeoutMs: 5000, retries: 2 });
 * const html = await http.text("https://www.stoupbrewing.com/ballard/");
 * // Local test servers must be allowed explicitly:
 * const local = new HttpClient({ allowPrivateNetworks: true });
 * ```
 * @module
 */
import { lookup } from "node:dns/promises";
import { delay } from "../core/delay.ts";
import { internalAddressReason, isIpLiteral } from "./address.ts";
import {
  describeBody,
  HttpNetworkError,
  HttpRefusedError,
  HttpStatusError,
  ParseError,
} from "./http_errors.ts";

export * from "./http_errors.ts";

/** Largest response body read by default, in bytes (5 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Redirects followed per request by default. */
export const DEFAULT_MAX_REDIRECTS = 5;
/** The setting that lets fetches reach loopback and private addresses (tests, offline fixtures). */
export const ALLOW_PRIVATE_ENV = "VENUE_ALLOW_PRIVATE_NETWORKS";
/** The setting for the body cap in bytes. */
export const MAX_BODY_ENV = "VENUE_MAX_BODY_BYTES";

/**
 * Reads the value of `VENUE_ALLOW_PRIVATE_NETWORKS`: unset, empty or `false` → false; `true` →
 * true; otherwise a comma-separated list of `host:port` origins (IPv6 hosts in brackets).
 * Returns an error message instead for anything else.
 */
export function parseAllowPrivate(
  value: string | undefined,
): boolean | readonly string[] | { error: string } {
  const v = value?.trim() ?? "";
  if (v === "" || /^(false|0)$/i.test(v)) return false;
  if (/^(true|1)$/i.test(v)) return true;
  const list = v.split(",").map((x) => x.trim()).filter((x) => x !== "");
  const bad = list.find((x) => !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(x));
  if (bad !== undefined) {
    return { error: `"${bad}" is not true, false or a list of host:port (e.g. 127.0.0.1:8080)` };
  }
  return list;
}

/**
 * Reads `VENUE_MAX_BODY_BYTES`: unset or empty → {@link DEFAULT_MAX_BODY_BYTES}; else a positive
 * whole number of bytes, or an error message.
 */
export function parseMaxBodyBytes(value: string | undefined): number | { error: string } {
  const v = value?.trim() ?? "";
  if (v === "") return DEFAULT_MAX_BODY_BYTES;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0
    ? n
    : { error: `"${value}" is not a positive whole number of bytes` };
}

/** Resolves a host name to its IP addresses. */
export type HostResolver = (host: string) => Promise<string[]>;

/** The default {@link HostResolver}: the system resolver (`/etc/hosts`, DNS), every address. */
export const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  /** Per-request timeout in milliseconds (redirects and body included). Default 10000. */
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
  /**
   * Allow loopback, private, link-local and other internal addresses: `true` for all, or a list
   * of `host:port` origins (e.g. `["127.0.0.1:8080"]`) allowed whatever they resolve to.
   * Default false: only public addresses. The offline fixtures and the tests set it
   * (`VENUE_ALLOW_PRIVATE_NETWORKS`, see {@link parseAllowPrivate}).
   */
  allowPrivateNetworks?: boolean | readonly string[];
  /** Largest body read, in bytes. Default {@link DEFAULT_MAX_BODY_BYTES} (5 MiB). */
  maxBodyBytes?: number;
  /** Redirects followed per request. Default {@link DEFAULT_MAX_REDIRECTS} (5). */
  maxRedirects?: number;
  /** Host name resolution for the address check. Default {@link systemResolver}. */
  resolve?: HostResolver;
}

/** A browser-like header set: some venue sites answer 403 without it. */
export const BROWSER_HEADERS: Record<string, string> = {
  "User-Agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  "Accept":
    "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.7",
  "Accept-Language": "en-US,en;q=0.9",
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A URL for messages: without user name or password. */
function shown(url: string | URL): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return String(url).slice(0, 200);
  }
}

/** Fetches text, JSON and bytes with timeouts, bounded retries and the guards of this module. */
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
      allowPrivateNetworks: options.allowPrivateNetworks ?? false,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
      resolve: options.resolve ?? systemResolver,
    };
  }

  /** What this client may reach beside public addresses (see {@link HttpClientOptions}). */
  get allowPrivateNetworks(): boolean | readonly string[] {
    return this.#o.allowPrivateNetworks;
  }

  /**
   * Throws {@link HttpRefusedError} when `url` may not be fetched: not http(s), or (unless
   * `allowPrivateNetworks`) a host that is or resolves to an internal address. A name that
   * cannot be resolved throws {@link HttpNetworkError}.
   */
  async check(url: string | URL): Promise<URL> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new HttpRefusedError(shown(url), "not a valid URL");
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new HttpRefusedError(
        shown(u),
        `only http and https URLs are fetched, not "${u.protocol}"`,
      );
    }
    const allowed = this.#o.allowPrivateNetworks;
    if (allowed === true) return u;
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    if (Array.isArray(allowed) && allowed.includes(`${u.hostname}:${port}`)) return u;
    const allow = `set ${ALLOW_PRIVATE_ENV}=true to allow`;
    const host = u.hostname;
    if (isIpLiteral(host)) {
      const why = internalAddressReason(host);
      if (why) throw new HttpRefusedError(shown(u), `${host} is a ${why} (${allow})`);
      return u;
    }
    let addresses: string[];
    try {
      addresses = await this.#o.resolve(host);
    } catch (err) {
      throw new HttpNetworkError(
        shown(u),
        `cannot resolve ${host}: ${(err as { code?: string }).code ?? (err as Error).message}`,
      );
    }
    if (addresses.length === 0) throw new HttpNetworkError(shown(u), `no address for ${host}`);
    for (const a of addresses) {
      const why = internalAddressReason(a);
      if (why) {
        throw new HttpRefusedError(shown(u), `${host} resolves to ${a}, a ${why} (${allow})`);
      }
    }
    return u;
  }

  /**
   * Performs the request and returns the 2xx `Response` (its body still bounded by the same
   * timeout); throws {@link HttpStatusError} / {@link HttpNetworkError} / {@link HttpRefusedError}.
   * `init.signal` (default none) stops the request, its body and the waits between retries at
   * once; an abort rejects with the signal's reason and is never retried.
   */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const o = this.#o;
    const stop = init.signal ?? undefined;
    for (let attempt = 0;; attempt++) {
      const last = attempt >= o.retries;
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(o.timeoutMs);
        res = await this.#follow(url, init, stop ? AbortSignal.any([stop, timeout]) : timeout);
      } catch (err) {
        stop?.throwIfAborted();
        if (err instanceof HttpRefusedError) throw err;
        if (last) {
          throw err instanceof HttpNetworkError
            ? err
            : new HttpNetworkError(shown(url), networkMessage(err, o.timeoutMs));
        }
        await delay(o.backoffMs * 2 ** attempt, stop);
        continue;
      }
      if (res.ok) return res;
      await res.body?.cancel();
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || last) throw new HttpStatusError(shown(url), res.status, res.statusText);
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      const wait = retryAfterMs !== undefined
        ? Math.min(retryAfterMs, o.maxRetryAfterMs)
        : o.backoffMs * 2 ** attempt;
      await delay(wait, stop);
    }
  }

  /** One attempt: checks each hop, follows redirects by hand, returns the final response. */
  async #follow(url: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    const o = this.#o;
    let current = url;
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    for (let hop = 0;; hop++) {
      const target = await raceSignal(this.check(current), signal);
      const res = await o.fetch(target, {
        ...init,
        method,
        body,
        headers: mergeHeaders(o.headers, init.headers),
        redirect: "manual",
        signal,
      });
      const location = res.headers.get("location");
      if (!REDIRECTS.has(res.status) || location === null) return res;
      await res.body?.cancel();
      if (hop >= o.maxRedirects) {
        throw new HttpRefusedError(shown(url), `more than ${o.maxRedirects} redirects`);
      }
      try {
        current = new URL(location, target).toString();
      } catch {
        throw new HttpRefusedError(shown(target), "a redirect to an invalid URL");
      }
      if (res.status === 303 || (res.status !== 307 && res.status !== 308 && method === "POST")) {
        method = "GET";
        body = undefined;
      }
    }
  }

  /**
   * GETs (or `init.method`) `url` and returns the body's bytes, reading at most `maxBytes`
   * (default the client's `maxBodyBytes`); a longer body throws {@link HttpRefusedError}.
   */
  async bytes(url: string, init?: RequestInit, maxBytes?: number): Promise<Uint8Array> {
    const res = await this.request(url, init);
    const max = maxBytes ?? this.#o.maxBodyBytes;
    return await readCapped(res, shown(url), max, this.#o.timeoutMs).catch((err) => {
      init?.signal?.throwIfAborted();
      throw err;
    });
  }

  /** GETs (or `init.method`) `url` and returns the body as text (UTF-8), within the body cap. */
  async text(url: string, init?: RequestInit): Promise<string> {
    return new TextDecoder().decode(await this.bytes(url, init));
  }

  /** Like {@link text} but parses JSON; a body that is not JSON throws a `ParseError`. */
  async json(url: string, init?: RequestInit): Promise<unknown> {
    const body = await this.text(url, init);
    try {
      return JSON.parse(body);
    } catch {
      throw new ParseError(`expected JSON from ${shown(url)}, got ${describeBody(body)}`);
    }
  }
}

function networkMessage(err: unknown, timeoutMs: number): string {
  return err instanceof DOMException && err.name === "TimeoutError"
    ? `no answer within ${timeoutMs} ms`
    : `network error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
}

/** `p`, or a rejection with the signal's reason once it aborts. */
function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Reads `res`'s body as a stream, stopping (and cancelling it) past `max` bytes. */
async function readCapped(
  res: Response,
  url: string,
  max: number,
  timeoutMs: number,
): Promise<Uint8Array> {
  const tooBig = () =>
    new HttpRefusedError(url, `body larger than ${max} bytes (${MAX_BODY_ENV} sets the cap)`);
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw tooBig();
  }
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        throw tooBig();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof HttpRefusedError) throw err;
    const msg = err instanceof DOMException && err.name === "TimeoutError"
      ? `body not complete within ${timeoutMs} ms`
      : `body could not be read: ${(err as Error).message?.split("\n")[0]}`;
    throw new HttpNetworkError(url, msg);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
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
