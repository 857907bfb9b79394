import assert from "node:assert/strict";
import { htmlShape, loadHtml, MAX_HTML_DEPTH, MAX_HTML_ELEMENTS } from "../../src/venues/html.ts";
import { ParseError } from "../../src/net/http.ts";

Deno.test("loadHtml: 100,000 nested <div>s are refused by the scan, not parsed", () => {
  const n = 100_000;
  const page = "<html><body>" + "<div>".repeat(n) + "x" + "</div>".repeat(n) + "</body></html>";
  assert.throws(
    () => loadHtml(page),
    (e: Error) => e instanceof ParseError && /more than 256 deep; not parsed/.test(e.message),
  );
});

Deno.test("loadHtml: too many elements are refused; ordinary pages load", () => {
  const flat = "<span>a</span>".repeat(MAX_HTML_ELEMENTS + 1);
  assert.throws(() => loadHtml(flat), /more than 50000 elements/);
  const $ = loadHtml("<ul><li>one<li>two</ul><p>para<p>graph<br><img src=x>");
  assert.equal($("li").length, 2);
});

Deno.test("htmlShape: void, self-closing and optional-end elements do not nest; scripts are skipped", () => {
  assert.deepEqual(htmlShape("<div><br><img><p>a<p>b<li>c<x/></div>"), { depth: 1, elements: 7 });
  assert.equal(htmlShape("<script>" + "<div>".repeat(1000) + "</SCRIPT><div></div>").depth, 1);
  assert.equal(htmlShape("<!--" + "<div>".repeat(1000) + "--><b></b>").depth, 1);
  assert.equal(htmlShape("<div>".repeat(MAX_HTML_DEPTH)).depth, MAX_HTML_DEPTH);
  // Unterminated tags end the scan instead of looping.
  assert.deepEqual(htmlShape("<div><a href='x"), { depth: 1, elements: 1 });
});
