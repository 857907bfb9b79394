/**
 * Vision fallback: when a venue shows a truck only as an image (a logo or flyer) and the parser
 * could not name it (`"TBD"`), ask the model for the business name on the image.
 *
 * The prompt demands the name alone, or exactly `UNKNOWN` when the model is unsure; an unsure,
 * empty, multi-line or over-long answer gives null and the caller keeps `"TBD"`. Answers are
 * cached per image URL, in memory and optionally in a JSON file, so an image is asked about
 * once. Without an API key (or with `visionEnabled: false`) no request is ever made.
 *
 * @example
 * ```ts
 * import { applyVision } from "./vision.ts";
 * declare const app: import("../config/app.ts").AppSettings;
 * declare const events: import("../core/model.ts").FoodTruckEvent[];
 * const settings = { apiKey: app.anthropicApiKey, model: app.anthropicModel };
 * const named = await applyVision(events, settings); // TBD events with an imageUrl get a name
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import type { FoodTruckEvent } from "../core/model.ts";
import { BROWSER_HEADERS, HttpClient } from "../net/http.ts";
import {
  AiAnswerError,
  aiEnabled,
  type AiSettings,
  askModel,
  DEFAULT_AI_TIMEOUT_MS,
  describeAiError,
  isModelUnavailable,
  logLine,
} from "./client.ts";

/** An event as the vision fallback sees it: maybe an image URL, maybe already AI-named. */
export type VisionEvent = FoodTruckEvent & { imageUrl?: string; aiExtracted?: boolean };

/** The longest truck name accepted from the model, in characters. */
export const MAX_TRUCK_NAME_LENGTH = 60;
/** The largest image sent as base64, in bytes (the Messages API limit is 5 MB). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** The instruction sent with each image. */
export const VISION_PROMPT =
  "This image comes from a brewery's food truck schedule. What is the business name of the " +
  "food truck shown (as written on the logo or sign)? Answer with the name only, on one line, " +
  "without quotes or any other words. If you are not sure, answer exactly UNKNOWN.";

/**
 * Truck names per image URL: an in-memory map, optionally backed by a JSON file
 * (`{ "version": 1, "names": { "<url>": "<name>" | null } }`, null meaning the model answered
 * UNKNOWN). Only real answers are stored; failures and malformed answers are not.
 */
export class TruckNameCache {
  readonly #names = new Map<string, string | null>();
  readonly #path?: string;
  #dirty = false;

  /** @param path JSON file to persist to; default: memory only. */
  constructor(path?: string) {
    this.#path = path;
  }

  /**
   * Creates a cache and loads its file; a missing or unreadable file gives an empty cache.
   *
   * @param path JSON file; default: memory only.
   */
  static async load(path?: string): Promise<TruckNameCache> {
    const cache = new TruckNameCache(path);
    if (!path) return cache;
    try {
      const raw = JSON.parse(await Deno.readTextFile(path));
      const names = raw?.version === 1 ? raw.names : undefined;
      if (names && typeof names === "object") {
        for (const [url, name] of Object.entries(names)) {
          if (name === null || typeof name === "string") cache.#names.set(url, name);
        }
      }
    } catch {
      // No file yet, or a corrupt one: start empty (it is rewritten on save).
    }
    return cache;
  }

  /** Whether `url` has a cached answer. */
  has(url: string): boolean {
    return this.#names.has(url);
  }

  /** The cached name (null: the model did not know); undefined when not cached. */
  get(url: string): string | null | undefined {
    return this.#names.get(url);
  }

  /** Stores an answer. */
  set(url: string, name: string | null): void {
    if (this.#names.get(url) === name && this.#names.has(url)) return;
    this.#names.set(url, name);
    this.#dirty = true;
  }

  /** Writes the file (atomically, via a temporary file) when a path is set and something changed. */
  async save(): Promise<void> {
    if (!this.#path || !this.#dirty) return;
    const names = Object.fromEntries([...this.#names].sort(([a], [b]) => a < b ? -1 : 1));
    const tmp = `${this.#path}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify({ version: 1, names }, null, 2) + "\n");
    await Deno.rename(tmp, this.#path);
    this.#dirty = false;
  }
}

/**
 * Checks and cleans a model answer: surrounding quotes and whitespace stripped; `UNKNOWN`
 * (any case, with or without a final period) gives null.
 *
 * @param answer The raw answer text.
 * @returns The name, or null when the model did not know.
 * @throws AiAnswerError when the answer is empty, spans several lines or is longer than
 *   {@link MAX_TRUCK_NAME_LENGTH}.
 */
export function parseTruckNameAnswer(answer: string): string | null {
  const text = answer.trim();
  if (text.includes("\n")) throw new AiAnswerError("several lines instead of a name");
  const name = text.replace(/^["'`“”‘’]+|["'`“”‘’]+$/g, "").trim();
  if (/^unknown\.?$/i.test(name)) return null;
  if (name === "") throw new AiAnswerError("an empty answer");
  if (name.length > MAX_TRUCK_NAME_LENGTH) {
    throw new AiAnswerError(`an answer of ${name.length} characters instead of a name`);
  }
  return name;
}

type ImageMediaType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

/** The media type of image bytes from their magic number, or null when not one the API takes. */
export function sniffImageType(bytes: Uint8Array): ImageMediaType | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}

/** The image content block for `imageUrl`, per {@link AiSettings.imageMode}; `signal` stops the fetch. */
async function imageBlock(imageUrl: string, settings: AiSettings, signal?: AbortSignal) {
  const http = new HttpClient({
    timeoutMs: settings.timeoutMs ?? DEFAULT_AI_TIMEOUT_MS,
    retries: 1,
    headers: { ...BROWSER_HEADERS, Accept: "image/avif,image/webp,image/png,image/*;q=0.8" },
    allowPrivateNetworks: settings.allowPrivateNetworks ?? false,
    maxBodyBytes: MAX_IMAGE_BYTES,
  });
  // The guard refuses file:, data: and internal addresses in both modes: in "url" mode the
  // model API would fetch it, but a URL that names our own network is not sent anywhere.
  const checked = await http.check(imageUrl);
  if (settings.imageMode === "url") {
    return { type: "image" as const, source: { type: "url" as const, url: checked.toString() } };
  }
  const bytes = await http.bytes(imageUrl, { signal });
  const mediaType = sniffImageType(bytes);
  if (!mediaType) throw new Error(`not a JPEG, PNG, GIF or WebP image (${imageUrl})`);
  return {
    type: "image" as const,
    source: {
      type: "base64" as const,
      media_type: mediaType,
      data: Buffer.from(bytes).toString("base64"),
    },
  };
}

/**
 * Asks the model for the business name shown on an image.
 *
 * Without an API key, returns null at once (no request). A cached answer is returned without a
 * request. Malformed answers (empty, several lines, longer than {@link MAX_TRUCK_NAME_LENGTH})
 * give null and are logged, not cached.
 *
 * @param imageUrl The image (fetched here and sent as base64 unless `imageMode` is `"url"`).
 * @param settings The AI settings (`timeoutMs` default 20000, `maxRetries` default 2).
 * @param cache Answers per image URL; default: a fresh in-memory cache.
 * @param signal Stops the image fetch and the model request at once when it aborts; default none.
 * @returns The name, or null when the model did not know (the caller keeps `"TBD"`).
 * @throws Errors of the image fetch or of the model API (HTTP status, timeout, abort), after the
 *   SDK's bounded retries; {@link applyVision} catches them (and rethrows an abort).
 */
export async function extractTruckName(
  imageUrl: string,
  settings: AiSettings,
  cache: TruckNameCache = new TruckNameCache(),
  signal?: AbortSignal,
): Promise<string | null> {
  if (!aiEnabled(settings)) return null;
  const cached = cache.get(imageUrl);
  if (cached !== undefined) return cached;
  const content = [await imageBlock(imageUrl, settings, signal), {
    type: "text" as const,
    text: VISION_PROMPT,
  }];
  let name: string | null;
  try {
    name = parseTruckNameAnswer(await askModel(settings, 50, content, signal));
  } catch (err) {
    if (!(err instanceof AiAnswerError)) throw err;
    logLine(settings, `vision: ${describeAiError(err, settings)} for ${imageUrl}`);
    return null;
  }
  cache.set(imageUrl, name);
  return name;
}

/**
 * Names the `"TBD"` events that carry an `imageUrl`, marking them `aiExtracted: true`.
 *
 * Never throws for an AI failure: an image that cannot be read keeps its event unchanged (one
 * log line); once the model API is unusable (timeout, connection error, 401/403/404/429/5xx,
 * after the SDK's retries) the remaining images are skipped. Does nothing without an API key
 * or with `visionEnabled: false`. The file cache (`visionCachePath`) is saved at the end, also
 * after an abort.
 *
 * @param events The events; not modified.
 * @param settings The AI settings (`visionEnabled` default true).
 * @param cache Answers per image URL; default: loaded from `settings.visionCachePath` (or memory).
 * @param signal Stops the current image fetch or model request at once; default none.
 * @returns New events in the same order; unchanged ones are the same objects.
 * @throws `signal.reason` once `signal` aborted (a cancellation is not a fallback).
 */
export async function applyVision<E extends VisionEvent>(
  events: E[],
  settings: AiSettings,
  cache?: TruckNameCache,
  signal?: AbortSignal,
): Promise<E[]> {
  if (!aiEnabled(settings) || settings.visionEnabled === false) return events;
  const wanted = events.some((e) => e.truckName === "TBD" && e.imageUrl);
  if (!wanted) return events;
  const names = cache ?? await TruckNameCache.load(settings.visionCachePath);
  try {
    return await nameEach(events, settings, names, signal);
  } finally {
    await names.save().catch((err) => {
      logLine(settings, `vision: cache not saved: ${describeAiError(err, settings)}`);
    });
  }
}

/** The loop of {@link applyVision}: one request per unnamed image, until the API is down. */
async function nameEach<E extends VisionEvent>(
  events: E[],
  settings: AiSettings,
  names: TruckNameCache,
  signal: AbortSignal | undefined,
): Promise<E[]> {
  const out: E[] = [];
  let apiDown = false;
  for (const e of events) {
    if (e.truckName !== "TBD" || !e.imageUrl || apiDown) {
      out.push(e);
      continue;
    }
    let name: string | null = null;
    try {
      name = await extractTruckName(e.imageUrl, settings, names, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      apiDown = isModelUnavailable(err);
      const rest = apiDown ? " (remaining images skipped)" : "";
      logLine(settings, `vision: skipped ${e.imageUrl}: ${describeAiError(err, settings)}${rest}`);
    }
    out.push(name ? { ...e, truckName: name, aiExtracted: true } : e);
  }
  return out;
}
