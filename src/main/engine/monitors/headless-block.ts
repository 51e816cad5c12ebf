// No editor made the output block within `headlessBlockMs` of our claim (a monitor without an
// editor open, a script's request): we make it after the entry's code cell and move the entry
// to `ready` ourselves, as the editor would (output-block.ts, "Headless").
import { STATUS, isOwnedBy, readEntry, updateEntry } from './execution-entry';
import { ensureOutputBlock } from './output-block';
import type * as Y from 'yjs';

export function makeHeadlessBlock(doc: Y.Doc, id: string, me: string, origin: unknown, log: (level: 'info', message: string) => void): void {
  const current = readEntry(doc, id);
  if (current?.status !== STATUS.claimed || !isOwnedBy(current, me)) return;
  log('info', `${id}: no editor made the output block; creating it`);
  const outputPosition = ensureOutputBlock(doc, id, current, origin);
  updateEntry(doc, id, (now) => (now.status === STATUS.claimed && isOwnedBy(now, me) ? { status: STATUS.ready, outputBlockReady: true, outputPosition } : null), origin);
}
