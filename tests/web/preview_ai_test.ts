/**
 * `scrape --preview` runs the AI touches when a key is set (against the local Messages-API
 * stand-in), writes the haiku into the preview's `data.json`, and the text output marks AI-named
 * trucks.
 *
 * @example
 * ```sh
 * deno test --allow-env --allow-read --allow-write --allow-net=127.0.0.1 --allow-run \
 *   tests/web/preview_ai_test.ts
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { AI_MARK, formatResult } from "../../src/cli/format.ts";
import type { FoodTruckWorkflowResult } from "../../src/core/model.ts";
import { parseWebData } from "../../src/publish/data.ts";
import { runTask } from "../helpers/proc.ts";
import { KEY, startStandIn } from "../ai/_standin.ts";

const HAIKU = "Pupusas at dusk\nspring rain on the Greenwood glass\nthe line still grows long";

Deno.test("text output marks an AI-named truck and explains the mark", () => {
  const r: FoodTruckWorkflowResult = {
    from: "2026-03-05",
    to: "2026-03-12",
    events: [{
      venueKey: "stoup-ballard",
      venueName: "Stoup Brewing - Ballard",
      truckName: "Marination",
      date: "2026-03-05",
      start: "2026-03-05T13:00:00-08:00",
      end: null,
      aiExtracted: true,
    }, {
      venueKey: "stoup-ballard",
      venueName: "Stoup Brewing - Ballard",
      truckName: "Nosh",
      date: "2026-03-05",
      start: null,
      end: null,
    }],
    errors: [],
  };
  const text = formatResult(r);
  assert.match(text, /from 1:00 PM +Marination \[AI\] @ Stoup/);
  assert.match(text, /Nosh @ Stoup/);
  assert.ok(text.includes(`${AI_MARK}: the truck's name was read from the venue's image by AI`));
  assert.ok(!formatResult({ ...r, events: [r.events[1]] }).includes(AI_MARK));
});

Deno.test("scrape --offline --preview runs the AI touches when ANTHROPIC_API_KEY is set", async () => {
  const api = startStandIn(() => ({ text: HAIKU }));
  const dir = await Deno.makeTempDir({ prefix: "atg-preview-ai-" });
  try {
    const withKey = await runTask("scrape", ["--offline", "--preview", `${dir}/on`], {
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: api.url },
    });
    assert.equal(withKey.code, 0, withKey.stderr);
    assert.equal(api.messages.length, 1, "one haiku request");
    const prompt = JSON.stringify(api.messages[0].body!.messages);
    assert.match(prompt, /Thursday, March 5, 2026, spring in Ballard, Seattle/);
    const data = parseWebData(await Deno.readTextFile(`${dir}/on/data.json`));
    assert.equal(data.haiku, HAIKU);
    assert.ok(!(withKey.stdout + withKey.stderr).includes(KEY), "the key is never printed");

    const without = await runTask("scrape", ["--offline", "--preview", `${dir}/off`], {
      env: { ANTHROPIC_BASE_URL: api.url },
    });
    assert.equal(without.code, 0, without.stderr);
    assert.equal(api.messages.length, 1, "no request without a key");
    assert.equal(parseWebData(await Deno.readTextFile(`${dir}/off/data.json`)).haiku, undefined);
  } finally {
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});
