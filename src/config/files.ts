/**
 * The one way this project reads a file a user named in a setting (`.env`, `--venues`, the
 * TOML profile, certificate/key/CA files, the API key file): it must be a regular file under a
 * size cap, and text files must be UTF-8 text. Anything else — a directory, a FIFO (which would
 * block a plain read forever), `/dev/zero` (which would fill memory), a 2 GB log — is refused
 * with a short reason, before a byte is read.
 *
 * @example
 * ```ts
 * import { readSmallTextFile, SmallFileError } from "./files.ts";
 * try {
 *   const text = await readSmallTextFile("/etc/temporal/api-key");
 * } catch (err) {
 *   if (err instanceof SmallFileError) console.error(`TEMPORAL_API_KEY_FILE: ${err.message}`);
 * }
 * ```
 * @module
 */

/** Default cap on the size of a file we read: 1 MiB. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Options of {@link readSmallFile}. */
export interface SmallFileOptions {
  /** Largest accepted size in bytes. Default {@link MAX_FILE_BYTES} (1 MiB). */
  maxBytes?: number;
}

/**
 * A file named by the user cannot be used. `message` is `<path>: <reason>` (one line, no
 * content of the file); `reason` alone is the part after the path.
 */
export class SmallFileError extends Error {
  override name = "SmallFileError";
  constructor(readonly path: string, readonly reason: string, options?: ErrorOptions) {
    super(`${path}: ${reason}`, options);
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : bytes >= 1024
    ? `${(bytes / 1024).toFixed(1)} KiB`
    : `${bytes} bytes`;
}

/** Why `info` is not a regular file, or undefined when it is one. */
function notRegular(info: Deno.FileInfo): string | undefined {
  if (info.isFile) return undefined;
  if (info.isDirectory) return "it is a directory, not a file";
  if (info.isFifo) return "it is a FIFO (named pipe), not a regular file";
  if (info.isCharDevice) return "it is a character device (like /dev/zero), not a regular file";
  if (info.isBlockDevice) return "it is a block device, not a regular file";
  if (info.isSocket) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

/** Explains a file-system error in a few plain words. */
export function describeFsError(err: unknown): string {
  if (err instanceof SmallFileError) return err.reason;
  if (err instanceof Deno.errors.NotFound) return "file not found";
  if (err instanceof Deno.errors.IsADirectory) return "it is a directory, not a file";
  if (err instanceof Deno.errors.PermissionDenied) {
    return "permission denied (check the file's mode)";
  }
  if (err instanceof Error && err.name === "NotCapable") {
    return "Deno has no read permission for it (add it to --allow-read)";
  }
  return err instanceof Error ? err.message.split("\n")[0] : String(err);
}

/**
 * Reads a regular file of at most `maxBytes` bytes. Refuses directories, FIFOs, devices and
 * sockets without opening them, and stops reading as soon as the cap is passed (a file that
 * grows while being read cannot eat memory either).
 *
 * @throws {SmallFileError} not a regular file, or too large.
 * @throws {Deno.errors.NotFound} and the other file-system errors, unchanged.
 */
export async function readSmallFile(
  path: string,
  options: SmallFileOptions = {},
): Promise<Uint8Array> {
  const max = options.maxBytes ?? MAX_FILE_BYTES;
  const tooBig = (n: number) => {
    // Sizes that round alike ("16.0 KiB, over the 16.0 KiB limit") are given in bytes.
    const [size, limit] = sizeText(n) === sizeText(max)
      ? [`${n} bytes`, `${max} bytes`]
      : [sizeText(n), sizeText(max)];
    return new SmallFileError(
      path,
      `it is ${n > max ? size : "larger"}, over the ${limit} limit for this file`,
    );
  };
  const info = await Deno.stat(path);
  const why = notRegular(info);
  if (why) throw new SmallFileError(path, why);
  if (info.size > max) throw tooBig(info.size);
  using file = await Deno.open(path, { read: true });
  // The path may have been swapped between stat and open: check what was opened.
  const opened = notRegular(await file.stat());
  if (opened) throw new SmallFileError(path, opened);
  const out = new Uint8Array(max + 1);
  let n = 0;
  while (n <= max) {
    const got = await file.read(out.subarray(n));
    if (got === null) break;
    n += got;
  }
  if (n > max) throw tooBig(n);
  return out.slice(0, n);
}

/**
 * Reads a small regular file as UTF-8 text (see {@link readSmallFile}); a leading byte-order
 * mark is dropped. A file with NUL bytes or invalid UTF-8 is not text: {@link SmallFileError}.
 */
export async function readSmallTextFile(
  path: string,
  options: SmallFileOptions = {},
): Promise<string> {
  const bytes = await readSmallFile(path, options);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new SmallFileError(path, "it is not a text file (not UTF-8)");
  }
  if (text.includes("\0")) throw new SmallFileError(path, "it is not a text file (NUL bytes)");
  return text;
}
