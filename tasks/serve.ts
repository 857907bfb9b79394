/**
 * `deno task serve`: serves a written preview folder on this machine for a look in a browser.
 * Exit codes: 0 stopped with Ctrl-C, 1 bad flag, 2 no such folder or the port is taken.
 *
 * @example
 * ```sh
 * deno task scrape --offline --preview   # writes public/
 * deno task serve                        # http://127.0.0.1:8000/
 * deno task serve --dir /tmp/site --port 8080
 * ```
 * @module
 */
import { FatalError, main, parseFlags, UsageError } from "../src/cli/main.ts";
import { userPath } from "../src/cli/flags.ts";
import { serveDir } from "../src/publish/serve.ts";

const USAGE = `Usage: deno task serve [--dir DIR] [--port PORT] [--host HOST]

Serves a preview written by \`deno task scrape --preview\` or \`deno task start --preview\`.
  --dir DIR    folder to serve, relative to where you run the command (default public)
  --port PORT  port to listen on, 0 for any free port (default 8000)
  --host HOST  address to listen on (default 127.0.0.1, this machine only)
Exit codes: 0 stopped with Ctrl-C, 1 bad flag, 2 no such folder or the port is taken.`;

/** The hint for a missing preview folder: the commands that write one. */
const WRITE_PREVIEW = "write one with `deno task scrape --offline --preview` " +
  "(or `deno task scrape --preview`, `deno task start --preview`)";

await main("serve", async () => {
  const { values } = parseFlags(Deno.args, {
    dir: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
  }, USAGE);
  const dir = userPath(values.dir ?? "public");
  const port = values.port === undefined ? 8000 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? "8000") || port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  const host = values.host ?? "127.0.0.1";
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(dir);
  } catch { /* reported below */ }
  if (!info?.isDirectory) {
    throw new FatalError(
      `${info ? "not a folder" : "no folder"} ${dir}: nothing to serve; ${WRITE_PREVIEW}`,
      2,
    );
  }
  let server: ReturnType<typeof serveDir>;
  try {
    server = serveDir(dir, { port, hostname: host });
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new FatalError(
        `port ${port} on ${host} is already in use (another \`deno task serve\`?); pick another with --port, e.g. --port ${
          port === 8000 ? 8001 : 8000
        }`,
        2,
      );
    }
    if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable) {
      throw new FatalError(
        `cannot listen on ${host}:${port}: ${(err as Error).message.split("\n")[0]}`,
        2,
      );
    }
    throw err;
  }
  console.log(`Serving ${dir} at ${server.url} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    Deno.addSignalListener("SIGINT", () => resolve());
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => resolve());
  });
  await server.close();
  return 0;
});
