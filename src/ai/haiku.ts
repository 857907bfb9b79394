/**
 * The daily haiku: three lines about one truck scheduled today, shown on the web page
 * (`data.json`'s optional `haiku`).
 *
 * The truck is picked deterministically ({@link pickHaikuEvent}); no truck today (or no API
 * key) means no haiku and no request. An answer that is not exactly three non-empty lines
 * gives null.
 *
 * @example
 * ```ts
 * import { generateHaiku } from "./haiku.ts";
 * import { pacificToday } from "../time.ts";
 * const haiku = await generateHaiku(result.events, pacificToday(), {
 *   apiKey: app.anthropicApiKey,
 *   model: app.anthropicModel,
 * });
 * const data = toWebData(result, new Date(), haiku ? { haiku } : {});
 * ```
 * @module
 */
import type { FoodTruckEvent } from "../model.ts";
import {
  AiAnswerError,
  aiEnabled,
  type AiSettings,
  answerText,
  createAiClient,
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

/** The instruction for one event. */
export function haikuPrompt(event: FoodTruckEvent): string {
  const about = event.description ? ` (${event.description.replace(/\s+/g, " ").trim()})` : "";
  return `Write one haiku (three lines, 5-7-5 syllables) about the food truck ` +
    `"${event.truckName}"${about}, parked today at ${event.venueName} in Seattle. ` +
    "Answer with the three lines of the haiku only: no title, no quotes, no other text.";
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
 * @returns The haiku (three lines joined by `\n`); null without an API key or without a named
 *   truck today (no request is made then), or when the answer is not three non-empty lines
 *   (logged).
 * @throws The SDK's errors (HTTP status, timeout) after its bounded retries;
 *   `createAiActivities` catches them.
 */
export async function generateHaiku(
  events: FoodTruckEvent[],
  today: string,
  settings: AiSettings,
): Promise<string | null> {
  if (!aiEnabled(settings)) return null;
  const event = pickHaikuEvent(events, today);
  if (!event) return null;
  const client = createAiClient(settings);
  const message = await client.messages.create({
    model: settings.model,
    max_tokens: 200,
    messages: [{ role: "user", content: haikuPrompt(event) }],
  });
  try {
    if (message.stop_reason === "max_tokens") throw new AiAnswerError("answer cut at max_tokens");
    return parseHaikuAnswer(answerText(message));
  } catch (err) {
    logLine(settings, `haiku: skipped: ${describeAiError(err, settings)}`);
    return null;
  }
}
