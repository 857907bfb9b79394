// Around the Grounds: renders data.json (contract: docs/data-contract.md, schemaVersion 2) into
// the page: every day of the window, filters by venue and meal kept in the URL and on the
// device, a "now & next" view, calendar feed links, and freshness stamps.
// Plain browser JavaScript, no build step. All text from the data goes through textContent:
// never innerHTML.
"use strict";

(() => {
  const DATA_URL = "data.json";
  const SCHEMA_URL = "data.schema.json";
  const PACIFIC = "America/Los_Angeles";
  /** The schemaVersion this page understands (older unversioned files are read as version 1). */
  const SCHEMA_VERSION = 2;
  /** Lunch: a start before this Pacific hour; dinner: at or after it. */
  const DINNER_FROM_HOUR = 15;
  /** A truck without a posted end counts as "on now" for this long after its start. */
  const ASSUMED_HOURS_MS = 3 * 3600 * 1000;
  /** Stale threshold when data.json carries no stale_after_hours. */
  const DEFAULT_STALE_HOURS = 24;
  const STORAGE_KEY = "atg-filters";
  const MEALS = ["any", "lunch", "dinner"];
  const VIEWS = ["week", "now"];

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
    for (const p of pacificDayFormat.formatToParts(new Date(Date.now()))) {
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

  /** "example.com" for a URL: the link text shown instead of the raw address. */
  function linkLabel(url) {
    const host = url.hostname.replace(/^www\./, "");
    return host || url.href;
  }

  /** Appends text to a node, turning http(s) URLs into links labelled by their site. */
  function appendLinkified(node, text) {
    const urlPattern = /https?:\/\/[^\s<>"']+/g;
    let last = 0;
    for (const match of text.matchAll(urlPattern)) {
      const index = match.index ?? 0;
      const raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      let parsed = null;
      try {
        parsed = new URL(raw);
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:") parsed = null;
      } catch {
        parsed = null; // not a URL: stays plain text
      }
      if (!parsed) continue;
      node.append(document.createTextNode(text.slice(last, index)));
      const a = el("a", null, linkLabel(parsed));
      a.href = parsed.href;
      a.rel = "noopener noreferrer";
      a.dataset.testid = "description-link";
      node.append(a);
      last = index + raw.length;
    }
    node.append(document.createTextNode(text.slice(last)));
  }

  const str = (v) => (typeof v === "string" ? v : null);
  const isTbd = (vendor) => vendor.trim().toUpperCase() === "TBD";

  /** Milliseconds of an ISO instant, or null. */
  function instant(v) {
    const s = str(v);
    if (!s) return null;
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }

  /** The Pacific hour of an ISO instant written with the Pacific offset ("…T13:00:00-07:00"). */
  function pacificHour(iso) {
    const m = iso ? /T(\d{2}):/.exec(iso) : null;
    return m ? Number(m[1]) : null;
  }

  /** A venue key from the data, or a slug of the venue name for older files. */
  function keyOf(e) {
    const k = str(e.venue_key);
    if (k && /^[a-z0-9-]+$/.test(k)) return k;
    return (str(e.location) || "venue").toLowerCase().replace(/[^a-z0-9]+/g, "-");
  }

  /** Keeps the usable events of the data (a malformed entry is dropped, not fatal). */
  function cleanEvents(list) {
    const out = [];
    for (const e of list) {
      if (!e || typeof e !== "object") continue;
      const date = str(e.date);
      if (!date || !parseYmd(date)) continue;
      const startsAt = str(e.starts_at);
      const vendor = (str(e.vendor) || "").trim() || "TBD";
      out.push({
        date,
        vendor,
        tbd: isTbd(vendor),
        location: str(e.location) || "",
        venueKey: keyOf(e),
        start: str(e.start_time),
        end: str(e.end_time),
        startMs: instant(startsAt),
        endMs: instant(e.ends_at),
        hour: pacificHour(startsAt),
        description: str(e.description),
        aiExtracted: e.ai_extracted === true,
      });
    }
    return out;
  }

  /** Every YYYY-MM-DD from a to b inclusive (at most 31 days), or []. */
  function daysOf(a, b) {
    const n = daysBetween(a, b);
    if (!(n >= 0) || n > 31) return [];
    const p = parseYmd(a);
    const out = [];
    for (let i = 0; i <= n; i++) {
      out.push(new Date(Date.UTC(p.y, p.m - 1, p.d + i)).toISOString().slice(0, 10));
    }
    return out;
  }

  /** The search the original tracker opened for a truck. */
  function searchUrl(vendor) {
    return `https://www.google.com/search?q=${encodeURIComponent(`${vendor} food truck seattle`)}`;
  }

  function renderEvent(e, withDay) {
    const li = el("li", "event");
    li.dataset.testid = "event";
    li.dataset.venue = e.venueKey;
    if (e.tbd) li.classList.add("event-tbd");
    const hoursText = formatHours(e.start, e.end);
    const hours = el(
      "p",
      "hours",
      withDay ? `${formatDay(e.date, pacificToday())} · ${hoursText}` : hoursText,
    );
    hours.dataset.testid = "hours";
    if (!e.start && !e.end) hours.classList.add("hours-unknown");
    const body = el("div", "event-body");
    const vendor = el("h3", "vendor");
    vendor.dataset.testid = "vendor";
    if (e.tbd) {
      const tbd = el("span", "badge tbd-badge", "TBD");
      tbd.dataset.testid = "tbd";
      vendor.append(tbd, " ", el("span", "tbd-text", "Truck not announced yet"));
    } else {
      const a = el("a", "vendor-link", e.vendor);
      a.href = searchUrl(e.vendor);
      a.rel = "noopener noreferrer";
      a.dataset.testid = "vendor-link";
      vendor.append(a);
    }
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

  function truckCount(n) {
    return `${n} ${n === 1 ? "truck" : "trucks"}`;
  }

  /** "3 trucks", "3 trucks + 1 to be announced", "No trucks posted". */
  function dayCount(list) {
    const named = list.filter((e) => !e.tbd).length;
    const tbd = list.length - named;
    if (list.length === 0) return "No trucks posted";
    return tbd ? `${truckCount(named)} + ${tbd} to be announced` : truckCount(named);
  }

  // ---- filters, kept in the URL and on the device ----

  function readState(venues) {
    const fromUrl = new URLSearchParams(location.search);
    let raw = {};
    if (["venue", "meal", "view"].some((k) => fromUrl.has(k))) {
      raw = Object.fromEntries(fromUrl);
    } else {
      try {
        raw = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}") || {};
      } catch {
        raw = {}; // storage blocked or damaged: defaults
      }
    }
    return {
      venue: venues.has(raw.venue) ? raw.venue : "all",
      meal: MEALS.includes(raw.meal) ? raw.meal : "any",
      view: VIEWS.includes(raw.view) ? raw.view : "week",
    };
  }

  function saveState(state) {
    const params = new URLSearchParams(location.search);
    for (const [k, def] of [["venue", "all"], ["meal", "any"], ["view", "week"]]) {
      if (state[k] === def) params.delete(k);
      else params.set(k, state[k]);
    }
    const query = params.toString();
    history.replaceState(
      null,
      "",
      `${location.pathname}${query ? `?${query}` : ""}${location.hash}`,
    );
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch {
      // storage blocked (private mode): the URL still carries the state
    }
  }

  function matches(e, state) {
    if (state.venue !== "all" && e.venueKey !== state.venue) return false;
    if (state.meal === "any" || e.hour === null) return true; // unknown hours stay visible
    return state.meal === "lunch" ? e.hour < DINNER_FROM_HOUR : e.hour >= DINNER_FROM_HOUR;
  }

  function renderDays(events, days, state) {
    const container = byTestId("days");
    container.replaceChildren();
    container.hidden = state.view !== "week";
    const today = pacificToday();
    for (const date of days) {
      const list = events.filter((e) => e.date === date && matches(e, state));
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
        heading.append(el("span", "badge", offset === 0 ? "Today" : "Tomorrow"));
      }
      const count = el("p", "day-count", dayCount(list));
      count.dataset.testid = "day-count";
      const head = el("div", "day-head");
      head.append(heading, count);
      section.append(head);
      if (list.length === 0) {
        section.classList.add("day-empty");
        const none = el("p", "none", "No trucks posted for this day.");
        none.dataset.testid = "no-trucks";
        section.append(none);
      } else {
        const ul = el("ul", "events");
        for (const e of list) ul.append(renderEvent(e, false));
        section.append(ul);
      }
      container.append(section);
    }
  }

  function renderNowNext(events, state) {
    const box = byTestId("now-next");
    box.hidden = state.view !== "now";
    if (box.hidden) return;
    const now = Date.now();
    const clock = updatedTimeFormat.format(new Date(now)).replace(/\s/g, " ");
    byTestId("now-clock").textContent = `It is ${
      updatedDayFormat.format(new Date(now))
    }, ${clock} in Seattle.`;
    const list = events.filter((e) => matches(e, state) && e.startMs !== null);
    const onNow = list.filter((e) => {
      const end = e.endMs ?? e.startMs + ASSUMED_HOURS_MS;
      return e.startMs <= now && now < end;
    });
    const next = list.filter((e) => e.startMs > now).sort((a, b) => a.startMs - b.startMs)
      .slice(0, 6);
    const fill = (id, items) => {
      const ul = byTestId(id);
      ul.replaceChildren(...items.map((e) => renderEvent(e, true)));
      byTestId(`${id}-none`).hidden = items.length > 0;
    };
    fill("on-now", onNow);
    fill("up-next", next);
  }

  function renderSummary(events, state) {
    const named = events.filter((e) => !e.tbd);
    const shown = named.filter((e) => matches(e, state)).length;
    const node = byTestId("summary");
    const places = new Set(named.map((e) => e.venueKey)).size;
    const where = `${places} ${places === 1 ? "venue" : "venues"}`;
    node.textContent = shown === named.length
      ? `${truckCount(named.length)} this week at ${where}.`
      : `Showing ${shown} of ${truckCount(named.length)} this week at ${where}.`;
    node.hidden = false;
  }

  function setupFilters(events, venues, days) {
    const form = byTestId("filters");
    const venueSelect = byTestId("filter-venue");
    for (const [key, name] of [...venues].sort((a, b) => a[1].localeCompare(b[1]))) {
      const option = el("option", null, name);
      option.value = key;
      venueSelect.append(option);
    }
    const state = readState(venues);
    const apply = () => {
      renderDays(events, days, state);
      renderNowNext(events, state);
      renderSummary(events, state);
    };
    const sync = () => {
      venueSelect.value = state.venue;
      byTestId("filter-meal").value = state.meal;
      for (const r of form.querySelectorAll("input[name=view]")) r.checked = r.value === state.view;
    };
    form.addEventListener("change", () => {
      state.venue = venueSelect.value;
      state.meal = byTestId("filter-meal").value;
      state.view = form.querySelector("input[name=view]:checked")?.value ?? "week";
      saveState(state);
      apply();
    });
    form.addEventListener("submit", (ev) => ev.preventDefault());
    sync();
    form.hidden = false;
    apply();
  }

  // ---- stamps, feeds, notices ----

  function formatStamp(t) {
    // Some ICU versions put a narrow no-break space before AM/PM: normalize to a space.
    const clock = updatedTimeFormat.format(t).replace(/\s/g, " ");
    return `${updatedDayFormat.format(t)} at ${clock} PT`;
  }

  function timeNode(t) {
    const time = el("time", null, formatStamp(t));
    time.dateTime = t.toISOString();
    return time;
  }

  function validDate(v) {
    const t = typeof v === "string" ? new Date(v) : null;
    return t && !Number.isNaN(t.getTime()) ? t : null;
  }

  function renderUpdated(data) {
    const node = byTestId("updated");
    const checked = validDate(data.checked) ?? validDate(data.updated);
    const changed = validDate(data.updated);
    node.replaceChildren();
    if (checked) {
      const span = el("span", "stamp");
      span.dataset.testid = "checked";
      span.append("Checked ", timeNode(checked));
      node.append(span);
      if (changed && data.checked !== undefined) {
        const c = el("span", "stamp");
        c.dataset.testid = "changed";
        c.append("Last changed ", timeNode(changed));
        node.append(" · ", c);
      }
    } else {
      node.append("Last update time unknown");
    }
    node.hidden = false;
    const hours = typeof data.stale_after_hours === "number" && data.stale_after_hours > 0
      ? data.stale_after_hours
      : DEFAULT_STALE_HOURS;
    const stale = byTestId("stale");
    const age = checked ? Date.now() - checked.getTime() : Infinity;
    stale.hidden = age <= hours * 3600 * 1000;
    if (!stale.hidden) {
      stale.querySelector(".stale-detail").textContent = checked
        ? `The schedules were last checked ${formatStamp(checked)}, more than ${hours} hours ` +
          "ago: the tracker may be down. Check with the venues before you go."
        : "The time of the last check is unknown. Check with the venues before you go.";
    }
  }

  function renderFeeds(venues) {
    const list = byTestId("feed-links");
    list.replaceChildren();
    const add = (href, text) => {
      const li = el("li");
      const a = el("a", null, text);
      a.href = href;
      a.type = "text/calendar";
      a.dataset.testid = "feed-link";
      li.append(a);
      list.append(li);
    };
    add("calendar.ics", "All venues");
    for (const [key, name] of [...venues].sort((a, b) => a[1].localeCompare(b[1]))) {
      add(`calendar-${key}.ics`, name);
    }
    byTestId("feeds").hidden = false;
  }

  function renderVenueStatus(list) {
    const ul = byTestId("venue-status-list");
    ul.replaceChildren();
    for (const v of Array.isArray(list) ? list : []) {
      if (!v || typeof v !== "object" || !str(v.name)) continue;
      const li = el("li");
      li.dataset.testid = "venue-status-item";
      li.append(el("strong", null, v.name), ": ");
      const checked = validDate(v.checked);
      const changed = validDate(v.changed);
      if (v.ok === false) {
        li.append(el("span", "status-bad", "could not be read on the last check"));
      }
      if (checked) li.append(v.ok === false ? "; last read " : "checked ", timeNode(checked));
      if (changed) li.append(", schedule last changed ", timeNode(changed));
      if (!checked && v.ok !== false) li.append("not checked yet");
      ul.append(li);
    }
    byTestId("venue-status").hidden = ul.children.length === 0;
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

  /** The window's days: `window` when present, else the days that have events. */
  function windowDays(data, events) {
    const w = data.window && typeof data.window === "object" ? data.window : null;
    const from = w && str(w.from) && parseYmd(w.from) ? w.from : null;
    const to = w && str(w.to) && parseYmd(w.to) ? w.to : null;
    const days = from && to ? daysOf(from, to) : [];
    const extra = events.map((e) => e.date).filter((d) => !days.includes(d));
    return [...new Set([...days, ...extra])].sort();
  }

  function render(data) {
    const events = cleanEvents(data.events);
    const venues = new Map();
    for (const v of Array.isArray(data.venues) ? data.venues : []) {
      if (v && str(v.key) && /^[a-z0-9-]+$/.test(v.key) && str(v.name)) venues.set(v.key, v.name);
    }
    for (const e of events) if (!venues.has(e.venueKey)) venues.set(e.venueKey, e.location);
    renderUpdated(data);
    renderErrors(data.errors);
    renderHaiku(data.haiku);
    byTestId("ai-legend").hidden = !events.some((e) => e.aiExtracted);
    const days = windowDays(data, events);
    byTestId("empty").hidden = events.length > 0;
    if (days.length > 0) setupFilters(events, venues, days);
    renderFeeds(venues);
    renderVenueStatus(data.venues);
  }

  function showLoadError(detail) {
    const box = byTestId("load-error");
    box.querySelector(".load-error-detail").textContent = detail;
    box.hidden = false;
  }

  // ---- validation against the published JSON Schema (data.schema.json) ----

  /** Whether `value` has JSON Schema type `type`. */
  function hasType(type, value) {
    if (type === "object") return !!value && typeof value === "object" && !Array.isArray(value);
    if (type === "array") return Array.isArray(value);
    if (type === "integer") return Number.isInteger(value);
    if (type === "null") return value === null;
    if (type === "string") return typeof value === "string";
    if (type === "number") return typeof value === "number" && Number.isFinite(value);
    if (type === "boolean") return typeof value === "boolean";
    return false; // a type this page does not know: treat as a mismatch
  }

  /**
   * Checks `value` against the subset of JSON Schema that data.schema.json uses (type, const,
   * anyOf, required, properties, items, pattern, minLength, minimum, exclusiveMinimum) and
   * appends one line per problem to `errors`.
   */
  function check(schema, value, path, errors) {
    if (!schema || typeof schema !== "object" || errors.length > 20) return;
    if ("const" in schema && value !== schema.const) {
      errors.push(`${path} must be ${JSON.stringify(schema.const)}`);
      return;
    }
    if (Array.isArray(schema.anyOf)) {
      const fits = schema.anyOf.some((s) => {
        const e = [];
        check(s, value, path, e);
        return e.length === 0;
      });
      if (!fits) errors.push(`${path} has an unexpected value`);
      return;
    }
    if (schema.type && !hasType(schema.type, value)) {
      errors.push(`${path} must be ${schema.type}`);
      return;
    }
    if (typeof value === "string") {
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
        errors.push(`${path} has an unexpected form`);
      }
      if (typeof schema.minLength === "number" && value.length < schema.minLength) {
        errors.push(`${path} is too short`);
      }
    }
    if (typeof value === "number") {
      if (typeof schema.minimum === "number" && value < schema.minimum) {
        errors.push(`${path} is too small`);
      }
      if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) {
        errors.push(`${path} is too small`);
      }
    }
    if (Array.isArray(value) && schema.items) {
      value.forEach((v, i) => check(schema.items, v, `${path}/${i}`, errors));
    }
    if (hasType("object", value)) {
      for (const k of Array.isArray(schema.required) ? schema.required : []) {
        if (!(k in value)) errors.push(`${path}/${k} is missing`);
      }
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if (k in value) check(s, value[k], `${path}/${k}`, errors);
      }
    }
  }

  /**
   * Validates a version-2 file against the schema: events that do not match are dropped (and
   * counted in a notice); problems elsewhere are logged to the console. Without the schema (not
   * reachable) the page relies on its own checks alone.
   */
  function applySchema(data, schema) {
    if (!schema || data.schemaVersion !== SCHEMA_VERSION) return data;
    const eventSchema = schema.properties?.events?.items;
    const kept = [];
    let dropped = 0;
    for (const e of data.events) {
      const errors = [];
      check(eventSchema, e, "/events/*", errors);
      if (errors.length) {
        dropped++;
        console.warn(`data.json: skipped an event: ${errors[0]}`);
      } else kept.push(e);
    }
    const rest = [];
    check(schema, { ...data, events: [] }, "", rest);
    for (const line of rest) console.warn(`data.json: ${line}`);
    const notice = byTestId("invalid-notice");
    notice.textContent = dropped
      ? `${dropped} ${dropped === 1 ? "entry" : "entries"} of the schedule file did not match ` +
        "its format and are not shown."
      : "";
    notice.hidden = dropped === 0;
    return { ...data, events: kept };
  }

  async function loadSchema() {
    try {
      const response = await fetch(SCHEMA_URL, { cache: "no-store" });
      return response.ok ? await response.json() : null;
    } catch {
      return null; // the page's own checks still apply
    }
  }

  async function load() {
    const schemaPromise = loadSchema();
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
      const version = data.schemaVersion === undefined ? 1 : data.schemaVersion;
      if (typeof version !== "number" || version > SCHEMA_VERSION) {
        throw new Error(
          `The schedule file is in a newer format (${version}): reload the page to update it.`,
        );
      }
    } catch (err) {
      status.remove();
      showLoadError(err instanceof Error ? err.message : String(err));
      document.body.dataset.state = "error";
      return;
    }
    data = applySchema(data, await schemaPromise);
    status.remove();
    render(data);
    document.body.dataset.state = "ready";
  }

  load();
})();
