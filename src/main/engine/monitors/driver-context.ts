// What an ExecutionDriver works with: the document, who we are, how cells run, and the peer's
// view of the other monitors.
import type * as Y from 'yjs';
import type { LogLevel } from '../parts/log-level';
import type { ExecutionRunner } from './execution-runner';
import type { PeerPresence } from './peer-presence';
import type { PeerTiming } from './peer-timing';
import type { RunQueue } from './run-queue';
import type { RuntimeTable } from './runtime-choice';

export interface DriverContext {
  ydoc: Y.Doc;
  doc: string;
  monitorId: string;
  runner: ExecutionRunner;
  runtimes: RuntimeTable;
  queue: RunQueue;
  timing: PeerTiming;
  origin: unknown;
  /** Who is in the document's awareness (claim ranking, acknowledgements, gone owners). */
  presence: PeerPresence;
  /**
   * Given an explicit id (`--id`), the peer may resume `claimed` entries after a restart, so it
   * never starts a run at its claim (claim.ts, "Alone"): the run may have started before the crash.
   */
  resumable: boolean;
  /** Decisions wait until the document has synced: an unsynced view is not the document. */
  isSynced: () => boolean;
  log: (level: LogLevel, message: string) => void;
}
