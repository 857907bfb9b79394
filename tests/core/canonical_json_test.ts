import assert from "node:assert/strict";
import { canonicalJson } from "../../src/core/canonical_json.ts";

Deno.test("canonicalJson: key order is ignored, at the top and nested", () => {
  const a = { b: 1, a: { y: "y", x: { q: true, p: null } } };
  const b = { a: { x: { p: null, q: true }, y: "y" }, b: 1 };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(canonicalJson(a), '{"a":{"x":{"p":null,"q":true},"y":"y"},"b":1}');
});

Deno.test("canonicalJson: arrays keep their order; objects inside arrays are sorted", () => {
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  assert.equal(
    canonicalJson([{ b: 2, a: 1 }, [{ d: 0, c: 0 }]]),
    '[{"a":1,"b":2},[{"c":0,"d":0}]]',
  );
});

Deno.test("canonicalJson: values still count, and JSON.stringify's rules hold", () => {
  assert.notEqual(canonicalJson({ a: { b: 1 } }), canonicalJson({ a: { b: 2 } }));
  assert.notEqual(canonicalJson({ a: 1 }), canonicalJson({ a: 1, b: 0 }));
  // undefined members are dropped (equal to absent); undefined in an array is null.
  assert.equal(canonicalJson({ a: 1, b: undefined }), canonicalJson({ a: 1 }));
  assert.equal(canonicalJson([undefined]), "[null]");
  assert.equal(canonicalJson("s"), '"s"');
  assert.equal(canonicalJson(null), "null");
});

Deno.test("canonicalJson: a parsed __proto__ key stays an ordinary member", () => {
  const parsed = JSON.parse('{"z":1,"__proto__":{"a":1}}');
  assert.equal(canonicalJson(parsed), '{"__proto__":{"a":1},"z":1}');
  assert.notEqual(canonicalJson(parsed), canonicalJson(JSON.parse('{"z":1}')));
});
