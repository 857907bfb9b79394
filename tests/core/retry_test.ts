import assert from "node:assert/strict";
import { retrying } from "../../src/core/retry.ts";

const taken = () => new Error("address already in use");
const isTaken = (e: unknown) => e instanceof Error && /already in use/.test(e.message);

Deno.test("retrying: a retryable failure is tried again, up to the number of attempts", async () => {
  let tries = 0;
  assert.equal(
    await retrying(3, () => ++tries < 3 ? Promise.reject(taken()) : Promise.resolve("up"), isTaken),
    "up",
  );
  assert.equal(tries, 3);
  tries = 0;
  await assert.rejects(
    retrying(3, () => (tries++, Promise.reject(taken())), isTaken),
    /already in use/,
  );
  assert.equal(tries, 3);
});

Deno.test("retrying: any other failure is thrown at once", async () => {
  let tries = 0;
  await assert.rejects(
    retrying(3, () => (tries++, Promise.reject(new Error("no CLI"))), isTaken),
    /no CLI/,
  );
  assert.equal(tries, 1);
});
