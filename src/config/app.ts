/**
 * Application settings beside the Temporal connection: the git deploy target and token, and
 * the optional Anthropic settings. Read from the same layered sources (env → `.env`), only
 * these names.
 *
 * The deploy target (repository, branch, folder, author) and token belong to the worker: they
 * never travel in workflow input (see `git.ts`, which parses and validates them).
 *
 * @example
 * ```ts
 * import { readAppSettings } from "./app.ts";
 * declare const dotEnv: Record<string, string>;
 * declare const env: Record<string, string>;
 * const app = readAppSettings({ ...dotEnv, ...env });
 * ```
 * @module
 */
import type { ConfigIssue, EnvMap } from "./common.ts";
import { DEFAULT_MAX_BODY_BYTES, parseAllowPrivate, parseMaxBodyBytes } from "../net/http.ts";
import { checkAiBaseUrl } from "../ai/base_url.ts";
import { LOG_FORMATS, LOG_LEVELS } from "../ops/log.ts";
import type { LogFormat, LogLevel } from "../ops/log.ts";
import { GIT_ENV_NAMES, type GitSettings, readGitSettings } from "./git.ts";
import { DEFAULT_PAGE_CHECKED_REFRESH_HOURS, parseRefreshHours } from "../publish/refresh.ts";

/** Variables read for application settings. */
export const APP_ENV_NAMES = [
  ...GIT_ENV_NAMES,
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_MODEL",
  "ANTHROPIC_BASE_URL",
  "VISION_ANALYSIS_ENABLED",
  "VENUE_ALLOW_PRIVATE_NETWORKS",
  "VENUE_MAX_BODY_BYTES",
  "LOG_LEVEL",
  "LOG_FORMAT",
  "PAGE_CHECKED_REFRESH_HOURS",
  "HAIKU_PROMPT_FILE",
] as const;

/** Application settings. `deploy.token` and `anthropicApiKey` are secrets: never print them. */
export interface AppSettings {
  /** The worker's deploy target and token, when `GIT_REPOSITORY_URL` is set (and valid). */
  deploy?: GitSettings;
  anthropicApiKey?: string;
  /** `ANTHROPIC_BASE_URL`: the Messages API's address (a proxy or gateway); default the SDK's. */
  anthropicBaseUrl?: string;
  /** Model id; default {@link DEFAULT_ANTHROPIC_MODEL}. */
  anthropicModel: string;
  /** `VISION_ANALYSIS_ENABLED` (default true when an API key is set). */
  visionEnabled: boolean;
  /** The guards of the venue fetch (`src/net/http.ts`). */
  venueFetch: VenueFetchSettings;
  /** `LOG_LEVEL`: error, warn, info or debug. Default `info`. */
  logLevel: LogLevel;
  /** `LOG_FORMAT`: `text` (terminals) or `json` (one object per line). Default `text`. */
  logFormat: LogFormat;
  /** `PAGE_CHECKED_REFRESH_HOURS`: at most one stamp-only deploy commit per this many hours; default 6. */
  pageCheckedRefreshHours: number;
  /** `HAIKU_PROMPT_FILE`: a prompt template for the haiku (see `src/ai/haiku.ts`); default: built in. */
  haikuPromptFile?: string;
  issues: ConfigIssue[];
}

/** Settings of the guarded venue fetch. */
export interface VenueFetchSettings {
  /**
   * `VENUE_ALLOW_PRIVATE_NETWORKS`: `true`, or `host:port` origins, that venue and image fetches
   * may reach although loopback/private; default false (public addresses only).
   */
  allowPrivateNetworks: boolean | readonly string[];
  /** `VENUE_MAX_BODY_BYTES`: largest body read; default 5 MiB. */
  maxBodyBytes: number;
}

/** Reads the venue fetch settings; problems are pushed to `issues` (defaults used instead). */
export function readVenueFetchSettings(vars: EnvMap, issues: ConfigIssue[]): VenueFetchSettings {
  const allow = parseAllowPrivate(vars.VENUE_ALLOW_PRIVATE_NETWORKS);
  const max = parseMaxBodyBytes(vars.VENUE_MAX_BODY_BYTES);
  if (typeof allow === "object" && "error" in allow) {
    issues.push({ variable: "VENUE_ALLOW_PRIVATE_NETWORKS", message: allow.error });
  }
  if (typeof max === "object") {
    issues.push({ variable: "VENUE_MAX_BODY_BYTES", message: max.error });
  }
  return {
    allowPrivateNetworks: typeof allow === "object" && "error" in allow ? false : allow,
    maxBodyBytes: typeof max === "object" ? DEFAULT_MAX_BODY_BYTES : max,
  };
}

/** The default model for the optional AI touches. */
export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-6";

/** Reads application settings from a merged variable map (env over `.env`). */
export function readAppSettings(vars: EnvMap): AppSettings {
  const git = readGitSettings(vars);
  const issues: ConfigIssue[] = [...git.issues];
  const deploy = git.settings;
  const vision = vars.VISION_ANALYSIS_ENABLED?.trim().toLowerCase();
  if (vision !== undefined && !["true", "false", "1", "0", ""].includes(vision)) {
    issues.push({
      variable: "VISION_ANALYSIS_ENABLED",
      message: `"${vars.VISION_ANALYSIS_ENABLED}" is not true or false`,
    });
  }
  const baseUrlProblem = vars.ANTHROPIC_BASE_URL ? checkAiBaseUrl(vars.ANTHROPIC_BASE_URL) : null;
  if (baseUrlProblem) issues.push({ variable: "ANTHROPIC_BASE_URL", message: baseUrlProblem });
  const venueFetch = readVenueFetchSettings(vars, issues);
  const logLevel = readChoice(vars, "LOG_LEVEL", LOG_LEVELS, "info", issues);
  const logFormat = readChoice(vars, "LOG_FORMAT", LOG_FORMATS, "text", issues);
  let pageCheckedRefreshHours = DEFAULT_PAGE_CHECKED_REFRESH_HOURS;
  try {
    pageCheckedRefreshHours = parseRefreshHours(vars.PAGE_CHECKED_REFRESH_HOURS);
  } catch {
    issues.push({
      variable: "PAGE_CHECKED_REFRESH_HOURS",
      message: `"${vars.PAGE_CHECKED_REFRESH_HOURS}" is not a number of hours between 0 and 168`,
    });
  }
  return {
    deploy,
    pageCheckedRefreshHours,
    ...(vars.HAIKU_PROMPT_FILE?.trim() ? { haikuPromptFile: vars.HAIKU_PROMPT_FILE.trim() } : {}),
    anthropicApiKey: vars.ANTHROPIC_API_KEY || undefined,
    anthropicModel: vars.ANTHROPIC_MODEL || DEFAULT_ANTHROPIC_MODEL,
    ...(vars.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: vars.ANTHROPIC_BASE_URL } : {}),
    visionEnabled: !(vision === "false" || vision === "0"),
    venueFetch,
    logLevel,
    logFormat,
    issues,
  };
}

/** One of `choices` (case-insensitive; empty = `fallback`); anything else is an issue. */
function readChoice<T extends string>(
  vars: EnvMap,
  name: string,
  choices: readonly T[],
  fallback: T,
  issues: ConfigIssue[],
): T {
  const v = vars[name]?.trim().toLowerCase();
  if (!v) return fallback;
  if ((choices as readonly string[]).includes(v)) return v as T;
  issues.push({
    variable: name,
    message: `"${vars[name]}" is not one of ${choices.join(", ")} (default ${fallback})`,
  });
  return fallback;
}
