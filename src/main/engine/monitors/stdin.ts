// Input for a running cell, through the entry (seed 001's "stdin coordination"):
//   runtime sends `stdin_request`  → monitor sets `stdinRequest {prompt, password, requestedAt}`
//                                    and clears `stdinResponse`;
//   editor answers                 → sets `stdinResponse {text, respondedAt}` on the entry;
//   monitor sees the response      → POST `/input` to the runtime, then clears both fields.
// The text goes to the runtime as the editor wrote it: mrmd-python adds no newline and
// neither do we. Only the owning monitor acts, and only while the entry is `running`.
import type * as Y from 'yjs';
import { STATUS, isOwnedBy, updateEntry, type ExecutionEntry } from './execution-entry';

export function requestStdin(doc: Y.Doc, id: string, me: string, prompt: string, password: boolean, origin: unknown = null): boolean {
  const written = updateEntry(
    doc,
    id,
    (current) =>
      isOwnedBy(current, me) && current.status === STATUS.running
        ? { stdinRequest: { prompt, password, requestedAt: Date.now() }, stdinResponse: null }
        : null,
    origin,
  );
  return written !== null;
}

/** The pending answer, when the editor has written one for the current request. */
export function pendingStdinResponse(entry: ExecutionEntry | null): string | null {
  if (entry === null || !entry.stdinRequest || !entry.stdinResponse) return null;
  const text = entry.stdinResponse.text;
  return typeof text === 'string' ? text : null;
}

export function clearStdin(doc: Y.Doc, id: string, me: string, origin: unknown = null): void {
  updateEntry(
    doc,
    id,
    (current) => (isOwnedBy(current, me) && (current.stdinRequest || current.stdinResponse) ? { stdinRequest: null, stdinResponse: null } : null),
    origin,
  );
}

/** What an editor does to answer; used by `MonitorHost.reply` and by tests playing the editor. */
export function respondStdin(doc: Y.Doc, id: string, text: string, origin: unknown = null): boolean {
  const written = updateEntry(
    doc,
    id,
    (current) => (current.stdinRequest && current.status === STATUS.running ? { stdinResponse: { text, respondedAt: Date.now() } } : null),
    origin,
  );
  return written !== null;
}
