/**
 * The settings of the optional AI touches, without the Anthropic SDK: the worker and the
 * activities decide from these whether AI is on, and load the SDK (`client.ts`) only when it is
 * (a worker without `ANTHROPIC_API_KEY` never loads it). `client.ts` re-exports everything here.
 *
 * @example
 * ```ts
 * import { aiEnabled, aiSettingsFromApp } from "./settings.ts";
 * const settings = aiSettingsFromApp({
 *   anthropicApiKey: undefined,
 *   anthropicModel: "claude-sonnet-4-5",
 *   visionEnabled: true,
 * });
 * console.log(aiEnabled(settings)); // false: no key, no AI touch, the SDK stays unloaded
 * ```
 * @module
 */
import type { AppSettings } from "../config/app.ts";

/** The Anthropic API's own address, used when {@link AiSettings.baseURL} is not given. */
export const DEFAULT_AI_BASE_URL = "https://api.anthropic.com";
/** Per-request timeout of the model API, in milliseconds. */
export const DEFAULT_AI_TIMEOUT_MS = 20_000;
/** Retries after the first attempt (timeouts, connection errors, 408/409/429/5xx). */
export const DEFAULT_AI_MAX_RETRIES = 2;

/** Settings of the AI touches. Plain data: pass them explicitly, nothing is read from env. */
export interface AiSettings {
  /** The Anthropic API key. A secret: never printed. Unset (or blank) disables every AI touch. */
  apiKey?: string;
  /** The model id sent with each request, e.g. `claude-sonnet-4-5`. */
  model: string;
  /** Base URL of the Messages API (tests point it at a local stand-in); default {@link DEFAULT_AI_BASE_URL}. */
  baseURL?: string;
  /** Per-request timeout in milliseconds; default {@link DEFAULT_AI_TIMEOUT_MS} (20000). */
  timeoutMs?: number;
  /** Retries after the first attempt; default {@link DEFAULT_AI_MAX_RETRIES} (2). */
  maxRetries?: number;
  /** Whether the vision fallback runs (the haiku does not depend on it); default true. */
  visionEnabled?: boolean;
  /** JSON file caching truck names per image URL across runs; default: in-memory cache only. */
  visionCachePath?: string;
  /**
   * How images reach the model: `"base64"` fetches the image here and sends its bytes (works
   * for images the API cannot reach, e.g. local fixtures); `"url"` sends the URL for the API to
   * fetch. Default `"base64"`.
   */
  imageMode?: "base64" | "url";
  /**
   * Image fetches of the vision fallback may reach loopback/private addresses: `true`, or a list
   * of `host:port` origins (`VENUE_ALLOW_PRIVATE_NETWORKS`). Default false.
   */
  allowPrivateNetworks?: boolean | readonly string[];
  /** `HAIKU_PROMPT_FILE`: the haiku's prompt template, read at each haiku; default: built in. */
  haikuPromptFile?: string;
  /** Where the one-line skip notices go; default `console.warn`. Lines never hold the key. */
  log?: (line: string) => void;
}

/**
 * Maps the application settings (from `src/config/app.ts`) to {@link AiSettings}.
 *
 * @param app The application settings: `anthropicApiKey`, `anthropicModel`, `visionEnabled`.
 * @param overrides Extra settings (base URL, timeouts, cache path...) laid over; default none.
 * @returns The AI settings.
 */
export function aiSettingsFromApp(
  app:
    & Pick<
      AppSettings,
      "anthropicApiKey" | "anthropicModel" | "visionEnabled" | "anthropicBaseUrl"
    >
    & Partial<Pick<AppSettings, "venueFetch">>
    & { haikuPromptFile?: string },
  overrides: Partial<AiSettings> = {},
): AiSettings {
  return {
    apiKey: app.anthropicApiKey,
    model: app.anthropicModel,
    visionEnabled: app.visionEnabled,
    ...(app.anthropicBaseUrl ? { baseURL: app.anthropicBaseUrl } : {}),
    ...(app.venueFetch ? { allowPrivateNetworks: app.venueFetch.allowPrivateNetworks } : {}),
    ...(app.haikuPromptFile ? { haikuPromptFile: app.haikuPromptFile } : {}),
    ...overrides,
  };
}

/** Whether the settings carry a usable API key (the AI touches are off otherwise). */
export function aiEnabled(settings: AiSettings): boolean {
  return typeof settings.apiKey === "string" && settings.apiKey.trim() !== "";
}
