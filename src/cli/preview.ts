/**
 * `--preview [dir]` for `scrape` and `start`: writes the page and `data.json` built from a
 * result, and says how to look at it.
 *
 * @example
 * ```ts
 * import { reportResult, writeResultPreview } from "./preview.ts";
 * declare const result: import("../core/model.ts").FoodTruckWorkflowResult;
 * await writeResultPreview(result, "public");
 * // print the result, write the preview when asked, and get the exit code:
 * const code = await reportResult(result, { json: false, verbose: false, preview: "public" });
 * ```
 * @module
 */
import type { FoodTruckWorkflowResult } from "../core/model.ts";
import { aiEnabled, type AiSettings, aiSettingsFromApp } from "../ai/client.ts";
import { createAiActivities } from "../ai/activities.ts";
import { readAppSettings } from "../config/app.ts";
import { readProcessEnv } from "../config/sources.ts";
import { printResult } from "./format.ts";
import type { PrintOptions } from "./format.ts";
import { parseWebData, toWebData, type WebData } from "../publish/data.ts";
import { writePreview } from "../publish/preview.ts";
import {
  carryOver,
  DEFAULT_PAGE_CHECKED_REFRESH_HOURS,
  staleAfterHoursFor,
} from "../publish/freshness.ts";

/** Default folder of `--preview`. */
export const DEFAULT_PREVIEW_DIR = "public";

/** The `data.json` already in `dir`, or null when missing or not matching the contract. */
async function previousData(dir: string): Promise<WebData | null> {
  try {
    return parseWebData(await Deno.readTextFile(`${dir}/data.json`));
  } catch {
    return null;
  }
}

/**
 * Writes the preview of `result` into `dir` (page, `data.json`, schema, calendar feeds) and
 * prints (to stderr) how to serve it. Stamps of an earlier preview in `dir` are carried over
 * (`updated` and each venue's `changed` stay when nothing changed).
 */
export async function writeResultPreview(
  result: FoodTruckWorkflowResult,
  dir: string = DEFAULT_PREVIEW_DIR,
): Promise<string[]> {
  const fresh = toWebData(result, new Date(), {
    staleAfterHours: staleAfterHoursFor(DEFAULT_PAGE_CHECKED_REFRESH_HOURS),
  });
  const { files } = await writePreview(dir, carryOver(await previousData(dir), fresh));
  console.error(
    `preview: wrote ${files.length} files to ${dir}/ — view it with: deno task serve --dir ${dir}  (then open http://127.0.0.1:8000/)`,
  );
  return files;
}

/** The variables `scrape --preview` reads for the AI touches (its `--allow-env` list). */
export const PREVIEW_AI_ENV_NAMES: readonly string[] = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_MODEL",
  "ANTHROPIC_BASE_URL",
  "VISION_ANALYSIS_ENABLED",
  "HAIKU_PROMPT_FILE",
];

/** The AI settings from the process environment ({@link PREVIEW_AI_ENV_NAMES}); off without a key. */
export function previewAiSettings(): AiSettings {
  return aiSettingsFromApp(readAppSettings(readProcessEnv(PREVIEW_AI_ENV_NAMES)));
}

/**
 * The AI touches the worker applies, for `scrape --preview`: names "TBD" trucks from their
 * images and writes the haiku about a truck on the window's first day. Never throws; without an
 * API key it returns `result` unchanged and makes no request.
 *
 * @param result The scraped result.
 * @param settings The AI settings (see {@link previewAiSettings}).
 * @returns The result with AI-named trucks (`aiExtracted`) and `haiku` when one was written.
 */
export async function applyAiTouches(
  result: FoodTruckWorkflowResult,
  settings: AiSettings,
): Promise<FoodTruckWorkflowResult> {
  if (!aiEnabled(settings)) return result;
  const ai = createAiActivities(settings);
  const events = await ai.extractTruckNames(result.events);
  const haiku = await ai.generateHaiku(events, result.from);
  return { ...result, events, ...(haiku ? { haiku } : {}) };
}

/** Options of {@link reportResult}. */
export interface ReportOptions extends PrintOptions {
  /** Also write the preview into this folder. Default: no preview. */
  preview?: string;
}

/**
 * What `scrape` and `start` do with a result: print it ({@link printResult}), write the preview
 * when `preview` is set, and return the exit code.
 */
export async function reportResult(
  result: FoodTruckWorkflowResult,
  options: ReportOptions = {},
): Promise<number> {
  const code = printResult(result, options);
  if (options.preview !== undefined) await writeResultPreview(result, options.preview);
  return code;
}
