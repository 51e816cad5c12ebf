// What one ExecutionRun works with (execution-run.ts): the document, who we are, how cells
// run and when, and how long it waits for what.
import type * as Y from 'yjs';
import type { ExecutionRunner } from './execution-runner';
import type { RunQueue } from './run-queue';
import type { RuntimeTable } from './runtime-choice';

export interface RunTiming {
  outputFlushMs: number;
  stuckTimeoutMs: number;
  busyRetryMs: number;
  maxBusyRetryMs: number;
  interruptGraceMs: number;
}

export interface RunContext {
  ydoc: Y.Doc;
  doc: string;
  me: string;
  runner: ExecutionRunner;
  queue: RunQueue;
  runtimes: RuntimeTable;
  timing: RunTiming;
  /** Marks our own Yjs transactions so the peer can tell them from remote ones. */
  origin: unknown;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Called once the guarded `ready` → `running` write succeeded (before the POST, or at `confirm()` for an early run). */
  onStarted?: () => void;
}
