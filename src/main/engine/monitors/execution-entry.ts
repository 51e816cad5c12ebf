// One execution request in `Y.Map('executions')` (seed 001, MRMD-NOTES.md).
//
// Real peers (mrmd-editor, mrmd-monitor) store each entry as one plain JSON object under its
// exec id, and every status change replaces the whole object from the writer's local copy
// (`executions.set(id, { ...exec, status })`). There is no compare-and-swap in Yjs, so the
// guard here is the next best thing: every write re-reads the entry inside the transaction
// and writes only if the change is legal from the value seen now. Concurrent writes from other
// peers still resolve by Yjs' last-writer rule; claim.ts explains what that leaves open.
import * as Y from 'yjs';
import type { ExecutionSnapshot, ExecutionStatus } from '../../../shared/model';

export const EXECUTIONS_MAP = 'executions';

export const STATUS = {
  requested: 'requested',
  claimed: 'claimed',
  ready: 'ready',
  running: 'running',
  completed: 'completed',
  error: 'error',
  cancelled: 'cancelled',
} as const satisfies Record<ExecutionStatus, ExecutionStatus>;

const TERMINAL: ReadonlySet<string> = new Set([STATUS.completed, STATUS.error, STATUS.cancelled]);

/**
 * Forward-only moves; a terminal status never changes again. `completed` is reachable from
 * `claimed` and `ready` because a concurrent whole-entry write (an editor's late `ready`) can
 * undo our `running` while the run goes on; the run's outcome must still be recorded.
 */
const NEXT: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  requested: ['claimed', 'ready', 'running', 'error', 'cancelled'],
  claimed: ['ready', 'running', 'completed', 'error', 'cancelled'],
  ready: ['running', 'completed', 'error', 'cancelled'],
  running: ['error', 'completed', 'cancelled'],
  completed: [],
  error: [],
  cancelled: [],
};

export interface ExecutionError {
  type: string;
  message: string;
  traceback?: string[];
}

export interface DisplayData {
  mimeType?: string;
  data?: unknown;
  assetId?: string | null;
  url?: string;
  [key: string]: unknown;
}

/** The fields real peers write (seed 001's schema); unknown extra fields are kept as they are. */
export interface ExecutionEntry {
  id?: string;
  cellId?: string;
  code?: string;
  language?: string;
  runtimeUrl?: string | null;
  session?: string;
  status?: string;
  requestedBy?: number | string | null;
  requestedAt?: number | null;
  /** mrmd-monitor writes its Yjs client id (a number); we write our stable monitor id. */
  claimedBy?: number | string | null;
  claimedAt?: number | null;
  outputBlockReady?: boolean;
  outputPosition?: unknown;
  startedAt?: number | null;
  completedAt?: number | null;
  stdinRequest?: { prompt: string; password: boolean; requestedAt?: number } | null;
  stdinResponse?: { text: string; respondedAt?: number } | null;
  result?: unknown;
  error?: ExecutionError | null;
  displayData?: DisplayData[];
  [key: string]: unknown;
}

export function isTerminal(status: unknown): boolean {
  return typeof status === 'string' && TERMINAL.has(status);
}

export function isStatus(value: unknown): value is ExecutionStatus {
  return typeof value === 'string' && value in NEXT;
}

export function canMove(from: unknown, to: ExecutionStatus): boolean {
  if (from === to) return !isTerminal(to);
  if (!isStatus(from)) return !isTerminal(from);
  return NEXT[from].includes(to);
}

export function executionsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(EXECUTIONS_MAP);
}

/** The entry as stored, or null when missing or not an object (a bad entry never throws). */
export function readEntry(doc: Y.Doc, id: string): ExecutionEntry | null {
  const value = executionsOf(doc).get(id);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ExecutionEntry) : null;
}

export function isOwnedBy(entry: ExecutionEntry | null, monitorId: string): boolean {
  return entry !== null && entry.claimedBy === monitorId;
}

/**
 * Guarded read-modify-write in one transaction: `change` sees the entry as it is now and
 * returns the fields to merge, or null to write nothing. A status in the result must be a
 * legal move from the current one. Returns the entry written, or null when nothing was.
 */
export function updateEntry(
  doc: Y.Doc,
  id: string,
  change: (current: ExecutionEntry) => Partial<ExecutionEntry> | null,
  origin: unknown = null,
): ExecutionEntry | null {
  let written: ExecutionEntry | null = null;
  doc.transact(() => {
    const current = readEntry(doc, id);
    if (current === null) return;
    const patch = change(current);
    if (patch === null) return;
    if (patch.status !== undefined && patch.status !== current.status) {
      if (!isStatus(patch.status) || !canMove(current.status, patch.status)) return;
    } else if (isTerminal(current.status) && patch.status === undefined && !onlyDisplayFields(patch)) {
      return;
    }
    written = { ...current, ...patch };
    executionsOf(doc).set(id, written);
  }, origin);
  return written;
}

// After a terminal status nothing but late rich output may still be stored.
function onlyDisplayFields(patch: Partial<ExecutionEntry>): boolean {
  return Object.keys(patch).every((key) => key === 'displayData');
}

export function errorText(error: ExecutionEntry['error']): string | null {
  if (!error) return null;
  return error.type ? `${error.type}: ${error.message ?? ''}` : String(error.message ?? '');
}

export function toExecutionSnapshot(doc: string, id: string, entry: ExecutionEntry): ExecutionSnapshot {
  const status = isStatus(entry.status) ? entry.status : 'requested';
  return {
    id,
    doc,
    status,
    language: typeof entry.language === 'string' ? entry.language : '',
    code: typeof entry.code === 'string' ? entry.code : '',
    claimedBy: entry.claimedBy === null || entry.claimedBy === undefined ? null : String(entry.claimedBy),
    requestedAt: numberOrNull(entry.requestedAt),
    startedAt: numberOrNull(entry.startedAt),
    completedAt: numberOrNull(entry.completedAt),
    stdinPrompt: entry.stdinRequest && !entry.stdinResponse ? String(entry.stdinRequest.prompt ?? '') : null,
    stdinPassword: Boolean(entry.stdinRequest && !entry.stdinResponse && entry.stdinRequest.password === true),
    error: errorText(entry.error ?? null),
  };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
