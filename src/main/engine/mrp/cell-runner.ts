// What runs the cells of one session for one language. The session queue (session-queue.ts)
// calls `run` one execution at a time, so a runner never sees two cells at once.
import type { Execution } from './execution';

export interface CellRunner {
  /** Runs the cell and finishes the execution (succeed or fail) before resolving. */
  run(execution: Execution): Promise<void>;
  /** Signals the running cell (SIGINT, then SIGKILL after a grace); a no-op when idle. */
  interrupt(): void;
  /** Forgets the session's state (a fresh interpreter next time). */
  reset(): Promise<void>;
  /** Kills everything the runner started. */
  dispose(): Promise<void>;
}
