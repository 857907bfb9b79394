/**
 * One line per failed venue — the venue, the class of error and what to do — and a closing
 * hint when every venue failed on the network. Used by the result report of `scrape`, `start`
 * and `dev`; the technical detail stays for `--verbose`.
 *
 * @example
 * ```ts
 * import { allFailedOnNetwork, venueErrorLine } from "./hints.ts";
 * const e = {
 *   venueKey: "obec-brewing",
 *   venueName: "Obec Brewing",
 *   message: "Could not read the schedule of Obec Brewing",
 *   detail: "HttpStatusError: HTTP 500 from https://obecbrewing.com/",
 * };
 * venueErrorLine(e); // "✗ Could not read the schedule of Obec Brewing: HTTP 500 — the site had an error; try again later"
 * allFailedOnNetwork({ events: [], errors: [e] }); // false: that was the site, not the network
 * ```
 * @module
 */
import type { FoodTruckWorkflowResult, VenueError } from "../core/model.ts";

/** What went wrong with a venue, in two words, and the hint that goes with it. */
export interface VenueErrorClass {
  /** `network error`, `timed out`, `HTTP 503`, `page changed`, `error`. */
  label: string;
  hint: string;
  /** The venue could not be reached at all (no answer): the network, not the site. */
  network: boolean;
}

/** One row of {@link VENUE_ERROR_CLASSES}: the `detail` it matches, and its class. */
interface VenueErrorRule extends VenueErrorClass {
  detail: RegExp;
}

/**
 * The classes by `detail` (`<ErrorName>: <first line>`), first match wins; HTTP status errors
 * are classed by {@link httpStatusClass}, anything else is `error`.
 */
const VENUE_ERROR_CLASSES: readonly VenueErrorRule[] = [
  {
    detail: /^HttpNetworkError: no answer within/,
    label: "timed out",
    hint: "the site did not answer in time; try again later",
    network: true,
  },
  {
    detail: /^HttpNetworkError/,
    label: "network error",
    hint: "the site could not be reached; check the internet connection",
    network: true,
  },
  {
    detail: /^HttpRefusedError: refused: body larger/,
    label: "page too large",
    hint: "the answer is larger than VENUE_MAX_BODY_BYTES allows",
    network: false,
  },
  {
    detail: /^HttpRefusedError/,
    label: "refused",
    hint: "the URL or a redirect leads to a non-http(s) or internal address " +
      "(VENUE_ALLOW_PRIVATE_NETWORKS allows internal ones)",
    network: false,
  },
  {
    detail: /^VenueInputError/,
    label: "bad venue entry",
    hint: "the venue's URL or a URL option is not http(s); fix the venue list",
    network: false,
  },
  {
    detail: /^ParseError/,
    label: "page changed",
    hint: "the page no longer looks as its parser expects; the parser needs an update",
    network: false,
  },
];

/** `HTTP <status>`: a server error or 429 is worth a retry later, any other is the URL. */
function httpStatusClass(status: string): VenueErrorClass {
  const n = Number(status);
  return {
    label: `HTTP ${status}`,
    hint: n >= 500 || n === 429
      ? "the site had an error; try again later"
      : "the site refused the request or moved the page; check the venue's URL",
    network: false,
  };
}

/** Classifies a {@link VenueError} from its `detail` (`<ErrorName>: <first line>`). */
export function classifyVenueError(e: Pick<VenueError, "detail">): VenueErrorClass {
  const status = /^HttpStatusError: HTTP (\d{3})/.exec(e.detail)?.[1];
  if (status) return httpStatusClass(status);
  const rule = VENUE_ERROR_CLASSES.find((r) => r.detail.test(e.detail));
  if (rule) return { label: rule.label, hint: rule.hint, network: rule.network };
  return { label: "error", hint: "run with --verbose for the details", network: false };
}

/** `✗ <message>: <class> — <hint>`, plus ` (<detail>)` when `verbose`. */
export function venueErrorLine(e: VenueError, verbose = false): string {
  const c = classifyVenueError(e);
  return `✗ ${e.message}: ${c.label} — ${c.hint}${verbose ? ` (${e.detail})` : ""}`;
}

/** True when nothing was found and every venue failed for want of a network answer. */
export function allFailedOnNetwork(r: Pick<FoodTruckWorkflowResult, "events" | "errors">): boolean {
  return r.events.length === 0 && r.errors.length > 0 &&
    r.errors.every((e) => classifyVenueError(e).network);
}

/** The closing hint for {@link allFailedOnNetwork}; `offline` names the command to try. */
export function offlineHint(offline = "--offline"): string {
  return `every venue failed on the network: no internet here? Try ${offline} to run with the bundled fixtures.`;
}
