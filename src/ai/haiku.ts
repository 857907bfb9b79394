/**
 * The daily haiku: three lines about one truck scheduled today, shown on the web page
 * (`data.json`'s optional `haiku`).
 *
 * The truck is picked deterministically ({@link pickHaikuEvent}); no truck today (or no API
 * key) means no haiku and no request. The prompt names the date, the season and the place
 * ({@link DEFAULT_HAIKU_PROMPT}); `HAIKU_PROMPT_FILE` replaces it with a template using the same
 * `{placeholders}`, with a safe fallback to the built-in one ({@link loadHaikuPrompt}). An answer that is not exactly three non-empty lines
 * gives null.
 *
 * @example
 * ```ts
 * import { generateHaiku } from "./haiku.ts";
 * import { pacificToday } from "../core/time.ts";
 * import { toWebData } from "../publish/data.ts";
 * declare const app: import("../config/app.ts").AppSettings;
 * declare const result: import("../core/model.ts").FoodTruckWorkflowResult;
 * const haiku = await generateHaiku(result.events, pacificToday(), {
 *   apiKey: app.anthropicApiKey,
 *   model: app.anthropicModel,
 * });
 * const data = toWebData(result, new Date(), haiku ? { haiku } : {});
 * console.log(data.haiku);
 * ```
 * @module
 */
import type { FoodTruckEvent } from "../core/model.ts";
import { formatDay } from "../cli/format.ts";
import { describeFsError, readSmallTextFile } from "../config/files.ts";
import {
  AiAnswerError,
  aiEnabled,
  type AiSettings,
  askModel,
  describeAiError,
  logLine,
} from "./client.ts";

/** The longest haiku line accepted, in characters. */
export const MAX_HAIKU_LINE_LENGTH = 80;

/** Sort key of an optional ISO instant: unknown times sort after known ones. */
function startKey(iso: string | null): number {
  const t = iso === null ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/**
 * The event the haiku is about: among today's events with a named truck (not `"TBD"`), the
 * earliest start (unknown starts last), then truck name, then venue name.
 *
 * @param events All events.
 * @param today Pacific day `YYYY-MM-DD`.
 * @returns The event, or null when no named truck is scheduled today.
 */
export function pickHaikuEvent<E extends FoodTruckEvent>(events: E[], today: string): E | null {
  const todays = events.filter((e) => e.date === today && e.truckName.trim() !== "TBD");
  todays.sort((a, b) =>
    startKey(a.start) - startKey(b.start) ||
    a.truckName.localeCompare(b.truckName) ||
    a.venueName.localeCompare(b.venueName)
  );
  return todays[0] ?? null;
}

/** Longest accepted `HAIKU_PROMPT_FILE`, in bytes (a larger file falls back to the default). */
export const MAX_HAIKU_PROMPT_BYTES = 16_384;

/** Where every truck is: the place named in the prompt. */
export const HAIKU_PLACE = "Ballard, Seattle";

/**
 * The built-in prompt template. Placeholders (`{name}`) are filled by {@link renderHaikuPrompt}:
 * `{truck}`, `{venue}`, `{about}` (the venue's description, or "no description"), `{date}`
 * (`Thursday, March 5, 2026`), `{season}` (`spring`, …), `{time_of_day}` (`morning`,
 * `afternoon`, `evening`, or `day` when the start is unknown) and `{place}` ({@link HAIKU_PLACE}).
 */
export const DEFAULT_HAIKU_PROMPT =
  `Today is {date}, {season} in {place}. Write one haiku (three lines, 5-7-5 syllables) ` +
  `about the food truck "{truck}" ({about}), parked this {time_of_day} at {venue} in {place}. ` +
  "Let the season and the neighbourhood show in the images; keep the truck's full name intact. " +
  "Answer with the three lines of the haiku only: no title, no quotes, no other text.";

/** The placeholders a template may use. */
export const HAIKU_PLACEHOLDERS = [
  "truck",
  "venue",
  "about",
  "date",
  "season",
  "time_of_day",
  "place",
] as const;

/** Meteorological season of a Pacific day: Mar-May spring, Jun-Aug summer, Sep-Nov autumn. */
export function seasonOf(date: string): "spring" | "summer" | "autumn" | "winter" {
  const month = Number(date.slice(5, 7));
  if (month >= 3 && month <= 5) return "spring";
  if (month >= 6 && month <= 8) return "summer";
  if (month >= 9 && month <= 11) return "autumn";
  return "winter";
}

/** Venue text as a prompt value: no control characters, one line, at most 200 characters. */
function clean(value: string): string {
  // deno-lint-ignore no-control-regex
  const one = value.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  return one.length > 200 ? `${one.slice(0, 199)}…` : one;
}

/** The values of {@link HAIKU_PLACEHOLDERS} for one event. */
export function haikuPromptValues(event: FoodTruckEvent): Record<string, string> {
  const hour = event.start ? Number(/T(\d{2})/.exec(event.start)?.[1]) : NaN;
  const timeOfDay = Number.isNaN(hour)
    ? "day"
    : hour < 12
    ? "morning"
    : hour < 17
    ? "afternoon"
    : "evening";
  return {
    truck: clean(event.truckName),
    venue: clean(event.venueName),
    about: event.description ? clean(event.description) : "no description",
    date: formatDay(event.date),
    season: seasonOf(event.date),
    time_of_day: timeOfDay,
    place: HAIKU_PLACE,
  };
}

/**
 * Fills a template's `{placeholder}`s in one pass (a value containing braces is never expanded
 * again); an unknown `{word}` is left as written.
 *
 * @param template The template ({@link DEFAULT_HAIKU_PROMPT} or a `HAIKU_PROMPT_FILE`'s text).
 * @param values Placeholder values (see {@link haikuPromptValues}).
 * @returns The prompt.
 */
export function renderHaikuPrompt(template: string, values: Record<string, string>): string {
  return template.replace(
    /\{([a-z_]+)\}/g,
    (whole, name: string) => Object.hasOwn(values, name) ? values[name] : whole,
  );
}

/**
 * The instruction for one event.
 *
 * @param event The event the haiku is about.
 * @param template The template; default {@link DEFAULT_HAIKU_PROMPT}.
 * @returns The prompt, with the date, season and place filled in.
 */
export function haikuPrompt(
  event: FoodTruckEvent,
  template: string = DEFAULT_HAIKU_PROMPT,
): string {
  return renderHaikuPrompt(template, haikuPromptValues(event));
}

/**
 * Reads `HAIKU_PROMPT_FILE`, falling back to {@link DEFAULT_HAIKU_PROMPT} (with one logged line
 * naming the variable, never a stack) when the file is missing, not a regular file, larger than
 * {@link MAX_HAIKU_PROMPT_BYTES}, blank, not UTF-8, or uses no `{truck}` placeholder.
 *
 * @param path The file, or undefined for the default.
 * @param log Where the fallback notice goes; default `console.warn`.
 * @returns The template to use.
 */
export async function loadHaikuPrompt(
  path: string | undefined,
  log: (line: string) => void = console.warn,
): Promise<string> {
  if (!path) return DEFAULT_HAIKU_PROMPT;
  const fallback = (why: string) => {
    log(`haiku: HAIKU_PROMPT_FILE ${path}: ${why}; using the built-in prompt`);
    return DEFAULT_HAIKU_PROMPT;
  };
  let text: string;
  try {
    text = await readSmallTextFile(path, { maxBytes: MAX_HAIKU_PROMPT_BYTES });
  } catch (err) {
    return fallback(describeFsError(err));
  }
  if (text.trim() === "") return fallback("the file is empty");
  if (!text.includes("{truck}")) return fallback("it has no {truck} placeholder");
  return text.trim();
}

/**
 * Checks a model answer: exactly three non-empty lines (after trimming the answer and each
 * line), none longer than {@link MAX_HAIKU_LINE_LENGTH}.
 *
 * @param answer The raw answer text.
 * @returns The haiku, lines joined by `\n`.
 * @throws AiAnswerError when the answer has another shape.
 */
export function parseHaikuAnswer(answer: string): string {
  if (answer.trim() === "") throw new AiAnswerError("an empty answer");
  const lines = answer.trim().split(/\r?\n/).map((l) => l.trim());
  if (lines.length !== 3) throw new AiAnswerError(`${lines.length} lines instead of 3`);
  if (lines.some((l) => l === "")) throw new AiAnswerError("an empty line");
  if (lines.some((l) => l.length > MAX_HAIKU_LINE_LENGTH)) {
    throw new AiAnswerError(`a line longer than ${MAX_HAIKU_LINE_LENGTH} characters`);
  }
  return lines.join("\n");
}

/**
 * Writes one haiku about a truck scheduled today.
 *
 * @param events All events (any days); the truck is picked by {@link pickHaikuEvent}.
 * @param today Pacific day `YYYY-MM-DD`.
 * @param settings The AI settings (`timeoutMs` default 20000, `maxRetries` default 2).
 * @param signal Stops the model request at once when it aborts; default none.
 * @returns The haiku (three lines joined by `\n`); null without an API key or without a named
 *   truck today (no request is made then), or when the answer is not three non-empty lines
 *   (logged).
 * @throws The SDK's errors (HTTP status, timeout, abort) after its bounded retries;
 *   `createAiActivities` catches them (and rethrows once its signal aborted).
 */
export async function generateHaiku(
  events: FoodTruckEvent[],
  today: string,
  settings: AiSettings,
  signal?: AbortSignal,
): Promise<string | null> {
  if (!aiEnabled(settings)) return null;
  const event = pickHaikuEvent(events, today);
  if (!event) return null;
  const template = await loadHaikuPrompt(settings.haikuPromptFile, (l) => logLine(settings, l));
  try {
    return parseHaikuAnswer(await askModel(settings, 200, haikuPrompt(event, template), signal));
  } catch (err) {
    if (!(err instanceof AiAnswerError)) throw err;
    logLine(settings, `haiku: skipped: ${describeAiError(err, settings)}`);
    return null;
  }
}
