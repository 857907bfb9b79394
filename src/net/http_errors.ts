/**
 * The named errors of the guarded HTTP client (`http.ts`), and {@link describeBody}, which says
 * what a body is (kind and size) without quoting it.
 *
 * @example
 * ```ts
 * import { describeBody, HttpStatusError } from "./http_errors.ts";
 *
 * const err = new HttpStatusError("https://example.com/", 503, "Service Unavailable");
 * console.log(err.message, describeBody("<html></html>")); // … "HTML of 13 characters"
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

/**
 * The guard refused the request or its body: a scheme other than http(s), an internal address,
 * too many redirects, a body over the cap. Never retried (the same input gives the same answer).
 */
export class HttpRefusedError extends Error {
  override name = "HttpRefusedError";
  constructor(readonly url: string, readonly reason: string) {
    super(`refused: ${reason} (${url})`);
  }
}

/** A page or API answered, but not in the shape the parser knows. Never retried. */
export class ParseError extends Error {
  override name = "ParseError";
}

/**
 * A short, safe description of a body for error details: its kind and size, never its content
 * (`an empty body`, `HTML of 5174 characters`, `JSON of 12 characters`, `text of 80 characters`).
 */
export function describeBody(body: string): string {
  const t = body.trimStart();
  if (t.trimEnd() === "") return "an empty body";
  const kind = t.startsWith("<") ? "HTML" : /^[[{"]/.test(t) ? "JSON" : "text";
  return `${kind} of ${body.length} characters`;
}
