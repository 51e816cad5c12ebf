// A daemon must stop cleanly whenever it is told to, also while it is still starting. The
// handlers go in before anything that needs cleaning up exists (the lock, the orchestrator,
// the server, the record); a signal only records the request, and the start-up code, which
// alone knows what it has built so far, undoes it at its next checkpoint, newest first.
// A second signal while that stop runs hurries it: every tree gets SIGKILL at once, and a
// backstop timer ends the process should the cleanup still hang.
export interface DaemonShutdown {
  /** The first signal's name once one came, else null. */
  readonly requested: string | null;
  /** Resolves with the signal's name on the first signal. */
  readonly whenRequested: Promise<string>;
  /** Registers what undoes a step just done; run newest first by `finish`. */
  track(cleanup: () => Promise<void> | void): void;
  /** What a second signal does before the backstop: kill every tree now. */
  onHurry(hurry: () => void): void;
  /** Runs the cleanups, newest first; the exit code. */
  finish(): Promise<number>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** After a second signal, how long the hurried cleanup may take before the process just exits. */
const BACKSTOP_MS = 10_000;

export function installDaemonShutdown(log: (line: string) => void): DaemonShutdown {
  const cleanups: (() => Promise<void> | void)[] = [];
  const hurries: (() => void)[] = [];
  let requested: string | null = null;
  let resolveRequested!: (signal: string) => void;
  const whenRequested = new Promise<string>((resolve) => (resolveRequested = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (requested === null) {
      requested = signal;
      log(`${signal}: stopping all services`);
      resolveRequested(signal);
      return;
    }
    log(`${signal} again: killing every process tree now`);
    for (const hurry of hurries) {
      try {
        hurry();
      } catch (error) {
        log(`forced stop: ${(error as Error).message}`);
      }
    }
    // Should the cleanup hang even so, a stuck stop must not keep the operator waiting.
    setTimeout(() => {
      log(`forced stop did not finish within ${BACKSTOP_MS / 1000} s; exiting`);
      process.exit(1);
    }, BACKSTOP_MS).unref();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    get requested() {
      return requested;
    },
    whenRequested,
    track: (cleanup) => void cleanups.push(cleanup),
    onHurry: (hurry) => void hurries.push(hurry),
    async finish() {
      let code = 0;
      while (cleanups.length > 0) {
        const cleanup = cleanups.pop()!;
        try {
          await cleanup();
        } catch (error) {
          // One failing step must not keep the others (the lock, the record) behind.
          log(`stopping: ${(error as Error).message}`);
          code = 1;
        }
      }
      // The handlers stay: a late signal must not kill the process on its way out.
      return code;
    },
  };
}
