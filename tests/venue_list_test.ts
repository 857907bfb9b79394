import assert from "node:assert/strict";
import {
  DEFAULT_VENUES_PATH,
  loadVenueList,
  validateVenueList,
  VenueListError,
} from "../src/venues/list.ts";
import { VENUE_KEYS } from "../src/venues/registry.ts";

const good = { key: "stoup-ballard", name: "Stoup", url: "https://example.com/ballard/" };

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "atg-venues-" });
  try {
    await Deno.writeTextFile(`${dir}/venues.json`, text);
    await fn(`${dir}/venues.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The VenueListError thrown by `fn`, split into lines. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof VenueListError, String(err));
    assert.equal(err.name, "VenueListError");
    return err.message.split("\n");
  }
  assert.fail("expected a VenueListError");
}

async function loadProblems(path: string): Promise<string[]> {
  try {
    await loadVenueList(path);
  } catch (err) {
    assert.ok(err instanceof VenueListError, String(err));
    return err.message.split("\n");
  }
  assert.fail("expected a VenueListError");
}

Deno.test("venue list: the shipped list loads with the seven registered venues", async () => {
  const venues = await loadVenueList();
  assert.deepEqual(venues.map((v) => v.key).sort(), [...VENUE_KEYS].sort());
  assert.equal(venues.length, 7);
  for (const v of venues) {
    assert.equal(new URL(v.url).protocol, "https:", v.key);
    assert.ok(v.name.trim() !== "", v.key);
  }
  assert.deepEqual(await loadVenueList(DEFAULT_VENUES_PATH), venues);
});

Deno.test("venue list: a missing file is one line naming the path and --venues", async () => {
  const lines = await loadProblems("/nope/venues.json");
  assert.deepEqual(lines, [
    "venue list /nope/venues.json: file not found (pass an existing file with --venues)",
  ]);
});

Deno.test("venue list: a directory is reported as such", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atg-venues-" });
  try {
    const [line] = await loadProblems(dir);
    assert.match(line, /it is a directory/);
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("venue list: a file that is not JSON is reported with its path", async () => {
  await withFile("{ venues: [", async (path) => {
    const lines = await loadProblems(path);
    assert.equal(lines.length, 1);
    assert.ok(lines[0].startsWith(`venue list ${path}: not valid JSON (`), lines[0]);
  });
});

Deno.test("venue list: JSON without a venues array is rejected", () => {
  for (const data of [{}, { venues: {} }, [], null, "x", { Venues: [good] }]) {
    assert.deepEqual(problems(() => validateVenueList(data, "list.json")), [
      'list.json: expected an object with a "venues" array',
    ], JSON.stringify(data));
  }
});

Deno.test("venue list: an empty venues array is rejected", () => {
  assert.deepEqual(problems(() => validateVenueList({ venues: [] }, "list.json")), [
    'list.json: the "venues" array is empty',
  ]);
});

Deno.test("venue list: an unknown key is rejected and the message lists the known keys", () => {
  const [line, ...rest] = problems(() =>
    validateVenueList({ venues: [{ ...good, key: "stoup-fremont" }] }, "list.json")
  );
  assert.deepEqual(rest, []);
  assert.match(line, /^list\.json: venues\[0\]: unknown venue key "stoup-fremont" \(known: /);
  for (const key of VENUE_KEYS) assert.ok(line.includes(key), `${key} missing from: ${line}`);
});

Deno.test("venue list: each missing or empty field is named", () => {
  const lines = problems(() =>
    validateVenueList({ venues: [{ key: "stoup-ballard", name: " " }] }, "list.json")
  );
  assert.deepEqual(lines, [
    'list.json: venues[0] is missing the "name" field (a non-empty string)',
    'list.json: venues[0] is missing the "url" field (a non-empty string)',
  ]);
});

Deno.test("venue list: a URL that is not http(s) is rejected (ftp:, not a URL)", () => {
  for (const url of ["ftp://example.com/list", "not a url", "example.com/ballard"]) {
    assert.deepEqual(problems(() => validateVenueList({ venues: [{ ...good, url }] }, "l")), [
      `l: venues[0]: "${url}" is not an http(s) URL`,
    ]);
  }
  assert.equal(
    validateVenueList({ venues: [{ ...good, url: "http://127.0.0.1:8080/x" }] }, "l")[0].url,
    "http://127.0.0.1:8080/x",
  );
});

Deno.test("venue list: a key listed twice is rejected", () => {
  assert.deepEqual(problems(() => validateVenueList({ venues: [good, good] }, "l")), [
    'l: venues[1]: venue key "stoup-ballard" is listed twice',
  ]);
});

Deno.test("venue list: options must be an object", () => {
  assert.deepEqual(
    problems(() => validateVenueList({ venues: [{ ...good, options: [1] }] }, "l")),
    ['l: venues[0]: "options" must be an object'],
  );
  const [v] = validateVenueList({ venues: [{ ...good, options: { a: 1 } }] }, "l");
  assert.deepEqual(v.options, { a: 1 });
});

Deno.test("venue list: every problem of every entry is reported at once", async () => {
  const data = {
    venues: [
      good,
      { key: "nope", name: "Nope", url: "ftp://x" },
      { name: "No key", url: "https://example.com/" },
      good,
      42,
    ],
  };
  await withFile(JSON.stringify(data), async (path) => {
    const lines = await loadProblems(path);
    const at = `venue list ${path}: venues`;
    assert.deepEqual(lines, [
      `${at}[1]: unknown venue key "nope" (known: ${VENUE_KEYS.join(", ")})`,
      `${at}[1]: "ftp://x" is not an http(s) URL`,
      `${at}[2] is missing the "key" field (a non-empty string)`,
      `${at}[3]: venue key "stoup-ballard" is listed twice`,
      `${at}[4] is not an object`,
    ]);
  });
});

Deno.test("venue list: a valid file loads its entries as written", async () => {
  const data = {
    venues: [
      good,
      { key: "wheelie-pop", name: "WP", url: "https://x.test/", options: { calendarId: "c" } },
    ],
  };
  await withFile(JSON.stringify(data), async (path) => {
    assert.deepEqual(await loadVenueList(path), data.venues);
  });
});
