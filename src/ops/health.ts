/**
 * Readiness endpoint of the worker: `GET /healthz` answers 200 only while the worker is RUNNING
 * (polling its task queue) and 503 while it starts, drains or stops. Enabled by
 * `TEMPORAL_HEALTH_BIND=host:port` (read by the config module).
 *
 * @example
 * ```ts
 * import { startHealthServer } from "./health.ts";
 * declare const worker: import("@temporalio/worker").Worker;
 * await using health = await startHealthServer("127.0.0.1:9465", () => worker?.getState() ?? "STARTING");
 * console.log(health.url); // http://127.0.0.1:9465/healthz
 * ```
 * @module
 */
import { splitHostPort } from "../config/mod.ts";

/** The state reported by the health endpoint: the SDK's worker states plus `STARTING`. */
export type HealthState =
  | "STARTING"
  | "INITIALIZED"
  | "RUNNING"
  | "STOPPING"
  | "DRAINING"
  | "DRAINED"
  | "STOPPED"
  | "FAILED";

/** Facts the endpoint returns beside the state (no secrets). */
export interface HealthFacts {
  identity?: string;
  taskQueue?: string;
  buildId?: string;
}

/** A running health server. */
export interface HealthServer extends AsyncDisposable {
  /** `http://host:port/healthz` (the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

/** The health endpoint cannot listen where asked. */
export class HealthBindError extends Error {
  override name = "HealthBindError";
}

/**
 * Serves `GET /healthz` (and `HEAD`) on `bind` (`host:port`; port 0 picks a free one).
 * Body: `{"state":"RUNNING",...facts}`; status 200 when `state()` is `RUNNING`, else 503.
 * Other paths: 404.
 */
export function startHealthServer(
  bind: string,
  state: () => HealthState,
  facts: () => HealthFacts = () => ({}),
): Promise<HealthServer> {
  const hp = splitHostPort(bind);
  if (!hp) {
    return Promise.reject(
      new HealthBindError(`TEMPORAL_HEALTH_BIND: "${bind}" is not host:port`),
    );
  }
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: hp.host,
      port: hp.port,
      onListen: () => {},
    }, (req) => {
      const path = new URL(req.url).pathname;
      if (path !== "/healthz" || !["GET", "HEAD"].includes(req.method)) {
        return new Response("not found\n", { status: 404 });
      }
      const s = state();
      const body = JSON.stringify({ state: s, ...facts() }) + "\n";
      return new Response(req.method === "HEAD" ? null : body, {
        status: s === "RUNNING" ? 200 : 503,
        headers: { "content-type": "application/json", "cache-control": "no-store" },
      });
    });
  } catch (err) {
    const why = err instanceof Deno.errors.AddrInUse
      ? "address already in use"
      : err instanceof Error
      ? err.message.split("\n")[0]
      : String(err);
    return Promise.reject(
      new HealthBindError(`TEMPORAL_HEALTH_BIND ${bind}: cannot listen: ${why}`),
    );
  }
  const addr = server.addr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= server.shutdown());
  return Promise.resolve({
    url: `http://${host}:${addr.port}/healthz`,
    close,
    [Symbol.asyncDispose]: close,
  });
}
