// Around the Grounds: renders data.json (see src/web/data.ts for its shape) into the page.
// Plain browser JavaScript, no build step. All text from the data goes through textContent:
// never innerHTML.
"use strict";

(() => {
  const DATA_URL = "data.json";
  const PACIFIC = "America/Los_Angeles";

  const dayFormat = new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC",
    weekday: "long",
    month: "long",
    day: "numeric",
  });
  const dayFormatWithYear = new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC",
    weekday: "long",
    month: "long",
    day: "numeric",
    year: "numeric",
  });
  const updatedDayFormat = new Intl.DateTimeFormat("en-US", {
    timeZone: PACIFIC,
    weekday: "long",
    month: "long",
    day: "numeric",
  });
  const updatedTimeFormat = new Intl.DateTimeFormat("en-US", {
    timeZone: PACIFIC,
    hour: "numeric",
    minute: "2-digit",
  });
  const pacificDayFormat = new Intl.DateTimeFormat("en-US", {
    timeZone: PACIFIC,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });

  /** Creates an element with an optional class and text (always as text, never HTML). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function byTestId(id) {
    return document.querySelector(`[data-testid="${id}"]`);
  }

  /** Today's Pacific day as YYYY-MM-DD, whatever the browser's zone. */
  function pacificToday() {
    const parts = {};
    for (const p of pacificDayFormat.formatToParts(new Date())) {
      parts[p.type] = p.value;
    }
    return `${parts.year}-${parts.month}-${parts.day}`;
  }

  /** Splits YYYY-MM-DD into numbers, or null. */
  function parseYmd(ymd) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
    return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
  }

  /**
   * "Wednesday, March 5" for "2026-03-05". The date is already a Pacific day: it is built
   * and formatted in UTC so the browser's own zone cannot shift it to the previous day.
   */
  function formatDay(ymd, todayYmd) {
    const p = parseYmd(ymd);
    if (!p) return ymd;
    const date = new Date(Date.UTC(p.y, p.m - 1, p.d, 12));
    const sameYear = todayYmd.slice(0, 4) === ymd.slice(0, 4);
    return (sameYear ? dayFormat : dayFormatWithYear).format(date);
  }

  /** Calendar days from a to b (both YYYY-MM-DD), or NaN. */
  function daysBetween(a, b) {
    const pa = parseYmd(a);
    const pb = parseYmd(b);
    if (!pa || !pb) return NaN;
    return (Date.UTC(pb.y, pb.m - 1, pb.d) - Date.UTC(pa.y, pa.m - 1, pa.d)) /
      86400000;
  }

  const stripPT = (t) => t.replace(/\s*PT$/, "");

  /** "1:00 PM – 8:00 PM PT", "From 1:00 PM PT", "Until 8:00 PM PT" or "Hours not posted". */
  function formatHours(start, end) {
    if (start && end) return `${stripPT(start)} – ${stripPT(end)} PT`;
    if (start) return `From ${stripPT(start)} PT`;
    if (end) return `Until ${stripPT(end)} PT`;
    return "Hours not posted";
  }

  /** Appends text to a node, turning http(s) URLs into links (built with DOM calls). */
  function appendLinkified(node, text) {
    const urlPattern = /https?:\/\/[^\s<>"']+/g;
    let last = 0;
    for (const match of text.matchAll(urlPattern)) {
      const index = match.index ?? 0;
      const url = match[0].replace(/[.,;:!?)\]]+$/, "");
      let href = null;
      try {
        const parsed = new URL(url);
        if (parsed.protocol === "http:" || parsed.protocol === "https:") {
          href = parsed.href;
        }
      } catch {
        href = null; // not a URL: stays plain text
      }
      if (!href) continue;
      node.append(document.createTextNode(text.slice(last, index)));
      const a = el("a", null, url);
      a.href = href;
      a.rel = "noopener noreferrer";
      node.append(a);
      last = index + url.length;
    }
    node.append(document.createTextNode(text.slice(last)));
  }

  const str = (v) => (typeof v === "string" ? v : null);

  /** Keeps the usable events of the data (a malformed entry is dropped, not fatal). */
  function cleanEvents(list) {
    const out = [];
    for (const e of list) {
      if (!e || typeof e !== "object") continue;
      const date = str(e.date);
      if (!date || !parseYmd(date)) continue;
      out.push({
        date,
        vendor: str(e.vendor) || "TBD",
        location: str(e.location) || "",
        start: str(e.start_time),
        end: str(e.end_time),
        description: str(e.description),
        aiExtracted: e.ai_extracted === true,
      });
    }
    return out;
  }

  function renderEvent(e) {
    const li = el("li", "event");
    li.dataset.testid = "event";
    const hours = el("p", "hours", formatHours(e.start, e.end));
    hours.dataset.testid = "hours";
    if (!e.start && !e.end) hours.classList.add("hours-unknown");
    const body = el("div", "event-body");
    const vendor = el("h3", "vendor", e.vendor);
    vendor.dataset.testid = "vendor";
    if (e.aiExtracted) {
      const badge = el("span", "badge ai-badge", "AI");
      badge.dataset.testid = "ai-badge";
      badge.title = "Name read from the venue's image by AI; it may be wrong";
      vendor.append(" ", badge);
    }
    body.append(vendor);
    if (e.location) {
      const venue = el("p", "venue", e.location);
      venue.dataset.testid = "venue";
      body.append(venue);
    }
    if (e.description) {
      const desc = el("p", "description");
      desc.dataset.testid = "description";
      appendLinkified(desc, e.description);
      body.append(desc);
    }
    li.append(hours, body);
    return li;
  }

  function renderDays(events) {
    const container = byTestId("days");
    container.replaceChildren();
    const byDate = new Map();
    for (const e of events) {
      if (!byDate.has(e.date)) byDate.set(e.date, []);
      byDate.get(e.date).push(e);
    }
    const today = pacificToday();
    for (const date of [...byDate.keys()].sort()) {
      const list = byDate.get(date);
      const section = el("section", "day");
      section.dataset.testid = "day";
      section.dataset.date = date;
      const headingId = `day-${date}`;
      section.setAttribute("aria-labelledby", headingId);
      const heading = el("h2", "day-title");
      heading.id = headingId;
      const label = el("span", "day-label", formatDay(date, today));
      label.dataset.testid = "day-label";
      heading.append(label);
      const offset = daysBetween(today, date);
      if (offset === 0 || offset === 1) {
        heading.append(
          el("span", "badge", offset === 0 ? "Today" : "Tomorrow"),
        );
      }
      const count = el(
        "p",
        "day-count",
        `${list.length} ${list.length === 1 ? "truck" : "trucks"}`,
      );
      const head = el("div", "day-head");
      head.append(heading, count);
      const ul = el("ul", "events");
      for (const e of list) ul.append(renderEvent(e));
      section.append(head, ul);
      container.append(section);
    }
  }

  function renderUpdated(updated) {
    const node = byTestId("updated");
    const t = typeof updated === "string" ? new Date(updated) : null;
    node.replaceChildren();
    if (t && !Number.isNaN(t.getTime())) {
      // Some ICU versions put a narrow no-break space before AM/PM: normalize to a space.
      const clock = updatedTimeFormat.format(t).replace(/\s/g, " ");
      const time = el(
        "time",
        null,
        `${updatedDayFormat.format(t)} at ${clock} PT`,
      );
      time.dateTime = t.toISOString();
      node.append("Updated ", time);
    } else {
      node.append("Last update time unknown");
    }
    node.hidden = false;
  }

  function renderErrors(errors) {
    const list = byTestId("errors");
    list.replaceChildren();
    const messages = Array.isArray(errors)
      ? errors.filter((m) => typeof m === "string" && m.trim())
      : [];
    for (const m of messages) list.append(el("li", null, m));
    byTestId("errors-notice").hidden = messages.length === 0;
  }

  function renderHaiku(haiku) {
    const figure = byTestId("haiku");
    const text = str(haiku);
    if (!text || !text.trim()) {
      figure.hidden = true;
      return;
    }
    const quote = figure.querySelector("blockquote");
    quote.replaceChildren();
    text.trim().split(/\r?\n/).forEach((line, i) => {
      if (i > 0) quote.append(el("br"));
      quote.append(document.createTextNode(line));
    });
    figure.hidden = false;
  }

  function render(data) {
    const events = cleanEvents(data.events);
    renderUpdated(data.updated);
    renderErrors(data.errors);
    renderHaiku(data.haiku);
    renderDays(events);
    byTestId("empty").hidden = events.length > 0;
  }

  function showLoadError(detail) {
    const box = byTestId("load-error");
    box.querySelector(".load-error-detail").textContent = detail;
    box.hidden = false;
  }

  async function load() {
    const status = byTestId("loading");
    let data;
    try {
      let response;
      try {
        response = await fetch(DATA_URL, { cache: "no-store" });
      } catch {
        throw new Error(
          "The schedule file could not be reached. Check your connection.",
        );
      }
      if (!response.ok) {
        throw new Error(
          `The schedule file answered with HTTP status ${response.status}.`,
        );
      }
      const text = await response.text();
      try {
        data = JSON.parse(text);
      } catch {
        throw new Error("The schedule file is damaged (it is not valid JSON).");
      }
      if (!data || typeof data !== "object" || !Array.isArray(data.events)) {
        throw new Error("The schedule file is not in the expected format.");
      }
    } catch (err) {
      status.remove();
      showLoadError(err instanceof Error ? err.message : String(err));
      document.body.dataset.state = "error";
      return;
    }
    status.remove();
    render(data);
    document.body.dataset.state = "ready";
  }

  load();
})();
