// The minimal activity of the Node/Deno comparison (bench/minimal/README.md).

/** Returns a greeting. */
export function greet(name) {
  return Promise.resolve(`Hello, ${name}!`);
}
