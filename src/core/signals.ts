/**
 * The signals that ask a process to stop, and one way to listen for them: SIGINT, and SIGTERM
 * except on Windows (where Deno cannot listen for it). The worker, `dev` and the starter's follow
 * mode all listen through {@link onStopSignals}.
 *
 * @example
 * ```ts
 * import { onStopSignals } from "./signals.ts";
 * const unlisten = onStopSignals((signal) => console.log(`${signal}: stopping`));
 * // ... work ...
 * unlisten();
 * ```
 * @module
 */

/** SIGINT, and SIGTERM except on Windows. */
export const STOP_SIGNALS: readonly Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT"]
  : ["SIGINT", "SIGTERM"];

/**
 * Calls `handler` with the signal on each of {@link STOP_SIGNALS}, until the returned function
 * removes the listeners.
 */
export function onStopSignals(handler: (signal: Deno.Signal) => void): () => void {
  const handlers = STOP_SIGNALS.map((signal) => {
    const h = () => handler(signal);
    Deno.addSignalListener(signal, h);
    return [signal, h] as const;
  });
  return () => {
    for (const [signal, h] of handlers) Deno.removeSignalListener(signal, h);
  };
}
