// The minimal activity of the Node/Deno comparison (bench/workers.ts).

/** Returns a greeting. */
export function greet(name) {
  return Promise.resolve(`Hello, ${name}!`);
}
