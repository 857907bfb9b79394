/**
 * The JSON Schema of the published `data.json` (the contract other readers rely on, documented
 * in `docs/data-contract.md`) and a validator built on `ajv`.
 *
 * The schema is versioned by `schemaVersion` ({@link SCHEMA_VERSION}): a reader should accept
 * files whose `schemaVersion` it knows and ignore fields it does not know (`additionalProperties`
 * is allowed on purpose, so adding a field is not a breaking change; removing or retyping one is,
 * and bumps the version).
 *
 * @example
 * ```ts
 * import { validateWebData } from "./schema.ts";
 * const problems = validateWebData(JSON.parse(await Deno.readTextFile("public/data.json")));
 * if (problems.length) console.error(`data.json: ${problems[0]}`);
 * ```
 * @module
 */
import Ajv from "ajv";

/** The `schemaVersion` this code writes. 1 was the unversioned first format. */
export const SCHEMA_VERSION = 2;

const ISO_INSTANT = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$";
const YMD = "^\\d{4}-\\d{2}-\\d{2}$";
const CLOCK = "^(1[0-2]|[1-9]):[0-5]\\d (AM|PM) PT$";

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: "null" }] });

/** The JSON Schema (draft-07) of `data.json`, `schemaVersion` {@link SCHEMA_VERSION}. */
export const WEB_DATA_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "around-the-grounds/data.schema.json",
  title: "Around the Grounds published data",
  type: "object",
  required: [
    "schemaVersion",
    "events",
    "updated",
    "checked",
    "window",
    "total_events",
    "timezone",
    "errors",
    "venues",
  ],
  properties: {
    schemaVersion: { const: SCHEMA_VERSION },
    events: {
      type: "array",
      items: {
        type: "object",
        required: [
          "date",
          "vendor",
          "location",
          "venue_key",
          "start_time",
          "end_time",
          "starts_at",
          "ends_at",
          "description",
          "ai_extracted",
        ],
        properties: {
          date: { type: "string", pattern: YMD },
          vendor: { type: "string", minLength: 1 },
          location: { type: "string" },
          venue_key: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" },
          start_time: nullable({ type: "string", pattern: CLOCK }),
          end_time: nullable({ type: "string", pattern: CLOCK }),
          starts_at: nullable({ type: "string", pattern: ISO_INSTANT }),
          ends_at: nullable({ type: "string", pattern: ISO_INSTANT }),
          description: nullable({ type: "string" }),
          ai_extracted: { type: "boolean" },
        },
      },
    },
    updated: { type: "string", pattern: ISO_INSTANT },
    checked: { type: "string", pattern: ISO_INSTANT },
    stale_after_hours: { type: "number", exclusiveMinimum: 0 },
    window: {
      type: "object",
      required: ["from", "to"],
      properties: {
        from: { type: "string", pattern: YMD },
        to: { type: "string", pattern: YMD },
      },
    },
    total_events: { type: "integer", minimum: 0 },
    timezone: { const: "PT" },
    errors: { type: "array", items: { type: "string" } },
    venues: {
      type: "array",
      items: {
        type: "object",
        required: ["key", "name", "ok", "events", "checked", "changed"],
        properties: {
          key: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" },
          name: { type: "string" },
          ok: { type: "boolean" },
          events: { type: "integer", minimum: 0 },
          checked: nullable({ type: "string", pattern: ISO_INSTANT }),
          changed: nullable({ type: "string", pattern: ISO_INSTANT }),
        },
      },
    },
    haiku: { type: "string" },
  },
} as const;

// deno-lint-ignore no-explicit-any
const AjvClass = Ajv as any;
const ajv = new AjvClass({ allErrors: false, strict: true });
const validate = ajv.compile(WEB_DATA_SCHEMA);

/**
 * Checks a parsed `data.json` against {@link WEB_DATA_SCHEMA}.
 *
 * @param value The parsed JSON.
 * @returns One line per problem (`/events/0/date must match pattern …`); empty when valid.
 */
export function validateWebData(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: { instancePath: string; message?: string }) =>
    `${e.instancePath || "(top level)"} ${e.message ?? "is invalid"}`
  );
}
