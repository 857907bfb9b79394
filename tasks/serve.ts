/**
 * Serves a built site folder on this machine for a look in a browser.
 *
 * @example
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read tasks/serve.ts --dir public --port 8000
 * ```
 * Options: `--dir` (default `public`), `--port` (default 8000), `--host` (default 127.0.0.1).
 * @module
 */
import { parseArgs } from "node:util";
import { serveDir } from "../src/web/serve.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    dir: { type: "string", default: "public" },
    port: { type: "string", default: "8000" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    `--port must be an integer from 0 to 65535, not "${values.port}"`,
  );
  Deno.exit(2);
}
try {
  if (!(await Deno.stat(values.dir)).isDirectory) {
    throw new Error("not a folder");
  }
} catch {
  console.error(`--dir "${values.dir}" is not a folder; build the site first`);
  Deno.exit(2);
}
const server = serveDir(values.dir, { port, hostname: values.host });
console.log(`Serving ${values.dir} at ${server.url} (Ctrl-C to stop)`);
Deno.addSignalListener("SIGINT", async () => {
  await server.close();
  Deno.exit(0);
});
