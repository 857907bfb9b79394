/**
 * The one logger of the worker and the tasks: levels (`LOG_LEVEL`: error, warn, info, debug),
 * two formats (`LOG_FORMAT`: `text` for terminals, `json` one object per line for journald or
 * Loki), named fields (`workflowId`, `runId`, `activityType`, `venue`, ...), and a scrubber that
 * no secret or `taskToken` passes: fields named like a credential are dropped, and the values
 * registered with {@link Log.addSecret} (the worker's `GIT_TOKEN`, API keys) are replaced by
 * `[redacted]` wherever they appear. An `Error` becomes `Name: first line of its message`; its
 * stack is added only at `debug`.
 *
 * {@link sdkLogger} adapts it to the Temporal SDK's `Logger`, for `Runtime.install({ logger })`.
 *
 * @example
 * ```ts
 * import { createLog } from "./log.ts";
 * const log = createLog({ level: "info", format: "json", component: "worker" });
 * log.warn("venue fetch failed", { venue: "stoup-ballard", error: "HttpStatusError", attempt: 2 });
 * // {"time":"…","level":"warn","component":"worker","msg":"venue fetch failed","venue":"stoup-ballard",…}
 * ```
 * @module
 */
import type { Logger as SdkLogger, LogLevel as SdkLogLevel, LogMetadata } from "@temporalio/common";

/** Log levels, most severe first. */
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
/** A log level (`LOG_LEVEL`). */
export type LogLevel = typeof LOG_LEVELS[number];
/** Output formats (`LOG_FORMAT`). */
export const LOG_FORMATS = ["text", "json"] as const;
/** A log format. */
export type LogFormat = typeof LOG_FORMATS[number];

/** Field values a log line may carry. */
export type LogFields = Record<string, unknown>;

/** Options of {@link createLog}. */
export interface LogOptions {
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** `text` (`component: message key=value ...`) or `json` (one object per line). Default `text`. */
  format?: LogFormat;
  /** The prefix of text lines and the `component` field. Default `worker`. */
  component?: string;
  /** Where finished lines go (without the newline). Default: `console.error`. */
  write?: (line: string) => void;
  /** Clock for the `time` field. Default `() => new Date()`. */
  now?: () => Date;
}

/** A logger. */
export interface Log {
  readonly level: LogLevel;
  readonly format: LogFormat;
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** Whether lines of `level` are written. */
  enabled(level: LogLevel): boolean;
  /** A logger with another component name, sharing level, format, output and secrets. */
  child(component: string): Log;
  /** Registers a secret value: it is replaced by `[redacted]` in every later line. */
  addSecret(value: string | undefined): void;
}

/** Field names never written, whatever their value (compared case-insensitively). */
const SECRET_KEY = /token|secret|password|passwd|api_?key|authorization|cookie|credential/i;
const REDACTED = "[redacted]";
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Creates a logger; see {@link LogOptions} for the defaults. */
export function createLog(options: LogOptions = {}): Log {
  const secrets = new Set<string>();
  return makeLog({
    level: options.level ?? "info",
    format: options.format ?? "text",
    write: options.write ?? ((l) => console.error(l)),
    now: options.now ?? (() => new Date()),
    secrets,
  }, options.component ?? "worker");
}

interface Shared {
  level: LogLevel;
  format: LogFormat;
  write: (line: string) => void;
  now: () => Date;
  secrets: Set<string>;
}

function makeLog(s: Shared, component: string): Log {
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (RANK[level] > RANK[s.level]) return;
    const clean = scrubFields(fields, s.level === "debug");
    const line = s.format === "json"
      ? JSON.stringify({ time: s.now().toISOString(), level, component, msg: message, ...clean })
      : textLine(component, level, message, clean);
    s.write(escapeControls(redact(line, s.secrets)));
  };
  return {
    level: s.level,
    format: s.format,
    error: (m, f) => emit("error", m, f),
    warn: (m, f) => emit("warn", m, f),
    info: (m, f) => emit("info", m, f),
    debug: (m, f) => emit("debug", m, f),
    enabled: (level) => RANK[level] <= RANK[s.level],
    child: (c) => makeLog(s, c),
    addSecret: (v) => {
      // Very short values would redact ordinary words; such "secrets" are not worth keeping.
      if (v && v.length >= 6) s.secrets.add(v);
    },
  };
}

/** `component: [level: ]message key=value ...` (level shown for warn and error only). */
function textLine(component: string, level: LogLevel, message: string, f: LogFields): string {
  const tag = level === "warn" ? "warning: " : level === "error" ? "error: " : "";
  const pairs = Object.entries(f).map(([k, v]) => ` ${k}=${textValue(v)}`).join("");
  return `${component}: ${tag}${message}${pairs}`;
}

function textValue(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  // deno-lint-ignore no-control-regex
  return s === "" || /[\s"=\\\u0000-\u001f\u007f-\u009f]/.test(s) ? JSON.stringify(s) : s;
}

/**
 * Escapes control characters (C0, DEL, C1) as `\uXXXX`, so that text from venues or the SDK can
 * neither break a line in two nor send terminal escape sequences. Valid inside JSON strings too.
 */
export function escapeControls(line: string): string {
  return line.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Replaces every registered secret in `line`. */
function redact(line: string, secrets: Set<string>): string {
  let out = line;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/**
 * Drops credential-named fields and undefined values; renders errors as one line (`Name:
 * message`), with `stack` only when `withStack`.
 */
export function scrubFields(fields: LogFields, withStack = false): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || SECRET_KEY.test(k)) continue;
    if (v instanceof Error) {
      out[k] = errorLine(v);
      if (withStack && v.stack) out[`${k}Stack`] = v.stack;
    } else if (typeof v === "bigint") out[k] = v.toString();
    else out[k] = v;
  }
  return out;
}

/** `Name: first line of the message` of an error (the failure type for an `ApplicationFailure`). */
export function errorLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err).split("\n")[0];
  const type = (err as { type?: unknown }).type;
  const name = typeof type === "string" && type ? type : err.name;
  return `${name}: ${err.message.split("\n")[0]}`;
}

/** Meta fields of SDK log records that are kept, renamed to this project's field names. */
const SDK_FIELDS: Record<string, string> = {
  workflowId: "workflowId",
  runId: "runId",
  workflowRunId: "runId",
  workflowType: "workflowType",
  activityType: "activityType",
  activityId: "activityId",
  attempt: "attempt",
  taskQueue: "taskQueue",
  namespace: "namespace",
  sdkComponent: "sdkComponent",
  durationMs: "durationMs",
  error: "error",
  failure: "error",
  target: "target",
};

/** SDK messages that the worker's own one-line records replace unless debug logging is on. */
const SDK_REPLACED = new Set(["Activity failed"]);

/**
 * The Temporal SDK's `Logger` backed by `log`, for `Runtime.install({ logger })`: SDK `warn` and
 * `error` keep their level, `info`, `debug` and `trace` map to `debug`; only known meta fields are kept ({@link SDK_FIELDS}: never `taskToken`);
 * "Activity failed" is written at `debug` only, since the worker writes its own one line per
 * failed attempt.
 */
export function sdkLogger(log: Log): SdkLogger {
  // The SDK's INFO records (worker state changes, bundling) repeat the worker's own lines.
  const at = (level: SdkLogLevel): LogLevel =>
    level === "ERROR" ? "error" : level === "WARN" ? "warn" : "debug";
  const write = (level: SdkLogLevel, message: string, meta?: LogMetadata) => {
    const fields: LogFields = {};
    for (const [k, v] of Object.entries(meta ?? {})) {
      const name = SDK_FIELDS[k];
      if (name) fields[name] = v;
    }
    const l = SDK_REPLACED.has(message) ? "debug" : at(level);
    log[l](message, fields);
  };
  return {
    log: write,
    trace: (m, meta) => write("TRACE", m, meta),
    debug: (m, meta) => write("DEBUG", m, meta),
    info: (m, meta) => write("INFO", m, meta),
    warn: (m, meta) => write("WARN", m, meta),
    error: (m, meta) => write("ERROR", m, meta),
  };
}

/** The configured process-wide logger (see {@link setLog}); a text/info logger until set. */
let current: Log | undefined;

/** The process-wide logger: the one {@link setLog} installed, else a default text/info one. */
export function getLog(): Log {
  return current ??= createLog();
}

/** Installs the process-wide logger (the tasks do this once from the configuration). */
export function setLog(log: Log): void {
  current = log;
}
