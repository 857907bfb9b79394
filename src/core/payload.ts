/**
 * The payload budget: Temporal refuses any payload over 2 MB (and a workflow task whose
 * commands exceed it wedges the run), so every value the workflow records is bounded well
 * below that. Pure code, bundled into the workflow sandbox as well as used by the activities.
 *
 * - one venue's events (the `fetchVenue` result): at most {@link VENUE_BUDGET_BYTES};
 * - the whole result (and so the AI, web data and deploy payloads built from it): at most
 *   {@link RESULT_BUDGET_BYTES};
 * - single text fields are clamped first ({@link FIELD_LIMITS}), so one huge description cannot
 *   cost a venue all its other events.
 *
 * Events dropped to fit are the latest ones (results are sorted by day), and the caller reports
 * how many, so the run finishes, publishes, and says "truncated".
 *
 * @example
 * ```ts
 * import { boundEvents, VENUE_BUDGET_BYTES } from "./payload.ts";
 * import type { FoodTruckEvent } from "./model.ts";
 * declare const parsed: FoodTruckEvent[]; // what a venue's parser returned
 * const { events, dropped } = boundEvents(parsed, VENUE_BUDGET_BYTES);
 * if (dropped) console.warn(`truncated: ${dropped} events dropped`);
 * ```
 * @module
 */
import type { FoodTruckEvent, VenueWarning } from "./model.ts";

/** Temporal's own limit on one payload (the server's default blob size limit): 2 MiB. */
export const TEMPORAL_PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Budget of one venue's events as JSON: 128 KiB (a real week of a venue is a few KiB; seven
 * venues stay under 1 MiB together).
 */
export const VENUE_BUDGET_BYTES = 128 * 1024;

/**
 * Budget of the whole workflow result as JSON: 512 KiB, a quarter of Temporal's limit. The page
 * data and deploy payloads are built from the result, so a whole run's history stays a few MiB
 * and can be fetched in one 4 MiB gRPC message (replay, `temporal workflow show`).
 */
export const RESULT_BUDGET_BYTES = 512 * 1024;

/** Longest text kept per event field (characters); longer text is cut and ends in `…`. */
export const FIELD_LIMITS = {
  truckName: 200,
  venueName: 200,
  description: 1000,
} as const;

/** Longest `imageUrl` kept (characters); a longer one is dropped, not cut. */
export const MAX_IMAGE_URL_LENGTH = 2048;

/** UTF-8 size of `text` in bytes (what the JSON payload converter writes). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** UTF-8 size of `value` serialized as JSON. */
export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? "");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `event` with its text fields clamped to {@link FIELD_LIMITS}. */
export function clampEvent<E extends FoodTruckEvent>(event: E): E {
  const out = { ...event };
  out.truckName = clip(out.truckName, FIELD_LIMITS.truckName);
  out.venueName = clip(out.venueName, FIELD_LIMITS.venueName);
  if (typeof out.description === "string") {
    out.description = clip(out.description, FIELD_LIMITS.description);
  }
  if (typeof out.imageUrl === "string" && out.imageUrl.length > MAX_IMAGE_URL_LENGTH) {
    delete out.imageUrl;
  }
  return out;
}

/**
 * Clamps every event's fields, then keeps events in order while their JSON stays within
 * `budgetBytes`.
 *
 * @returns The kept events and how many were dropped (0 when everything fit).
 */
export function boundEvents<E extends FoodTruckEvent>(
  events: readonly E[],
  budgetBytes: number,
): { events: E[]; dropped: number } {
  const kept: E[] = [];
  let size = 2; // "[]"
  for (const e of events) {
    const c = clampEvent(e);
    const add = jsonBytes(c) + (kept.length ? 1 : 0);
    if (size + add > budgetBytes) break;
    size += add;
    kept.push(c);
  }
  return { events: kept, dropped: events.length - kept.length };
}

/** Stands for the whole week in a {@link truncationWarning}: key `*`, name `the week`. */
export const WHOLE_WEEK = { key: "*", name: "the week" } as const;

/** The warning a truncated result carries (result, page and `start`/`scrape` output). */
export function truncationWarning(
  dropped: number,
  where: { key: string; name: string },
): VenueWarning {
  return {
    venueKey: where.key,
    venueName: where.name,
    message: `truncated: ${dropped} event(s) of ${where.name} dropped to stay within the ` +
      `payload budget`,
  };
}
