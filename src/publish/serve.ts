/**
 * A tiny static file server for previewing the web page on this machine.
 *
 * Serves `GET`/`HEAD` for files under one folder with the right content types
 * (`/` and folders serve their `index.html`), answers 404 for anything missing, 403 for
 * paths that would leave the folder (`..`, encoded or not, or a symlink pointing outside) and
 * for dotfiles (any path component starting with `.`: `.env`, `.git/config`, …), and 405 for
 * other methods. Every answer carries `Cache-Control: no-cache` so a reload
 * always shows the latest `data.json`.
 *
 * @example
 * ```ts
 * import { serveDir } from "./serve.ts";
 * const server = serveDir("dist/site", { port: 8000 });
 * console.log(server.url); // http://127.0.0.1:8000/
 * // ...
 * await server.close();
 * ```
 * @module
 */
import { extname, resolve, sep } from "node:path";

/** Content types by file extension; anything else is `application/octet-stream`. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".ics": "text/calendar; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    },
  });
}

function inside(root: string, path: string): boolean {
  return path === root ||
    path.startsWith(root.endsWith(sep) ? root : root + sep);
}

async function handle(root: string, req: Request): Promise<Response> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    const res = plain(405, "Method not allowed");
    res.headers.set("allow", "GET, HEAD");
    return res;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url).pathname);
  } catch {
    return plain(400, "Bad request");
  }
  if (pathname.includes("\0") || pathname.includes("\\")) {
    return plain(400, "Bad request");
  }
  if (pathname.split("/").some((part) => part.startsWith("."))) {
    return plain(403, "Forbidden"); // `..`, and dotfiles such as .env or .git/
  }
  let path = resolve(root, "." + pathname);
  if (!inside(root, path)) return plain(403, "Forbidden");
  try {
    let info = await Deno.stat(path);
    if (info.isDirectory) {
      path = resolve(path, "index.html");
      info = await Deno.stat(path);
    }
    if (!info.isFile) return plain(404, "Not found");
    const real = await Deno.realPath(path);
    const realRoot = await Deno.realPath(root);
    if (!inside(realRoot, real)) {
      return plain(403, "Forbidden");
    }
    // A link inside the folder may still lead to a dotfile (`data -> .env`).
    if (real.slice(realRoot.length).split(sep).some((part) => part.startsWith("."))) {
      return plain(403, "Forbidden");
    }
    const body = req.method === "HEAD" ? null : await Deno.readFile(real);
    return new Response(body, {
      headers: {
        "content-type": CONTENT_TYPES[extname(real).toLowerCase()] ??
          "application/octet-stream",
        "content-length": String(info.size),
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    if (
      err instanceof Deno.errors.NotFound ||
      err instanceof Deno.errors.NotADirectory
    ) {
      return plain(404, "Not found");
    }
    return plain(500, "Internal server error");
  }
}

/**
 * Serves the files of `dir` over HTTP until closed.
 *
 * @param dir Folder to serve, absolute or relative to the current directory.
 * @param opts `port`: TCP port, default 0 (any free port; read it from `url`);
 *   `hostname`: address to listen on, default `"127.0.0.1"` (this machine only).
 * @returns `url`: the base URL, ending in `/`; `close()`: stops the server and waits for
 *   in-flight requests.
 */
export function serveDir(
  dir: string,
  opts: { port?: number; hostname?: string } = {},
): { url: string; close(): Promise<void> } {
  const root = resolve(dir);
  const hostname = opts.hostname ?? "127.0.0.1";
  const server = Deno.serve(
    { port: opts.port ?? 0, hostname, onListen: () => {} },
    (req) => handle(root, req),
  );
  const { port } = server.addr as Deno.NetAddr;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}/`,
    close: () => server.shutdown(),
  };
}
