// mrmd's editor (mrmd-electron 0.5.4, `_executeCellViaMonitor`) reads the cell's end, waits for
// a monitor's claim, then inserts "\n\n```output:<id>\n```" at the offset it read. Text that
// arrived meanwhile (another cell's output streaming in, a second page) shifts that offset: the
// block lands inside a code cell, the fence parser sees no output block, and the cell's code is
// split. Seen with two editor pages running cells at once (e2e/mrmd-editor.e2e.test.ts).
//
// The monitor that runs the entry (and only it, as for duplicate copies) repairs it, right before
// the run and whenever the entry changes during it (the editor writes `ready` and its position
// right after inserting): the editor's exact insertion, where it does not parse as the block,
// is taken out (the code is as typed again), and if no block is left one is made after the
// entry's code cell, as on the headless path.
import * as Y from 'yjs';
import { isOwnedBy, isTerminal, updateEntry, type ExecutionEntry } from './execution-entry';
import { contentOf, ensureOutputBlock, findOutputBlocks, OUTPUT_INFO_PREFIX } from './output-block';

/** The text mrmd's editor inserts for an empty output block. */
export function editorInsertion(id: string): string {
  return '\n\n```' + OUTPUT_INFO_PREFIX + id + '\n```';
}

/**
 * Takes the editor's insertion out where it does not parse as the block (inside a code cell),
 * and makes the block after the entry's code cell if none is left. Returns the new block's
 * position (RelativePosition JSON) when it made one, null when it only removed a misplaced
 * copy (a block made on the headless path, before the editor's late insertion, remains),
 * undefined when nothing was misplaced.
 */
export function moveMisplacedOutputBlock(doc: Y.Doc, id: string, entry: ExecutionEntry, origin: unknown = null): unknown {
  const text = contentOf(doc);
  const insertion = editorInsertion(id);
  if (!text.toString().includes(insertion)) return undefined;
  let result: unknown = undefined;
  doc.transact(() => {
    const current = text.toString();
    const blockStarts = new Set(findOutputBlocks(current, id).map((block) => block.start));
    // Right to left, so earlier offsets stay valid while later copies go.
    const misplaced: number[] = [];
    for (let at = current.indexOf(insertion); at !== -1; at = current.indexOf(insertion, at + 1)) {
      if (!blockStarts.has(at + 2)) misplaced.push(at);
    }
    if (misplaced.length === 0) return;
    for (const at of misplaced.reverse()) text.delete(at, insertion.length);
    result = findOutputBlocks(text.toString(), id).length > 0 ? null : ensureOutputBlock(doc, id, entry, origin);
  }, origin);
  return result;
}

/** The runner's repair: moves a misplaced block, logs it, and points the entry at the new one. */
export function placeOutputBlock(doc: Y.Doc, id: string, entry: ExecutionEntry, me: string, origin: unknown, log: (level: 'info', message: string) => void): void {
  const moved = moveMisplacedOutputBlock(doc, id, entry, origin);
  if (moved === undefined) return;
  log('info', `${id}: the editor put an output block inside a code cell; took it out${moved === null ? '' : ' and made the block after the cell'}`);
  if (moved !== null) updateEntry(doc, id, (now) => (isOwnedBy(now, me) && !isTerminal(now.status) ? { outputPosition: moved } : null), origin);
}
