import { runningCliProcesses } from "./pulumiCli";

import { ExitNow } from "./badInput";
import { EXIT_INTERRUPTED, Interrupted } from "./interrupted";

// Kept apart (no imports) so the crash handler can tell an interruption from a crash.
export { EXIT_INTERRUPTED, Interrupted } from "./interrupted";

export interface Cancellation {
  /** Passed to every Automation API operation (`signal`) and to waits the tool makes itself. */
  readonly signal: AbortSignal;
  /** The signal that cancelled the run, if one did. */
  readonly reason: string | undefined;
  /** Throws Interrupted once a signal came: call it before starting anything new. */
  throwIfCancelled(what: string): void;
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Signals closer than this to the last one that counted are the same keypress delivered twice.
 * Under `npm run`, one Ctrl-C reaches the tool twice when the script shell execs it (bash does,
 * and it is macOS's /bin/sh): once from the terminal (the foreground process group) and once from
 * npm, which forwards SIGINT and SIGTERM to its script (@npmcli/run-script/lib/signal-manager.js:
 * `for (const proc of runningProcs) proc.kill(signal)`). Counting that echo as a second Ctrl-C would
 * make Pulumi terminate at once instead of cancelling. A person pressing again is slower than this.
 */
export const SAME_SIGNAL_WINDOW_MS = 1000;

/** What a signal means: the first cancels, a later one stops Pulumi at once, the third ends the tool. */
export type SignalMeaning = "cancel" | "terminate" | "exit" | "echo";

/** Counts signals, ignoring the echoes of one keypress (SAME_SIGNAL_WINDOW_MS). */
export class SignalCounter {
  private counted = 0;
  private last = -Infinity;

  constructor(private readonly now: () => number = () => Date.now()) {}

  receive(): SignalMeaning {
    const at = this.now();
    if (at - this.last < SAME_SIGNAL_WINDOW_MS) return "echo";
    this.last = at;
    this.counted++;
    return this.counted === 1 ? "cancel" : this.counted === 2 ? "terminate" : "exit";
  }
}

/**
 * Traps Ctrl-C (SIGINT), SIGTERM (a CI runner cancelling) and SIGHUP (the terminal closing) for an
 * operational tool, as the Pulumi CLI itself does (pkg/backend/cancellation_scope.go):
 * - the first signal aborts `signal`: every running CLI operation gets one SIGINT (the Automation
 *   API's `signal`), finishes the steps in flight, writes its state and exits, and the tool starts
 *   nothing new; the process stays alive until then, so the CLI never loses its reader;
 * - a later one (more than SAME_SIGNAL_WINDOW_MS after) is passed on to the CLI, which then stops
 *   at once (it may leave pending operations, which the next run recovers: docs/operations.md);
 * - a third ends the tool at once.
 * Signals within the window of the last one are echoes of the same Ctrl-C (npm forwards it) and
 * change nothing.
 */
export function trapSignals(
  log: (line: string) => void,
  // Thrown in a signal handler, it reaches the crash handlers (tools/cli/command.ts), which exit 130.
  exitNow: (code: number) => never = (code) => {
    throw new ExitNow(code);
  },
): Cancellation {
  const controller = new AbortController();
  const counter = new SignalCounter();
  let reason: string | undefined;
  const handler = (signal: NodeJS.Signals) => {
    const meaning = counter.receive();
    if (meaning === "cancel") {
      reason = signal;
      log(
        `${signal} received: cancelling. Pulumi finishes the steps in flight and records the state; nothing new starts. ` +
          "Send it again to stop Pulumi at once (that can leave pending operations: docs/operations.md).",
      );
      controller.abort(new Interrupted(signal));
    } else if (meaning === "terminate") {
      log(`${signal} received again: stopping Pulumi at once`);
      for (const child of runningCliProcesses()) child.kill("SIGINT");
    } else if (meaning === "exit") {
      exitNow(EXIT_INTERRUPTED);
    }
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    throwIfCancelled(what: string) {
      if (reason) throw new Interrupted(`${reason} received: stopped before ${what}`);
    },
    dispose() {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}

/** A cancellation that never fires, for library callers and tests that bring no signals. */
export const NEVER_CANCELLED: Cancellation = {
  signal: new AbortController().signal,
  reason: undefined,
  throwIfCancelled: () => undefined,
  dispose: () => undefined,
};
