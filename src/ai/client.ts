/**
 * The Anthropic client for the optional AI touches (vision fallback, daily haiku), built from
 * explicit settings only: the config module is the only reader of the environment, so the SDK
 * is handed every option it would otherwise read from `ANTHROPIC_*` variables. (SDK 1.13 still
 * reads `ANTHROPIC_CUSTOM_HEADERS` unconditionally: grant `--allow-env=ANTHROPIC_CUSTOM_HEADERS`,
 * or every AI call falls back with a one-line `NotCapable` notice.)
 *
 * Nothing here ever prints the API key: {@link describeAiError} turns any failure into one
 * short line with the key redacted, ready for a log.
 *
 * @example
 * ```ts
 * import { aiEnabled, aiSettingsFromApp, askModel, describeAiError } from "./client.ts";
 * declare const app: import("../config/app.ts").AppSettings;
 * const settings = aiSettingsFromApp(app); // app: AppSettings from src/config/app.ts
 * if (aiEnabled(settings)) {
 *   try {
 *     console.log(await askModel(settings, 50, "Say hi"));
 *   } catch (err) {
 *     console.warn(`ai: ${describeAiError(err, settings)}`);
 *   }
 * }
 * ```
 * @module
 */
import Anthropic from "@anthropic-ai/sdk";
import { AiBaseUrlError, checkAiBaseUrl } from "./base_url.ts";
import {
  aiEnabled,
  type AiSettings,
  DEFAULT_AI_BASE_URL,
  DEFAULT_AI_MAX_RETRIES,
  DEFAULT_AI_TIMEOUT_MS,
} from "./settings.ts";

export { AiBaseUrlError, checkAiBaseUrl } from "./base_url.ts";
// The settings live in settings.ts (no SDK import), so a worker without a key never loads the SDK.
export {
  aiEnabled,
  type AiSettings,
  aiSettingsFromApp,
  DEFAULT_AI_BASE_URL,
  DEFAULT_AI_MAX_RETRIES,
  DEFAULT_AI_TIMEOUT_MS,
} from "./settings.ts";

/**
 * Creates the official SDK client with explicit options: key, base URL, timeout, bounded
 * retries, SDK logging routed through {@link AiSettings.log} with the key redacted.
 *
 * @param settings The AI settings; `timeoutMs` default 20000, `maxRetries` default 2,
 *   `baseURL` default {@link DEFAULT_AI_BASE_URL}.
 * @returns The client.
 * @throws Error when no API key is set (check {@link aiEnabled} first); {@link AiBaseUrlError}
 *   when `baseURL` is plain http to a host that is not loopback (the key would travel in clear).
 */
export function createAiClient(settings: AiSettings): Anthropic {
  if (!aiEnabled(settings)) throw new Error("no Anthropic API key configured");
  const problem = settings.baseURL ? checkAiBaseUrl(settings.baseURL) : null;
  if (problem) throw new AiBaseUrlError(`ANTHROPIC_BASE_URL ${problem}`);
  const key = settings.apiKey!.trim();
  const warn = (...args: unknown[]) =>
    logLine(settings, `anthropic sdk: ${redact(args.map(String).join(" "), key)}`);
  return new Anthropic({
    apiKey: key,
    baseURL: settings.baseURL ?? DEFAULT_AI_BASE_URL,
    timeout: settings.timeoutMs ?? DEFAULT_AI_TIMEOUT_MS,
    maxRetries: settings.maxRetries ?? DEFAULT_AI_MAX_RETRIES,
    webhookKey: null,
    logLevel: "warn",
    logger: { error: warn, warn, info: () => {}, debug: () => {} },
    // Explicit, so that the SDK reads no ANTHROPIC_OPEN_TELEMETRY* variable.
    openTelemetry: { propagation: false, traces: false },
  });
}

/** Writes one line through {@link AiSettings.log} (default `console.warn`). */
export function logLine(settings: AiSettings, line: string): void {
  (settings.log ?? console.warn)(redact(line, settings.apiKey));
}

/** Replaces every occurrence of `secret` (when non-blank) in `text` with `[redacted]`. */
export function redact(text: string, secret: string | undefined): string {
  const s = secret?.trim();
  return s ? text.split(s).join("[redacted]") : text;
}

/** The model answered, but not in the expected shape (empty, too long, several lines...). */
export class AiAnswerError extends Error {
  override name = "AiAnswerError";
}

/**
 * One short, safe line describing a failure of an AI call, for a log: `the model answered
 * HTTP 500`, `no answer within 20000 ms`, `could not reach the model API`, or the error's
 * first line, always with the key redacted.
 *
 * @param err The error thrown by the SDK or by our own checks.
 * @param settings The settings (for the timeout and the key to redact).
 * @returns The description, without a trailing period.
 */
export function describeAiError(err: unknown, settings: AiSettings): string {
  let text: string;
  if (err instanceof Anthropic.APIConnectionTimeoutError) {
    text = `no answer within ${settings.timeoutMs ?? DEFAULT_AI_TIMEOUT_MS} ms`;
  } else if (err instanceof Anthropic.APIConnectionError) {
    text = "could not reach the model API";
  } else if (err instanceof Anthropic.APIError && typeof err.status === "number") {
    text = `the model answered HTTP ${err.status}`;
  } else if (err instanceof AiAnswerError) {
    text = `malformed answer: ${err.message}`;
  } else if (err instanceof Error) {
    text = `${err.name}: ${err.message}`;
  } else {
    text = String(err);
  }
  const line = text.split("\n")[0];
  return redact(line.length > 200 ? line.slice(0, 200) + "…" : line, settings.apiKey);
}

/**
 * Whether an error means the model API is unusable for now (no connection, timeout, 401/403/404,
 * 429, 5xx), so further requests are pointless; false for errors about one request (400, 413)
 * and for errors that are not the API's (e.g. fetching an image).
 */
export function isModelUnavailable(err: unknown): boolean {
  return err instanceof Anthropic.APIError && err.status !== 400 && err.status !== 413;
}

/**
 * Sends one user message to `settings.model` and returns the answer's text.
 *
 * @param settings The AI settings (see {@link createAiClient}).
 * @param maxTokens The answer's token budget.
 * @param content The message: a prompt, or content blocks (e.g. an image and a question).
 * @param signal Stops the request (and the SDK's retries) at once when it aborts; default none.
 * @throws {AiAnswerError} when the answer was cut at `maxTokens`.
 * @throws The SDK's errors (HTTP status, timeout) after its bounded retries, unchanged; the
 *   SDK's `APIUserAbortError` once `signal` aborted.
 */
export async function askModel(
  settings: AiSettings,
  maxTokens: number,
  content: Anthropic.MessageParam["content"],
  signal?: AbortSignal,
): Promise<string> {
  const message = await createAiClient(settings).messages.create({
    model: settings.model,
    max_tokens: maxTokens,
    messages: [{ role: "user", content }],
  }, { signal });
  if (message.stop_reason === "max_tokens") throw new AiAnswerError("answer cut at max_tokens");
  return answerText(message);
}

/** The concatenated text blocks of a Messages API answer. */
export function answerText(message: { content: ReadonlyArray<{ type: string }> }): string {
  return message.content
    .filter((b): b is { type: "text"; text: string } => b.type === "text")
    .map((b) => b.text)
    .join("");
}

export { Anthropic };
