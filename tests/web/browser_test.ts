/**
 * The web page in a real browser: Debian's Chromium driven by playwright-core against the
 * preview served by `serveDir`, with the page's clock fixed. Checks every day of the window
 * (empty days say so), TBD labels, search links, escaping, the failed-venue notice, the Pacific
 * "checked" / "last changed" stamps and the stale banner, the filters and their URL / device
 * state, the now & next view, the calendar feed links, an axe-core accessibility scan (no serious
 * or critical violations), the 375px layout, the empty state and the load errors, and saves
 * screenshots to `test-artifacts/`.
 *
 * Skipped, with a printed reason, only when `/usr/bin/chromium` is missing.
 *
 * @example
 * ```sh
 * deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-env --allow-run \
 *   --allow-sys tests/web/browser_test.ts
 * ```
 * @module
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { FoodTruckEvent, FoodTruckWorkflowResult, VenueError } from "../../src/core/model.ts";
import { serializeWebData, toWebData, type WebData } from "../../src/publish/data.ts";
import { validateWebData } from "../../src/publish/schema.ts";
import { writePreview } from "../../src/publish/preview.ts";
import { serveDir } from "../../src/publish/serve.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url);

/** False only when `path` does not exist; a permission error is not a reason to skip. */
function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    return true; // e.g. no --allow-read for it: run, and let the launch fail loudly
  }
}

/**
 * playwright-core probes `/proc/sys/fs/binfmt_misc/WSLInterop` with `fs.existsSync` when it
 * loads. Node's `existsSync` never throws, but Deno's throws `NotCapable` for `/proc` paths
 * unless the whole run has `--allow-all`. Restore Node's contract (a path we may not see does
 * not exist) so the test runs with narrow permissions; playwright-core is imported afterwards.
 */
function nodeLikeExistsSync(): void {
  const original = fs.existsSync;
  fs.existsSync = (path: fs.PathLike): boolean => {
    try {
      return original(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) return false;
      throw err;
    }
  };
}

const hasChromium = exists(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `SKIPPING tests/web/browser_test.ts: ${CHROMIUM} is missing (apt install chromium)`,
  );
}

const XSS_NAME = `<img src=x onerror="window.__xss=1">`;
const LONG_NAME = "Supercalifragilisticexpialidocious-Wood-Fired-Pizza-Company-Mobile-Kitchen";

function ev(
  date: string,
  truckName: string,
  venueName: string,
  hours: [number, number] | null,
  description?: string,
): FoodTruckEvent {
  // -08:00 before 2026-03-08 (PST), -07:00 from then on (PDT).
  const off = date >= "2026-03-08" ? "-07:00" : "-08:00";
  const at = (h: number) => `${date}T${String(h).padStart(2, "0")}:00:00${off}`;
  return {
    venueKey: KEYS[venueName] ?? venueName.toLowerCase().replace(/\W+/g, "-"),
    venueName,
    truckName,
    date,
    start: hours ? at(hours[0]) : null,
    end: hours ? at(hours[1]) : null,
    ...(description ? { description } : {}),
  };
}

const STOUP = "Stoup Brewing - Ballard";
const OBEC = "Obec Brewing";
const SALEH = "Saleh's Corner";
const KEYS: Record<string, string> = {
  [STOUP]: "stoup-ballard",
  [OBEC]: "obec-brewing",
  [SALEH]: "salehs-corner",
};

const failures: VenueError[] = [
  {
    venueKey: "urban-family",
    venueName: "Urban Family Brewing",
    message: "Could not read the schedule of Urban Family Brewing",
    detail: "HTTP 403",
  },
  {
    venueKey: "wheelie-pop",
    venueName: "Wheelie Pop Brewing",
    message: "Could not read the schedule of Wheelie Pop Brewing",
    detail: "timeout",
  },
];

const RESULT: FoodTruckWorkflowResult = {
  from: "2026-03-05",
  to: "2026-03-12",
  events: [
    ev("2026-03-05", "Woodshop BBQ", STOUP, [13, 20], "Texas-style brisket"),
    ev("2026-03-05", XSS_NAME, OBEC, [16, 21], `<b>bold</b> & "quoted"`),
    ev(
      "2026-03-05",
      "Tacos El Asadero",
      SALEH,
      [11, 15],
      "Mexican https://example.com/menu.",
    ),
    ev("2026-03-06", LONG_NAME, STOUP, null),
    ev("2026-03-06", "TBD", OBEC, [17, 21]),
    ev("2026-03-08", "Nosh", STOUP, [13, 20]),
    { ...ev("2026-03-08", "Marination", SALEH, [12, 14], "Hawaiian-Korean"), aiExtracted: true },
  ],
  errors: failures,
};

const UPDATED = new Date("2026-03-05T18:15:00.000Z"); // 10:15 AM PST
const DATA: WebData = toWebData(RESULT, UPDATED, {
  haiku: "Smoke drifts from the truck\nBrisket and a hazy pint\nBallard evening",
  staleAfterHours: 12,
});
/** Every day of the window, 2026-03-05 to 2026-03-12, with its events and day count. */
const EXPECTED_DAYS: { date: string; label: RegExp; count: number; text: string }[] = [
  { date: "2026-03-05", label: /^Thursday, March 5(, 2026)?$/, count: 3, text: "3 trucks" },
  {
    date: "2026-03-06",
    label: /^Friday, March 6(, 2026)?$/,
    count: 2,
    text: "1 truck + 1 to be announced",
  },
  { date: "2026-03-07", label: /^Saturday, March 7/, count: 0, text: "No trucks posted" },
  { date: "2026-03-08", label: /^Sunday, March 8(, 2026)?$/, count: 2, text: "2 trucks" },
  { date: "2026-03-09", label: /^Monday, March 9/, count: 0, text: "No trucks posted" },
  { date: "2026-03-10", label: /^Tuesday, March 10/, count: 0, text: "No trucks posted" },
  { date: "2026-03-11", label: /^Wednesday, March 11/, count: 0, text: "No trucks posted" },
  { date: "2026-03-12", label: /^Thursday, March 12/, count: 0, text: "No trucks posted" },
];
const EXPECTED_UPDATED =
  "Checked Thursday, March 5 at 10:15 AM PT · Last changed Thursday, March 5 at 10:15 AM PT";
/** The page's fixed clock: Thursday 2026-03-05, 12:30 PM PST (two hours after the check). */
const CLOCK = new Date("2026-03-05T20:30:00.000Z");

const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Opens a page in a fresh context with a fixed clock, recording requests and script errors. */
async function openPage(
  browser: Browser,
  opts: {
    width: number;
    height: number;
    timezoneId: string;
    clock?: Date;
    bypassCSP?: boolean;
    colorScheme?: "light" | "dark";
  },
): Promise<{ page: Page; requests: string[]; pageErrors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: opts.width, height: opts.height },
    timezoneId: opts.timezoneId,
    locale: "en-US",
    colorScheme: opts.colorScheme ?? "light",
    bypassCSP: opts.bypassCSP ?? false,
  });
  const page = await context.newPage();
  await page.clock.setFixedTime(opts.clock ?? CLOCK);
  const requests: string[] = [];
  const pageErrors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  return { page, requests, pageErrors };
}

/** Loads the page and waits until app.js has rendered (data or error). */
async function load(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("body[data-state]", { timeout: 10_000 });
}

Deno.test({
  name: "web page renders data.json correctly in Chromium",
  ignore: !hasChromium,
  // playwright-core keeps its browser pipe and timers alive across steps; all are closed
  // in the finally block below.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    nodeLikeExistsSync();
    assert.deepEqual(validateWebData(JSON.parse(serializeWebData(DATA))), []);
    const { chromium } = await import("playwright-core");
    const tmp = await Deno.makeTempDir({ prefix: "atg-browser-" });
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const { dir } = await writePreview(join(tmp, "site"), DATA);
    const server = serveDir(dir, { hostname: "127.0.0.1" });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: LAUNCH_ARGS,
      });
      const b = browser;

      await t.step(
        "desktop, Seattle time zone: days, events, escaping, notices",
        async () => {
          const { page, requests, pageErrors } = await openPage(b, {
            width: 1100,
            height: 900,
            timezoneId: "America/Los_Angeles",
          });
          await load(page, server.url);
          assert.equal(
            await page.locator("body").getAttribute("data-state"),
            "ready",
          );

          // Days: every day of the window, in order, labels (no off-by-one from UTC midnight),
          // events and counts per day; an empty day says so.
          const days = page.getByTestId("day");
          assert.equal(await days.count(), EXPECTED_DAYS.length);
          for (const [i, want] of EXPECTED_DAYS.entries()) {
            const day = days.nth(i);
            assert.equal(await day.getAttribute("data-date"), want.date);
            const label = (await day.getByTestId("day-label").textContent())?.trim() ?? "";
            assert.match(label, want.label);
            assert.equal(
              await day.getByTestId("event").count(),
              want.count,
              want.date,
            );
            assert.equal(await day.getByTestId("day-count").textContent(), want.text, want.date);
            assert.equal(await day.getByTestId("no-trucks").count(), want.count ? 0 : 1, want.date);
          }
          assert.equal(
            await days.nth(2).getByTestId("no-trucks").textContent(),
            "No trucks posted for this day.",
          );
          assert.equal(await page.getByTestId("event").count(), DATA.events.length);
          // Totals: named trucks only (the TBD entry is not counted).
          assert.equal(DATA.total_events, DATA.events.length - 1);
          assert.equal(
            await page.getByTestId("summary").textContent(),
            `${DATA.total_events} trucks this week at 3 venues.`,
          );
          // Today / Tomorrow from the fixed Pacific clock.
          assert.match((await days.nth(0).locator(".day-title").textContent()) ?? "", /Today$/);
          assert.match((await days.nth(1).locator(".day-title").textContent()) ?? "", /Tomorrow$/);

          // TBD: labelled, no search link.
          const tbd = days.nth(1).getByTestId("event").nth(0);
          assert.equal(
            await tbd.getByTestId("vendor").textContent(),
            "TBD Truck not announced yet",
          );
          assert.equal(await tbd.getByTestId("vendor-link").count(), 0);

          // Each named truck links to a search for it, as the original tracker did.
          const woodshop = days.nth(0).getByTestId("vendor-link").nth(1);
          assert.equal(await woodshop.textContent(), "Woodshop BBQ");
          assert.equal(
            await woodshop.getAttribute("href"),
            "https://www.google.com/search?q=Woodshop%20BBQ%20food%20truck%20seattle",
          );

          // The AI badge is explained in visible text (phones never show a hover title).
          const legend = page.getByTestId("ai-legend");
          assert.ok(await legend.isVisible());
          assert.match(
            await legend.innerText(),
            /read from the venue's image by AI: it may be wrong/,
          );

          // The stamps are recent: no stale banner.
          assert.ok(!(await page.getByTestId("stale").isVisible()));

          // Events of a day in start order.
          const vendorsOf = async (i: number) =>
            await days.nth(i).getByTestId("event").getByTestId("vendor")
              .allTextContents();
          assert.deepEqual(await vendorsOf(0), [
            "Tacos El Asadero",
            "Woodshop BBQ",
            XSS_NAME,
          ]);
          assert.deepEqual(await vendorsOf(3), ["Marination AI", "Nosh"]); // "AI": the badge

          // An event's content and hours.
          const first = days.nth(0).getByTestId("event").nth(1);
          assert.equal(
            await first.getByTestId("vendor").textContent(),
            "Woodshop BBQ",
          );
          assert.equal(await first.getByTestId("venue").textContent(), STOUP);
          assert.equal(
            await first.getByTestId("hours").textContent(),
            "1:00 PM – 8:00 PM PT",
          );
          assert.equal(
            await first.getByTestId("description").textContent(),
            "Texas-style brisket",
          );
          const sunday = days.nth(3).getByTestId("event").nth(1);
          assert.equal(
            await sunday.getByTestId("hours").textContent(),
            "1:00 PM – 8:00 PM PT",
          );
          const noHours = days.nth(1).getByTestId("event").nth(1);
          assert.equal(
            await noHours.getByTestId("vendor").textContent(),
            LONG_NAME,
          );
          assert.equal(
            await noHours.getByTestId("hours").textContent(),
            "Hours not posted",
          );

          // Escaping: the tag shows as text, runs nothing, creates no element.
          const xss = days.nth(0).getByTestId("event").nth(2);
          assert.equal(await xss.getByTestId("vendor").textContent(), XSS_NAME);
          assert.equal(
            await xss.getByTestId("description").textContent(),
            `<b>bold</b> & "quoted"`,
          );
          assert.equal(await page.evaluate("typeof window.__xss"), "undefined");
          assert.equal(await page.locator('img[src="x"]').count(), 0);
          assert.equal(await page.locator("main img, main b").count(), 0);

          // A URL in a description becomes a link named by its site (no raw URL shown), without
          // the trailing period.
          const tacos = days.nth(0).getByTestId("event").nth(0);
          assert.equal(
            await tacos.getByTestId("hours").textContent(),
            "11:00 AM – 3:00 PM PT",
          );
          const link = tacos.getByTestId("description-link");
          assert.equal(
            await link.getAttribute("href"),
            "https://example.com/menu",
          );
          assert.equal(
            await tacos.getByTestId("description").textContent(),
            "Mexican example.com.",
          );

          // Failed venues.
          const notice = page.getByTestId("errors-notice");
          assert.ok(await notice.isVisible());
          assert.deepEqual(
            await page.getByTestId("errors").locator("li").allTextContents(),
            failures.map((f) => f.message),
          );

          // Updated, in Pacific time; haiku; no empty/load-error state.
          assert.equal(
            (await page.getByTestId("updated").textContent())?.trim(),
            EXPECTED_UPDATED,
          );
          assert.equal(
            await page.getByTestId("checked").locator("time").getAttribute(
              "datetime",
            ),
            "2026-03-05T18:15:00.000Z",
          );
          assert.match(
            (await page.getByTestId("haiku").textContent()) ?? "",
            /Brisket/,
          );
          assert.ok(!(await page.getByTestId("empty").isVisible()));
          assert.ok(!(await page.getByTestId("load-error").isVisible()));
          assert.equal(await page.getByTestId("loading").count(), 0);

          // Accessibility basics: language, one h1, day headings are h2, truck names h3.
          assert.equal(await page.locator("html").getAttribute("lang"), "en");
          assert.equal(await page.locator("h1").count(), 1);
          assert.equal(
            await page.locator("section[data-testid=day] > .day-head h2")
              .count(),
            EXPECTED_DAYS.length,
          );
          assert.equal(
            await page.locator("[data-testid=event] h3").count(),
            DATA.events.length,
          );
          // The one AI-extracted name carries the badge, and only it.
          assert.equal(await page.getByTestId("ai-badge").count(), 1);
          assert.match(
            (await page.locator("[data-testid=event]", { has: page.getByTestId("ai-badge") })
              .getByTestId("vendor").textContent()) ?? "",
            /^Marination/,
          );

          // Nothing but our own server was contacted; no script errors.
          assert.ok(requests.length >= 4, `requests: ${requests}`);
          for (const r of requests) {
            assert.ok(r.startsWith(server.url), `external request: ${r}`);
          }
          assert.deepEqual(pageErrors, []);

          await page.screenshot({
            path: new URL("web-page.png", ARTIFACTS).pathname,
            fullPage: true,
          });
          await page.context().close();
        },
      );

      await t.step("375px wide: no horizontal scroll, no script error, in both views", async () => {
        const { page, pageErrors } = await openPage(b, {
          width: 375,
          height: 812,
          timezoneId: "America/Los_Angeles",
        });
        await load(page, server.url);
        assert.equal(
          await page.getByTestId("event").count(),
          DATA.events.length,
        );
        const assertFits = async (where: string) => {
          const widths = await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
          ) as [number, number];
          assert.ok(
            widths[0] <= widths[1],
            `${where}: scrollWidth ${widths[0]} > clientWidth ${widths[1]}`,
          );
          const overflowing = await page.evaluate(
            `[...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map((e) => e.tagName + "." + e.className)`,
          ) as string[];
          assert.deepEqual(overflowing, [], where);
        };
        await assertFits("week");
        await page.screenshot({
          path: new URL("web-page-mobile.png", ARTIFACTS).pathname,
          fullPage: true,
        });
        // The filters and the now & next view work at phone width too.
        await page.getByTestId("filter-venue").selectOption("obec-brewing");
        await page.getByTestId("filter-meal").selectOption("dinner");
        await page.getByTestId("view-now").check();
        assert.ok(await page.getByTestId("now-next").isVisible());
        await assertFits("now & next");
        await page.screenshot({
          path: new URL("web-page-mobile-now.png", ARTIFACTS).pathname,
          fullPage: true,
        });
        assert.deepEqual(pageErrors, []);
        await page.context().close();
      });

      await t.step(
        "another browser zone (Tokyo): same days and Pacific updated time",
        async () => {
          const { page } = await openPage(b, {
            width: 1000,
            height: 800,
            timezoneId: "Asia/Tokyo",
          });
          await load(page, server.url);
          const labels = (await page.getByTestId("day-label").allTextContents())
            .map((s) => s.trim());
          EXPECTED_DAYS.forEach((want, i) => assert.match(labels[i], want.label));
          assert.equal(
            (await page.getByTestId("updated").textContent())?.trim(),
            EXPECTED_UPDATED,
          );
          await page.context().close();
        },
      );

      /** Names of the trucks in the week view, in page order. */
      const weekVendors = async (page: Page) =>
        (await page.getByTestId("days").getByTestId("vendor").allTextContents()).map((v) =>
          v.trim()
        );

      await t.step("filters by venue and meal: kept in the URL and on the device", async () => {
        const { page, pageErrors } = await openPage(b, {
          width: 1000,
          height: 800,
          timezoneId: "America/Los_Angeles",
        });
        await load(page, server.url);
        await page.getByTestId("filter-venue").selectOption("stoup-ballard");
        assert.deepEqual(await weekVendors(page), ["Woodshop BBQ", LONG_NAME, "Nosh"]);
        assert.equal(new URL(page.url()).search, "?venue=stoup-ballard");
        assert.equal(await page.getByTestId("day").count(), EXPECTED_DAYS.length);
        // Dinner = a start at 3 PM Pacific or later; unknown hours stay visible.
        await page.getByTestId("filter-meal").selectOption("dinner");
        assert.deepEqual(await weekVendors(page), [LONG_NAME]);
        assert.equal(new URL(page.url()).search, "?venue=stoup-ballard&meal=dinner");
        assert.equal(
          await page.getByTestId("summary").textContent(),
          "Showing 1 of 6 trucks this week at 3 venues.",
        );
        // Lunch = a start before 3 PM.
        await page.getByTestId("filter-venue").selectOption("all");
        await page.getByTestId("filter-meal").selectOption("lunch");
        assert.deepEqual(await weekVendors(page), [
          "Tacos El Asadero",
          "Woodshop BBQ",
          LONG_NAME,
          "Marination AI",
          "Nosh",
        ]);
        await page.getByTestId("filter-meal").selectOption("dinner");
        await page.getByTestId("filter-venue").selectOption("stoup-ballard");

        // A reload keeps the state (from the URL).
        await page.reload();
        await page.waitForSelector("body[data-state=ready]");
        assert.equal(await page.getByTestId("filter-venue").inputValue(), "stoup-ballard");
        assert.equal(await page.getByTestId("filter-meal").inputValue(), "dinner");
        assert.deepEqual(await weekVendors(page), [LONG_NAME]);

        // The same device, opening the bare address: remembered (localStorage).
        const again = await page.context().newPage();
        await again.clock.setFixedTime(CLOCK);
        await load(again, server.url);
        assert.equal(await again.getByTestId("filter-venue").inputValue(), "stoup-ballard");
        assert.equal(await again.getByTestId("filter-meal").inputValue(), "dinner");
        assert.deepEqual(await weekVendors(again), [LONG_NAME]);
        assert.deepEqual(pageErrors, []);
        await page.context().close();

        // A shared link opens the same view on another device.
        const other = await openPage(b, {
          width: 1000,
          height: 800,
          timezoneId: "Europe/Paris",
        });
        await load(other.page, `${server.url}?venue=obec-brewing`);
        assert.equal(await other.page.getByTestId("filter-venue").inputValue(), "obec-brewing");
        assert.deepEqual(await weekVendors(other.page), [
          XSS_NAME,
          "TBD Truck not announced yet",
        ]);
        // Unknown values fall back to the defaults without an error.
        await load(other.page, `${server.url}?venue=%3Cscript%3E&meal=brunch&view=x`);
        assert.equal(await other.page.getByTestId("filter-venue").inputValue(), "all");
        assert.equal(await other.page.getByTestId("filter-meal").inputValue(), "any");
        assert.equal(await other.page.getByTestId("event").count(), DATA.events.length);
        assert.deepEqual(other.pageErrors, []);
        await other.page.context().close();
      });

      await t.step(
        "now & next with a fixed clock, in Pacific time whatever the browser zone",
        async () => {
          for (const timezoneId of ["America/Los_Angeles", "Asia/Tokyo"]) {
            const { page, pageErrors } = await openPage(b, {
              width: 1000,
              height: 800,
              timezoneId,
            });
            await load(page, `${server.url}?view=now`);
            assert.ok(await page.getByTestId("now-next").isVisible());
            assert.ok(!(await page.getByTestId("days").isVisible()));
            assert.equal(await page.getByTestId("view-now").isChecked(), true);
            assert.equal(
              await page.getByTestId("now-clock").textContent(),
              "It is Thursday, March 5, 12:30 PM in Seattle.",
            );
            const names = async (id: string) =>
              (await page.getByTestId(id).getByTestId("vendor").allTextContents()).map((v) =>
                v.trim()
              );
            // 12:30 PM Thursday: Tacos (11-3) is on; the rest come in start order.
            assert.deepEqual(await names("on-now"), ["Tacos El Asadero"]);
            assert.deepEqual(await names("up-next"), [
              "Woodshop BBQ",
              XSS_NAME,
              "TBD Truck not announced yet",
              "Marination AI",
              "Nosh",
            ]);
            assert.match(
              (await page.getByTestId("up-next").getByTestId("hours").first().textContent()) ?? "",
              /^Thursday, March 5 · 1:00 PM – 8:00 PM PT$/,
            );
            // The longer "day · hours" line sits above the name, never over it.
            const hb = await page.getByTestId("up-next").getByTestId("hours").first().boundingBox();
            const vb = await page.getByTestId("up-next").getByTestId("vendor").first()
              .boundingBox();
            assert.ok(hb && vb && hb.y + hb.height <= vb.y + 0.5, "hours overlap the truck name");
            // Combined with a venue filter.
            await page.getByTestId("filter-venue").selectOption("stoup-ballard");
            assert.deepEqual(await names("on-now"), []);
            assert.ok(await page.getByTestId("on-now-none").isVisible());
            assert.deepEqual(await names("up-next"), ["Woodshop BBQ", "Nosh"]);
            assert.equal(new URL(page.url()).search, "?view=now&venue=stoup-ballard");
            assert.deepEqual(pageErrors, []);
            await page.context().close();
          }
          // 5 PM Thursday: Woodshop (1-8) and the 4 PM truck are on.
          const { page } = await openPage(b, {
            width: 1000,
            height: 800,
            timezoneId: "America/Los_Angeles",
            clock: new Date("2026-03-06T01:00:00.000Z"),
          });
          await load(page, `${server.url}?view=now`);
          assert.deepEqual(
            (await page.getByTestId("on-now").getByTestId("vendor").allTextContents()).map((v) =>
              v.trim()
            ),
            ["Woodshop BBQ", XSS_NAME],
          );
          await page.context().close();
        },
      );

      await t.step("stale banner when the last check is older than stale_after_hours", async () => {
        assert.equal(DATA.stale_after_hours, 12);
        const fresh = await openPage(b, {
          width: 800,
          height: 600,
          timezoneId: "America/Los_Angeles",
          clock: new Date(UPDATED.getTime() + 11.9 * 3_600_000),
        });
        await load(fresh.page, server.url);
        assert.ok(!(await fresh.page.getByTestId("stale").isVisible()));
        await fresh.page.context().close();
        const { page } = await openPage(b, {
          width: 800,
          height: 600,
          timezoneId: "America/Los_Angeles",
          clock: new Date(UPDATED.getTime() + 13 * 3_600_000),
        });
        await load(page, server.url);
        const stale = page.getByTestId("stale");
        assert.ok(await stale.isVisible());
        assert.match(
          (await stale.textContent()) ?? "",
          /This page may be stale.*last checked Thursday, March 5 at 10:15 AM PT, more than 12 hours ago/s,
        );
        await page.context().close();
      });

      await t.step(
        "calendar feeds are linked from the page and served as text/calendar",
        async () => {
          const { page } = await openPage(b, {
            width: 800,
            height: 600,
            timezoneId: "America/Los_Angeles",
          });
          await load(page, server.url);
          const links = page.getByTestId("feed-link");
          assert.deepEqual(await links.allTextContents(), [
            "All venues",
            OBEC,
            SALEH,
            STOUP,
            "Urban Family Brewing",
            "Wheelie Pop Brewing",
          ]);
          const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
          assert.deepEqual(hrefs, [
            "calendar.ics",
            "calendar-obec-brewing.ics",
            "calendar-salehs-corner.ics",
            "calendar-stoup-ballard.ics",
            "calendar-urban-family.ics",
            "calendar-wheelie-pop.ics",
          ]);
          for (const href of hrefs) {
            const res = await fetch(new URL(href!, server.url));
            assert.equal(res.status, 200, href!);
            assert.equal(res.headers.get("content-type"), "text/calendar; charset=utf-8");
            assert.match(await res.text(), /^BEGIN:VCALENDAR\r\n/);
          }
          await page.context().close();
        },
      );

      await t.step(
        "axe-core: no serious or critical violations (desktop, phone, both views, light and dark)",
        async () => {
          const { default: axe } = await import("axe-core");
          for (
            const [width, height, query, colorScheme] of [
              [1100, 900, "", "light"],
              [1100, 900, "?view=now", "light"],
              [375, 812, "", "light"],
              [375, 812, "?view=now&venue=obec-brewing", "light"],
              [1100, 900, "", "dark"],
              [375, 812, "?view=now", "dark"],
            ] as const
          ) {
            const { page } = await openPage(b, {
              width,
              height,
              timezoneId: "America/Los_Angeles",
              bypassCSP: true, // only to inject axe itself
              colorScheme,
            });
            await load(page, server.url + query);
            await page.addScriptTag({ content: axe.source });
            const violations = await page.evaluate(
              `axe.run(document, { resultTypes: ["violations"] }).then((r) =>
              r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`,
            ) as { id: string; impact: string; nodes: number }[];
            const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
            const where = `${width}px ${colorScheme} ${query}`;
            assert.deepEqual(bad, [], `${where}: ${JSON.stringify(violations)}`);
            await page.context().close();
          }
        },
      );

      const dataPath = join(dir, "data.json");

      await t.step(
        "empty schedule: 'No food trucks scheduled', every day still shown",
        async () => {
          const empty = toWebData({ ...RESULT, events: [], errors: [] }, UPDATED);
          await Deno.writeTextFile(dataPath, serializeWebData(empty));
          const { page } = await openPage(b, {
            width: 800,
            height: 600,
            timezoneId: "America/Los_Angeles",
          });
          await load(page, server.url);
          assert.ok(await page.getByTestId("empty").isVisible());
          assert.equal(
            await page.getByTestId("empty").textContent(),
            "No food trucks scheduled",
          );
          assert.equal(await page.getByTestId("day").count(), 8);
          assert.equal(await page.getByTestId("no-trucks").count(), 8);
          assert.ok(!(await page.getByTestId("errors-notice").isVisible()));
          assert.ok(await page.getByTestId("updated").isVisible());
          await page.context().close();
        },
      );

      await t.step(
        "version 1 file (no schemaVersion) still renders; a newer one is refused",
        async () => {
          // The first, unversioned format: no window, venues, checked or starts_at.
          const v1 = {
            events: [{
              date: "2026-03-05",
              vendor: "Old Format Tacos",
              location: OBEC,
              start_time: "11:00 AM PT",
              end_time: null,
              description: null,
            }],
            updated: UPDATED.toISOString(),
            total_events: 1,
            timezone: "PT",
            errors: [],
          };
          await Deno.writeTextFile(dataPath, JSON.stringify(v1));
          const { page, pageErrors } = await openPage(b, {
            width: 800,
            height: 600,
            timezoneId: "America/Los_Angeles",
          });
          await load(page, server.url);
          assert.equal(await page.locator("body").getAttribute("data-state"), "ready");
          assert.deepEqual(await weekVendors(page), ["Old Format Tacos"]);
          assert.equal(await page.getByTestId("day").count(), 1);
          assert.ok(!(await page.getByTestId("stale").isVisible()));
          assert.deepEqual(pageErrors, []);
          await page.context().close();
          // Without stale_after_hours the page calls data older than 24 hours stale.
          const late = await openPage(b, {
            width: 800,
            height: 600,
            timezoneId: "America/Los_Angeles",
            clock: new Date(UPDATED.getTime() + 25 * 3_600_000),
          });
          await load(late.page, server.url);
          assert.match(
            (await late.page.getByTestId("stale").textContent()) ?? "",
            /more than 24 hours ago/,
          );
          await late.page.context().close();

          // A truck without a posted end counts as on for three hours after its start.
          const v2 = toWebData({
            ...RESULT,
            events: [{ ...ev("2026-03-05", "Open End", OBEC, [11, 12]), end: null }],
            errors: [],
          }, UPDATED);
          await Deno.writeTextFile(dataPath, serializeWebData(v2));
          for (
            const [clock, on] of [["2026-03-05T21:59:00Z", true], [
              "2026-03-05T22:01:00Z",
              false,
            ]] as const
          ) {
            const o = await openPage(b, {
              width: 800,
              height: 600,
              timezoneId: "America/Los_Angeles",
              clock: new Date(clock),
            });
            await load(o.page, `${server.url}?view=now`);
            assert.equal(
              await o.page.getByTestId("on-now").getByTestId("event").count(),
              on ? 1 : 0,
              clock,
            );
            await o.page.context().close();
          }

          await Deno.writeTextFile(dataPath, JSON.stringify({ ...v2, schemaVersion: 99 }));
          const newer = await openPage(b, {
            width: 800,
            height: 600,
            timezoneId: "America/Los_Angeles",
          });
          await load(newer.page, server.url);
          assert.match(
            (await newer.page.getByTestId("load-error").textContent()) ?? "",
            /newer format \(99\): reload the page/,
          );
          await newer.page.context().close();
        },
      );

      await t.step(
        "an event that breaks the schema is dropped with a notice (ajv agrees)",
        async () => {
          const bad = structuredClone(DATA);
          bad.events[0].start_time = "13:00";
          bad.events[1].vendor = "";
          assert.ok(validateWebData(bad).length > 0, "ajv must reject it too");
          await Deno.writeTextFile(dataPath, JSON.stringify(bad));
          const { page, pageErrors } = await openPage(b, {
            width: 800,
            height: 600,
            timezoneId: "America/Los_Angeles",
          });
          await load(page, server.url);
          assert.equal(
            await page.getByTestId("invalid-notice").textContent(),
            "2 entries of the schedule file did not match its format and are not shown.",
          );
          assert.equal(await page.getByTestId("event").count(), DATA.events.length - 2);
          assert.deepEqual(pageErrors, []);
          await page.context().close();
          // Without the schema file the page falls back to its own, more lenient checks.
          const schemaPath = join(dir, "data.schema.json");
          const schemaText = await Deno.readTextFile(schemaPath);
          await Deno.remove(schemaPath);
          try {
            const lenient = await openPage(b, {
              width: 800,
              height: 600,
              timezoneId: "America/Los_Angeles",
            });
            await load(lenient.page, server.url);
            assert.equal(await lenient.page.getByTestId("event").count(), DATA.events.length);
            assert.ok(!(await lenient.page.getByTestId("invalid-notice").isVisible()));
            await lenient.page.context().close();
          } finally {
            await Deno.writeTextFile(schemaPath, schemaText);
          }
        },
      );

      await t.step("data.json missing (404): load error shown", async () => {
        await Deno.remove(dataPath);
        const { page } = await openPage(b, {
          width: 800,
          height: 600,
          timezoneId: "America/Los_Angeles",
        });
        await load(page, server.url);
        const box = page.getByTestId("load-error");
        assert.ok(await box.isVisible());
        const text = (await box.textContent()) ?? "";
        assert.match(text, /could not be loaded/);
        assert.match(text, /404/);
        assert.equal(await page.getByTestId("day").count(), 0);
        assert.ok(!(await page.getByTestId("empty").isVisible()));
        assert.equal(await page.getByTestId("loading").count(), 0);
        await page.screenshot({
          path: new URL("web-page-load-error.png", ARTIFACTS).pathname,
        });
        await page.context().close();
      });

      await t.step("data.json not valid JSON: load error shown", async () => {
        await Deno.writeTextFile(
          dataPath,
          '{"events": [ {"date": "2026-03-05", ',
        );
        const { page } = await openPage(b, {
          width: 800,
          height: 600,
          timezoneId: "America/Los_Angeles",
        });
        await load(page, server.url);
        const box = page.getByTestId("load-error");
        assert.ok(await box.isVisible());
        assert.match((await box.textContent()) ?? "", /not valid JSON/);
        assert.equal(await page.getByTestId("day").count(), 0);
        await page.context().close();
      });

      await t.step(
        "data.json of the wrong shape: load error shown",
        async () => {
          await Deno.writeTextFile(dataPath, '{"trucks": []}');
          const { page } = await openPage(b, {
            width: 800,
            height: 600,
            timezoneId: "America/Los_Angeles",
          });
          await load(page, server.url);
          assert.match(
            (await page.getByTestId("load-error").textContent()) ?? "",
            /not in the expected format/,
          );
          await page.context().close();
        },
      );
    } finally {
      await browser?.close();
      await server.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
