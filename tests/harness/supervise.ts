/**
 * Processes the tests start that must not outlive them: {@link spawnSupervised} runs a command
 * under a small `/bin/sh` watchdog, so when the test process ends in any way — a failed test,
 * `Deno.exit`, Ctrl-C, even SIGKILL — the watchdog sees its control pipe close and kills the
 * command (TERM, then KILL after 3 s) and every process it started. Used by the dev server
 * harness (`dev_server.ts`) and the TLS gateway (`gateway.ts`).
 *
 * Needs `--allow-run=sh` (`sh` then starts the command outside Deno's checks).
 *
 * @example
 * ```ts
 * import { spawnSupervised } from "./supervise.ts";
 * const proc = await spawnSupervised("sleep", ["60"]);
 * await proc.stop([["TERM", 1000]]); // TERM, up to 1 s, then KILL
 * ```
 * @module
 */
import { CommandNotFoundError, OutputTail, settlesWithin } from "../../src/temporal/dev_server.ts";

export { CommandNotFoundError };

/** Signals {@link SupervisedProcess.signal} can send. */
export type WatchdogSignal = "TERM" | "QUIT" | "KILL" | "HUP" | "STOP" | "CONT";

/** A process started by {@link spawnSupervised}. */
export interface SupervisedProcess {
  /** Pid of the command itself. */
  readonly pid: number;
  /** Whether the command has exited. */
  readonly exited: boolean;
  /** Resolves when the command has exited; `code` is its exit code, 128+n if killed by n. */
  readonly status: Promise<Deno.CommandStatus>;
  /** The last ≈64 KiB the command wrote to stdout and stderr. */
  output(): string;
  /** Sends `sig` to the command (`KILL` also to its direct children). */
  signal(sig: WatchdogSignal): Promise<void>;
  /**
   * Sends each signal of `steps` in turn and waits up to its time for the command to exit,
   * then SIGKILLs it and its children; resolves once it has exited. Idempotent.
   */
  stop(steps: [WatchdogSignal, number][]): Promise<void>;
}

// Runs "$@" under a watchdog that reads signal names from stdin and sends them to it. On EOF
// — `stop()` closes the pipe, and the kernel closes it when the Deno process dies in any way,
// SIGKILL included — it sends TERM, waits `$1` tenths of a second, then KILL, and removes the
// directory `$2` if one is given (the caller removes it itself on a normal stop). KILL also goes
// to the command's children (nginx workers outlive a killed master). The command stays in
// the caller's process group (no setsid), so a group-wide signal from outside (Ctrl-C,
// `timeout`, a CI runner) reaches it as well.
const WATCHDOG = `
grace=$1; cleanup=$2; shift 2
if ! command -v "$1" >/dev/null 2>&1; then
  echo "harness-watchdog: $1: not found" >&2
  exit 127
fi
exec 3<&0 </dev/null
"$@" 3<&- &
child=$!
echo "harness-watchdog pid=$child" >&2
kids() {
  for f in /proc/[0-9]*/stat; do
    read -r l < "$f" 2>/dev/null || continue
    set -- \${l##*) }
    if [ "$2" = "$child" ]; then p=\${f#/proc/}; echo "\${p%/stat}"; fi
  done
}
alive() {
  read -r l < "/proc/$1/stat" 2>/dev/null || return 1
  case "\${l##*) }" in Z*|X*) return 1;; esac
}
sig() {
  if [ "$1" = KILL ]; then
    # Children first, while they are still the command's: once it is dead they are orphans
    # (and under gVisor a kill racing that reparenting was seen to miss).
    k=$(kids)
    j=0
    while [ -n "$k" ] && [ "$j" -lt 20 ]; do
      kill -s KILL $k 2>/dev/null
      left=
      for x in $k; do if alive "$x"; then left="$left $x"; fi; done
      k=$left
      j=$((j + 1))
      [ -n "$k" ] && sleep 0.05
    done
    kill -s KILL "$child" 2>/dev/null
  else
    kill -s "$1" "$child" 2>/dev/null
  fi
}
eof=
trap 'eof=1' USR1
(
  trap '' INT HUP TERM
  while IFS= read -r s <&3; do sig "$s"; done
  kill -s USR1 $$ 2>/dev/null
  sig TERM
  i=0
  while [ "$i" -lt "$grace" ] && kill -s 0 "$child" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
  sig KILL
  i=0
  while [ "$i" -lt 20 ] && kill -s 0 "$child" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
  if [ -n "$cleanup" ]; then rm -rf -- "$cleanup"; fi
) >/dev/null 2>&1 &
watcher=$!
exec 3<&-
while :; do
  wait "$child"
  code=$?
  kill -s 0 "$child" 2>/dev/null || break
done
if [ -n "$eof" ] && [ -n "$cleanup" ]; then rm -rf -- "$cleanup"; fi
kill -s KILL "$watcher" 2>/dev/null
exit "$code"
`;

const PID_LINE = /harness-watchdog pid=(\d+)\n/;

/**
 * Spawns `command args…` (looked up on PATH) under a `/bin/sh` watchdog that kills it —
 * and every process it started — when {@link SupervisedProcess.stop} is called or when the
 * Deno process ends, however it ends. Used by the dev server and the gateway.
 *
 * Needs `--allow-run=sh`; the command itself is started by `sh`, outside Deno's checks.
 *
 * @param options.exitGraceMs how long the watchdog waits between TERM and KILL when the Deno
 *   process goes away (default 3 000 ms).
 * @param options.cleanupDir a directory the watchdog removes once the command is dead, if the
 *   Deno process went away without stopping it.
 * @throws {CommandNotFoundError} when `command` is not on PATH.
 */
export async function spawnSupervised(
  command: string,
  args: string[],
  options: { exitGraceMs?: number; cleanupDir?: string } = {},
): Promise<SupervisedProcess> {
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      WATCHDOG,
      "harness-watchdog",
      String(Math.ceil((options.exitGraceMs ?? 3000) / 100)),
      options.cleanupDir ?? "",
      command,
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const tail = new OutputTail(64 * 1024);
  let pid = 0;
  let pidSeen: () => void;
  const pidKnown = new Promise<void>((resolve) => pidSeen = resolve);
  const drained = Promise.all([
    tail.drain(child.stdout),
    tail.drain(child.stderr, (text) => {
      if (pid) return text;
      const m = PID_LINE.exec(text);
      if (!m) return text;
      pid = Number(m[1]);
      pidSeen();
      return text.replace(PID_LINE, "");
    }),
  ]);

  const closeControl = async () => {
    try {
      await writer.close();
    } catch { /* already closed or the watchdog is gone */ }
  };
  await Promise.race([pidKnown, status]);
  if (!pid) {
    const s = await status;
    await drained;
    await closeControl();
    if (s.code === 127 && /harness-watchdog: .*: not found/.test(tail.text())) {
      throw new CommandNotFoundError(command);
    }
    throw new Error(
      `${command} did not start (exit code ${s.code}): ${tail.text().trim()}`,
    );
  }

  const signal = async (sig: WatchdogSignal) => {
    if (exited) return;
    try {
      await writer.write(new TextEncoder().encode(`${sig}\n`));
    } catch { /* the watchdog is gone */ }
  };
  let stopping: Promise<void> | undefined;
  const stop = (steps: [WatchdogSignal, number][]) =>
    stopping ??= (async () => {
      for (const [sig, waitMs] of steps) {
        if (exited) break;
        await signal(sig);
        if (await settlesWithin(status, waitMs)) break;
      }
      if (!exited) {
        await signal("KILL");
        if (!(await settlesWithin(status, 5000))) {
          try {
            child.kill("SIGKILL"); // the watchdog itself is stuck; its EOF path remains
          } catch { /* gone */ }
        }
      }
      await status;
      await closeControl();
      await settlesWithin(drained, 2000);
    })();

  return {
    pid,
    get exited() {
      return exited;
    },
    status,
    output: () => tail.text(),
    signal,
    stop,
  };
}
