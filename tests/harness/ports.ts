/**
 * The tests' one set of port helpers. `freePort`/`freePorts`/`isListening` are the product's own
 * (src/temporal/dev_server.ts, which the dev-server starter uses); the rest is for tests only.
 * A "closed port" (nothing listens there) is a {@link freePort}.
 *
 * @example
 * ```ts
 * import { freeDevPort, freePort, isListening, untilPortFree } from "./ports.ts";
 * const port = freePort();                        // nothing listens there now
 * const dev = freeDevPort();                      // dev + 1000 (its Web UI) is free too
 * await isListening("127.0.0.1", port);           // false
 * await untilPortFree(port);                      // returns at once: nothing holds it
 * ```
 * @module
 */
export { freePort, freePorts, isListening } from "../../src/temporal/dev_server.ts";
import { freePort } from "../../src/temporal/dev_server.ts";

/** True when `port` on 127.0.0.1 can be bound right now. */
export function isBindable(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** A free port whose Web UI port (port + 1000, what `dev` asks for) is free too. */
export function freeDevPort(): number {
  for (let i = 0; i < 50; i++) {
    const port = freePort();
    if (port + 1000 <= 65535 && isBindable(port + 1000)) return port;
  }
  throw new Error("no free port pair found");
}

/**
 * Waits until `port` on 127.0.0.1 can be bound again (a stopped server let go of it).
 * Throws after `timeoutMs` (default 30 000) or on any error other than "address in use".
 */
export async function untilPortFree(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return;
    } catch (err) {
      if (!(err instanceof Deno.errors.AddrInUse) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
