/**
 * Cancelling the AI touches: an aborted signal stops the paid model request (and the image
 * fetch) at once, and the call rejects with the signal's reason instead of returning a fallback;
 * inside a Temporal activity, the workflow's cancel ends the activity with a `CancelledFailure`.
 *
 * The stand-in answers only after 60 s (cut short when it closes); every bound below is far
 * from the expected ~0.1 s so that busy cores cannot fail it, and far below the 60 s delay.
 */
import assert from "node:assert/strict";
import { CancelledFailure } from "@temporalio/activity";
import { MockActivityEnvironment } from "@temporalio/testing";
import { createAiActivities } from "../../src/ai/activities.ts";
import type { AiSettings } from "../../src/ai/client.ts";
import type { VisionEvent } from "../../src/ai/vision.ts";
import { createActivities } from "../../src/temporal/activities.ts";
import { waitUntil } from "../harness/wait.ts";
import { obecEvent, type StandIn, standInSettings, withStandIn } from "./_standin.ts";

const MODEL = "claude-test-model-3";
const TODAY = "2026-11-25";
const HAIKU = "Smoke curls from the grill\nbrisket waits by the taproom\nrain on Ballard docks";
/** The stand-in's delay: a call that ends well before it was cut short. */
const SLOW_MS = 60_000;
/** Generous upper bound for "at once" (expected: well under 1 s). */
const BOUND_MS = 10_000;

// A long timeout, so that only the abort can end the request early.
const settings = (baseURL: string, more: Partial<AiSettings> = {}): AiSettings =>
  standInSettings(baseURL, MODEL, { timeoutMs: 120_000, ...more });

const ev = (truckName: string, imageUrl?: string): VisionEvent =>
  obecEvent(TODAY, truckName, imageUrl);

/** Runs `call`, aborts once the stand-in holds its Messages request; how `call` ended, and when. */
async function abortWhenAsked<T>(
  api: StandIn,
  call: (signal: AbortSignal) => Promise<T>,
  abort: (stop: AbortController) => void = (stop) => stop.abort(),
): Promise<{ outcome: PromiseSettledResult<T>; reason: unknown; ms: number }> {
  const stop = new AbortController();
  const pending = call(stop.signal);
  await waitUntil("the model request", () => api.messages.length === 1, { timeoutMs: BOUND_MS });
  const t0 = performance.now();
  abort(stop);
  const [outcome] = await Promise.allSettled([pending]);
  return { outcome, reason: stop.signal.reason, ms: performance.now() - t0 };
}

Deno.test("cancel: an aborted haiku request ends at once and rejects, no fallback", async () => {
  await withStandIn(
    (n) => n === 0 ? { delayMs: SLOW_MS, text: HAIKU } : { text: HAIKU },
    async ({ api, logs }) => {
      const ai = createAiActivities(settings(api.url));
      const events = [ev("Woodshop BBQ")];
      const r = await abortWhenAsked(api, (signal) => ai.generateHaiku(events, TODAY, signal));
      assert.ok(r.ms < BOUND_MS, `took ${r.ms} ms after the abort`);
      assert.equal(r.outcome.status, "rejected", "a cancel is not a normal (null) haiku");
      assert.strictEqual((r.outcome as PromiseRejectedResult).reason, r.reason);
      assert.equal(api.messages.length, 1, "no retry after the abort");
      assert.deepEqual(logs, [], "a cancel is not logged as a failure");
      // Nothing was cached for the day: the next call asks again and gets its haiku.
      assert.equal(await ai.generateHaiku(events, TODAY), HAIKU);
      assert.equal(api.messages.length, 2);
    },
  );
});

Deno.test("cancel: an aborted vision request ends at once and rejects, no fallback", async () => {
  await withStandIn(
    (n) => n === 0 ? { delayMs: SLOW_MS, text: "Woodshop BBQ" } : { text: "Woodshop BBQ" },
    async ({ api, logs }) => {
      const ai = createAiActivities(settings(api.url));
      const events = [ev("TBD", `${api.url}/images/a.png`), ev("TBD", `${api.url}/images/b.png`)];
      const r = await abortWhenAsked(api, (signal) => ai.extractTruckNames(events, signal));
      assert.ok(r.ms < BOUND_MS, `took ${r.ms} ms after the abort`);
      assert.equal(r.outcome.status, "rejected", "a cancel is not the unchanged events");
      assert.strictEqual((r.outcome as PromiseRejectedResult).reason, r.reason);
      assert.equal(api.messages.length, 1, "no retry, and b.png not asked about");
      assert.equal(api.images.length, 1);
      assert.deepEqual(logs, []);
      // Without a signal, the same call works as before.
      const named = await ai.extractTruckNames(events);
      assert.deepEqual(named.map((e) => e.truckName), ["Woodshop BBQ", "Woodshop BBQ"]);
    },
  );
});

Deno.test("cancel: an already aborted signal makes no request at all", async () => {
  await withStandIn(() => ({ text: HAIKU }), async ({ api, logs }) => {
    const ai = createAiActivities(settings(api.url));
    const signal = AbortSignal.abort(new Error("stopped"));
    await assert.rejects(ai.generateHaiku([ev("Woodshop BBQ")], TODAY, signal), /stopped/);
    await assert.rejects(
      ai.extractTruckNames([ev("TBD", `${api.url}/images/a.png`)], signal),
      /stopped/,
    );
    assert.equal(api.all.length, 0);
    assert.deepEqual(logs, []);
  });
});

Deno.test("cancel: an aborted image fetch ends at once and rejects", async () => {
  // An image host that never answers (until it closes): only the abort can end the fetch.
  const hanging = new Set<() => void>();
  const images = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Promise<Response>((resolve) => {
        hanging.add(() => resolve(new Response(null, { status: 503 })));
      }),
  );
  try {
    await withStandIn(() => ({ text: "Woodshop BBQ" }), async ({ api, logs }) => {
      const ai = createAiActivities(settings(api.url));
      const url = `http://127.0.0.1:${images.addr.port}/logo.png`;
      const stop = new AbortController();
      const pending = ai.extractTruckNames([ev("TBD", url)], stop.signal);
      await waitUntil("the image request", () => hanging.size === 1, { timeoutMs: BOUND_MS });
      const t0 = performance.now();
      stop.abort();
      await assert.rejects(pending, (err) => err === stop.signal.reason);
      const ms = performance.now() - t0;
      assert.ok(ms < BOUND_MS, `took ${ms} ms after the abort`);
      assert.equal(hanging.size, 1, "the image fetch was not retried");
      assert.equal(api.messages.length, 0);
      assert.deepEqual(logs, []);
    });
  } finally {
    for (const release of hanging) release();
    await images.shutdown();
  }
});

for (const name of ["generateHaiku", "extractTruckNames"] as const) {
  Deno.test(`cancel: the ${name} activity ends cancelled when the workflow cancels`, async () => {
    await withStandIn(
      () => ({ delayMs: SLOW_MS, text: name === "generateHaiku" ? HAIKU : "Woodshop BBQ" }),
      async ({ api, logs }) => {
        const activities = createActivities({ ai: settings(api.url) });
        const events = [ev("TBD", `${api.url}/images/a.png`), ev("Woodshop BBQ")];
        const env = new MockActivityEnvironment();
        const r = await abortWhenAsked(
          api,
          () =>
            env.run(() =>
              name === "generateHaiku"
                ? activities.generateHaiku(events, TODAY)
                : activities.extractTruckNames(events)
            ),
          () => env.cancel("CANCELLED"),
        );
        assert.ok(r.ms < BOUND_MS, `took ${r.ms} ms after the cancel`);
        assert.equal(r.outcome.status, "rejected");
        assert.ok((r.outcome as PromiseRejectedResult).reason instanceof CancelledFailure);
        assert.equal(api.messages.length, 1);
        assert.deepEqual(logs, []);
      },
    );
  });
}
