/**
 * Shared parts of the Temporal-semantics tests: a dev-server client, a worker process, venue
 * sites that answer slowly or hugely, bare git repos with hooks, and history helpers.
 * @module
 */
import { historyToJSON } from "@temporalio/common/lib/proto-utils.js";
import type { Client, WorkflowHandle } from "@temporalio/client";
import { loadConfig, requireValid } from "../../src/config/mod.ts";
import type { TemporalConfig } from "../../src/config/mod.ts";
import { connectClient } from "../../src/config/connect.ts";
import type { VenueEntry } from "../../src/core/model.ts";
import type { FixtureServer } from "../../src/venues/fixture_server.ts";
import { loadVenueList } from "../../src/venues/list.ts";

/** A config for `address` and `taskQueue` (no .env read). */
export async function configFor(address: string, taskQueue: string): Promise<TemporalConfig> {
  return requireValid(
    await loadConfig({
      env: { TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue },
      noEnvFile: true,
    }),
  );
}

/** A connected client, disposable. */
export async function clientFor(
  cfg: TemporalConfig,
): Promise<{ client: Client } & AsyncDisposable> {
  const { client, close } = await connectClient(cfg);
  return { client, [Symbol.asyncDispose]: close };
}

/** The fixture venue list restricted to `keys`. */
export async function fixtureVenues(
  fixtures: FixtureServer,
  keys: string[],
): Promise<VenueEntry[]> {
  return fixtures.venueList(await loadVenueList()).filter((v) => keys.includes(v.key));
}

/**
 * A venue site that forwards to the fixture server after `delayMs` (or holds the request until
 * closed when `delayMs` is Infinity), counting requests that arrived.
 */
export function slowSite(fixtures: FixtureServer, delayMs: number) {
  let arrived = 0;
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      arrived++;
      await new Promise<void>((resolve) => {
        const t = Number.isFinite(delayMs) ? setTimeout(resolve, delayMs) : undefined;
        ac.signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        });
      });
      const u = new URL(req.url);
      const res = await fetch(`${fixtures.origin}${u.pathname}${u.search}`);
      return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
    },
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    get arrived() {
      return arrived;
    },
    venues(list: VenueEntry[]): VenueEntry[] {
      return list.map((v) => ({ ...v, url: v.url.replace(fixtures.origin, origin) }));
    },
    async [Symbol.asyncDispose]() {
      ac.abort();
      await server.finished;
    },
  };
}

/**
 * A Saleh's-Corner-style API answering `count` distinct events in the fixture week, each with a
 * `descriptionChars`-long food category: a hostile page whose result is too big to record.
 */
export function hugeSalehsSite(count: number, descriptionChars = 1200) {
  const ac = new AbortController();
  const category = "x".repeat(descriptionChars);
  const events = Array.from({ length: count }, (_, i) => {
    const day = 5 + (i % 7);
    const start = `2026-03-${String(day).padStart(2, "0")}T11:00:00.000-08:00`;
    return {
      id: i,
      start_time: start,
      end_time: start.replace("T11:", "T14:"),
      bookings: [{
        status: "approved",
        truck: { name: `Truck number ${i}`, food_categories: [category] },
      }],
    };
  });
  const body = JSON.stringify({ events });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    () => new Response(body, { headers: { "content-type": "application/json" } }),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    async [Symbol.asyncDispose]() {
      ac.abort();
      await server.finished;
    },
  };
}

/**
 * A Stoup-style page with a "TBD" truck on 2026-03-05 whose name is in an image (`imageUrl`),
 * and a named truck on 2026-03-06: input for the AI touches.
 */
export function stoupPageWithImage(imageUrl: string): string {
  const cell = (h4: string, hrs: string, name: string, img: string) =>
    `<div style='position:relative;'><div class='days1 food-truck-day'><div><img src='${img}'>` +
    `<div class='lunch-truck-info'><h4>${h4}</h4><div class='hrs'>${hrs}</div>${name}<br></div></div></div></div>`;
  return `<!doctype html><html><body><div class='food-trucks'>` +
    cell("Thu 03.05", "1 &mdash; 8pm", "", imageUrl) +
    cell("Fri 03.06", "5 &mdash; 8pm", "Woodshop BBQ", "https://cdn.example.com/x.png") +
    `</div></body></html>`;
}

/**
 * Serves {@link stoupPageWithImage} on a local port and writes `<dir>/venues.json` listing it as
 * Stoup Ballard (pass `venuesFile` to `start --venues`). Dispose to stop the page.
 */
export async function stoupImageVenue(dir: string, imageUrl: string) {
  const ac = new AbortController();
  const page = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    () => new Response(stoupPageWithImage(imageUrl), { headers: { "content-type": "text/html" } }),
  );
  const venuesFile = `${dir}/venues.json`;
  const url = `http://127.0.0.1:${page.addr.port}/ballard/`;
  await Deno.writeTextFile(
    venuesFile,
    JSON.stringify({ venues: [{ key: "stoup-ballard", name: "Stoup Brewing - Ballard", url }] }),
  );
  return {
    venuesFile,
    async [Symbol.asyncDispose]() {
      ac.abort();
      await page.finished;
    },
  };
}

/** Runs git, returns trimmed stdout ("" on failure). */
export async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
  return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
}

/** A bare repo in `dir`; `hooks` maps hook names to shell scripts (made executable). */
export async function bareRepo(dir: string, hooks: Record<string, string> = {}): Promise<string> {
  const path = `${dir}/site-${crypto.randomUUID().slice(0, 6)}.git`;
  const init = await new Deno.Command("git", { args: ["init", "--bare", "-q", "-b", "main", path] })
    .output();
  if (!init.success) throw new Error("git init --bare failed");
  for (const [name, script] of Object.entries(hooks)) {
    await Deno.writeTextFile(`${path}/hooks/${name}`, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  }
  return path;
}

/** Commits on `main` of a bare repo (0 when the branch does not exist). */
export async function commitCount(bare: string): Promise<number> {
  return Number(await git("--git-dir", bare, "rev-list", "--count", "main") || "0");
}

/** The history of a workflow as JSON text (what `temporal workflow show -o json` writes). */
export async function historyJson(handle: WorkflowHandle): Promise<string> {
  return historyToJSON(await handle.fetchHistory());
}

/**
 * Everything a history holds, searchable: its JSON text followed by every payload's data decoded
 * from base64 (payload contents are base64 in the JSON form, so a plain grep would miss them).
 */
export async function historyText(handle: WorkflowHandle): Promise<string> {
  const json = await historyJson(handle);
  const decoded: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.data === "string" && o.metadata && typeof o.metadata === "object") {
      const bytes = Uint8Array.from(atob(o.data), (ch) => ch.charCodeAt(0));
      decoded.push(new TextDecoder().decode(bytes));
    }
    Object.values(o).forEach(walk);
  };
  walk(JSON.parse(json));
  return `${json}\n${decoded.join("\n")}`;
}

/** A history event, loosely typed (the JSON form). */
// deno-lint-ignore no-explicit-any
export type HistoryEvent = Record<string, any>;

/** The events of a workflow's history, as plain JSON objects. */
export async function historyEvents(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return JSON.parse(await historyJson(handle)).events;
}

/** Activity type names of the `ActivityTaskScheduled` events, in order. */
export function scheduledActivities(events: HistoryEvent[]): string[] {
  return events
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => e.activityTaskScheduledEventAttributes.activityType.name);
}

/** Event type names (`EVENT_TYPE_…` without the prefix) of a history. */
export function eventTypes(events: HistoryEvent[]): string[] {
  return events.map((e) => String(e.eventType).replace(/^EVENT_TYPE_/, ""));
}
