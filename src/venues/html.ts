/**
 * Bounded HTML parsing for the venue parsers. cheerio's parser does work that grows with the
 * number of elements times their nesting depth: ~1 MB of 100,000 nested `<div>`s blocks the
 * event loop for about a minute, starving every other venue. {@link loadHtml} first scans the
 * text once (linear, no regular expression backtracking) and refuses a page nesting elements
 * deeper than {@link MAX_HTML_DEPTH} or holding more than {@link MAX_HTML_ELEMENTS} start tags,
 * with a `ParseError`; the body itself is already capped by the HTTP client (5 MiB default).
 *
 * @example
 * ```ts
 * import { loadHtml } from "./html.ts";
 * const $ = loadHtml("<div class=day>Thu 03.05</div>");
 * ```
 * @module
 */
import * as cheerio from "cheerio";
import { ParseError } from "../net/http.ts";

/** Deepest element nesting accepted (real venue pages stay under 50). */
export const MAX_HTML_DEPTH = 256;
/** Most start tags accepted in one page (real venue pages hold a few thousand). */
export const MAX_HTML_ELEMENTS = 50_000;

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
  "param",
  "keygen",
  "frame",
  "basefont",
  "bgsound",
]);
/** Elements whose end tag may be omitted: the parser closes them itself, so they do not nest. */
const OPTIONAL_END = new Set([
  "p",
  "li",
  "dt",
  "dd",
  "tr",
  "td",
  "th",
  "option",
  "optgroup",
  "thead",
  "tbody",
  "tfoot",
  "colgroup",
  "caption",
  "rp",
  "rt",
  "rb",
  "rtc",
  "html",
  "head",
  "body",
]);
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript"]);

/** True for the characters of a tag name: ASCII letters, digits and `-`. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45;
}

/**
 * Depth and element count of `html` as a quick tag scan sees them (an upper-bound estimate).
 * The scan stops as soon as the depth passes `stopDepth` or the count passes `stopElements`
 * (default: never), so a hostile page costs only what it takes to see it is one.
 */
export function htmlShape(
  html: string,
  stopDepth = Infinity,
  stopElements = Infinity,
): { depth: number; elements: number } {
  let depth = 0, maxDepth = 0, elements = 0;
  let i = 0;
  while (maxDepth <= stopDepth && elements <= stopElements) {
    const lt = html.indexOf("<", i);
    if (lt < 0 || lt + 1 >= html.length) break;
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    const closing = html.charCodeAt(lt + 1) === 47; // "/"
    let j = lt + (closing ? 2 : 1);
    const nameStart = j;
    while (j < html.length && isNameChar(html.charCodeAt(j))) j++;
    if (j === nameStart) {
      i = lt + 1;
      continue;
    }
    const name = html.slice(nameStart, j).toLowerCase();
    const gt = html.indexOf(">", j);
    if (gt < 0) break;
    i = gt + 1;
    if (closing) {
      if (!VOID.has(name) && !OPTIONAL_END.has(name) && depth > 0) depth--;
      continue;
    }
    elements++;
    if (RAW_TEXT.has(name)) {
      const end = findEndTag(html, name, i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (VOID.has(name) || OPTIONAL_END.has(name) || html.charCodeAt(gt - 1) === 47) continue;
    depth++;
    if (depth > maxDepth) maxDepth = depth;
  }
  return { depth: maxDepth, elements };
}

/** Index of the next `</name` (any case) from `from`, or -1. */
function findEndTag(html: string, name: string, from: number): number {
  for (let at = html.indexOf("</", from); at >= 0; at = html.indexOf("</", at + 2)) {
    if (html.slice(at + 2, at + 2 + name.length).toLowerCase() === name) return at;
  }
  return -1;
}

/**
 * `cheerio.load(html)` after the bounds check.
 *
 * @throws ParseError when the page nests deeper than {@link MAX_HTML_DEPTH} or holds more than
 *   {@link MAX_HTML_ELEMENTS} elements (a hostile or broken page: parsing it would stall).
 */
export function loadHtml(html: string): cheerio.CheerioAPI {
  const { depth, elements } = htmlShape(html, MAX_HTML_DEPTH, MAX_HTML_ELEMENTS);
  if (depth > MAX_HTML_DEPTH) {
    throw new ParseError(
      `the page nests elements more than ${MAX_HTML_DEPTH} deep; not parsed`,
    );
  }
  if (elements > MAX_HTML_ELEMENTS) {
    throw new ParseError(`the page has more than ${MAX_HTML_ELEMENTS} elements; not parsed`);
  }
  return cheerio.load(html);
}
