/**
 * The rule for `ANTHROPIC_BASE_URL`: the API key travels with every request, so the address must
 * be `https://`; plain `http://` is accepted only for a loopback host (`127.0.0.0/8`, `[::1]`,
 * `localhost`), where the key never leaves the machine (the tests' local stand-in).
 *
 * @example
 * ```ts
 * import { checkAiBaseUrl } from "./base_url.ts";
 * checkAiBaseUrl("https://gateway.example/anthropic"); // null: fine
 * checkAiBaseUrl("http://gateway.example/");            // "must be https://..."
 * ```
 * @module
 */
import { internalAddressReason, isIpLiteral } from "../net/address.ts";

/** The base URL breaks the rule of this module. */
export class AiBaseUrlError extends Error {
  override name = "AiBaseUrlError";
}

/** Whether `host` (a URL hostname) is loopback: `localhost`, `127.x.y.z` or `[::1]`. */
function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  return isIpLiteral(host) && internalAddressReason(host) === "loopback address";
}

/**
 * Checks a Messages API base URL.
 *
 * @param url The value of `ANTHROPIC_BASE_URL`.
 * @returns null when acceptable, else a one-line problem (without the URL's credentials).
 */
export function checkAiBaseUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "is not a URL (expected https://host[/path])";
  }
  if (u.username || u.password) return "must not contain a user name or password";
  if (u.protocol === "https:") return null;
  if (u.protocol === "http:" && isLoopbackHost(u.hostname)) return null;
  return u.protocol === "http:"
    ? "must be https:// (plain http:// sends the API key in clear text; only loopback hosts may use http)"
    : `must be an https:// URL, not "${u.protocol}"`;
}
