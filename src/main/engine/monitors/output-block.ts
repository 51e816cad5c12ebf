// The ```output:<id> block in `Y.Text('content')` where a run's text goes.
//
// Locating it: the editor stores `outputPosition`, a Yjs RelativePosition (JSON) taken at the
// block's content start; it survives concurrent edits, where searching for the marker alone
// can pick a stale copy (pasted text, an undo). We resolve the position and take the output
// block that contains it; without a usable position, the first block whose fence names the id.
//
// Writing: the whole content is computed from the run's terminal text, then only the
// difference from what the block holds now is applied (common prefix and suffix kept, one
// delete and one insert in between). Streaming output is therefore an insert at the end of the
// block, and an editor typing anywhere else in the document is never touched; mrmd-monitor
// instead deletes and re-inserts the whole block every 100 ms.
//
// Headless: when no editor creates the block, the monitor inserts it after the code cell
// (found with the fence state machine), replacing an output block that already follows that
// cell, as mrmd's successor monitor does; without a matching cell, at the end of the text.
import * as Y from 'yjs';
import { isOutputInfo, parseFences, type FencedBlock } from './code-fences';
import type { ExecutionEntry } from './execution-entry';

export const CONTENT_TEXT = 'content';
export const OUTPUT_INFO_PREFIX = 'output:';

export interface OutputBlockRange {
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
}

export function contentOf(doc: Y.Doc): Y.Text {
  return doc.getText(CONTENT_TEXT);
}

export function outputBlockText(id: string): string {
  return '```' + OUTPUT_INFO_PREFIX + id + '\n```\n';
}

export function findOutputBlocks(text: string, id: string): OutputBlockRange[] {
  if (!text.includes('```' + OUTPUT_INFO_PREFIX + id)) return [];
  return parseFences(text)
    .filter((block) => block.info === OUTPUT_INFO_PREFIX + id)
    .map((block) => ({ start: block.start, contentStart: block.codeStart, contentEnd: block.codeEnd, end: block.end }));
}

/** Absolute index of a stored RelativePosition in the content text, or null when unusable. */
export function resolvePosition(doc: Y.Doc, position: unknown): number | null {
  if (position === null || typeof position !== 'object') return null;
  try {
    const relative = Y.createRelativePositionFromJSON(position);
    const absolute = Y.createAbsolutePositionFromRelativePosition(relative, doc);
    if (absolute === null || absolute.type !== contentOf(doc)) return null;
    return absolute.index;
  } catch {
    return null;
  }
}

/** `current`: the content text as it is now, when the caller has it already. */
export function locateOutputBlock(doc: Y.Doc, id: string, position?: unknown, current = contentOf(doc).toString()): OutputBlockRange | null {
  const blocks = findOutputBlocks(current, id);
  if (blocks.length === 0) return null;
  const index = resolvePosition(doc, position);
  if (index !== null) {
    const holding = blocks.find((block) => block.start <= index && index <= block.end);
    if (holding) return holding;
  }
  return blocks[0];
}

/** Content as stored in a block: non-empty text always ends with a newline before the fence. */
export function blockContent(output: string): string {
  return output === '' || output.endsWith('\n') ? output : output + '\n';
}

/**
 * Makes the block hold `output`, with the smallest edit. Returns false when the block is not
 * in the document (deleted by a user, or not synced yet).
 */
export function writeOutput(doc: Y.Doc, id: string, output: string, position?: unknown, origin: unknown = null): boolean {
  // A cell without output, its block still the empty one the editor made: nothing to write, and
  // no need to parse every fence of the document (the cost grew with the notebook, per cell).
  if (output === '' && holdsOnlyEmptyBlock(contentOf(doc).toString(), id)) return true;
  let found = false;
  doc.transact(() => {
    const text = contentOf(doc);
    let whole = text.toString();
    if (reconcileOutputBlocks(doc, id, position, null, whole)) whole = text.toString();
    const block = locateOutputBlock(doc, id, position, whole);
    if (block === null) return;
    found = true;
    const current = whole.slice(block.contentStart, block.contentEnd);
    const wanted = blockContent(output);
    if (current === wanted) return;
    let prefix = 0;
    const shorter = Math.min(current.length, wanted.length);
    while (prefix < shorter && current.charCodeAt(prefix) === wanted.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (
      suffix < shorter - prefix &&
      current.charCodeAt(current.length - 1 - suffix) === wanted.charCodeAt(wanted.length - 1 - suffix)
    ) {
      suffix++;
    }
    const removed = current.length - prefix - suffix;
    if (removed > 0) text.delete(block.contentStart + prefix, removed);
    const inserted = wanted.slice(prefix, wanted.length - suffix);
    if (inserted !== '') text.insert(block.contentStart + prefix, inserted);
  }, origin);
  return found;
}

/** The text has one block for `id`, empty, at a line start, and no other mention of its fence. */
function holdsOnlyEmptyBlock(text: string, id: string): boolean {
  const marker = '```' + OUTPUT_INFO_PREFIX + id;
  const at = text.indexOf(marker);
  if (at === -1 || text.indexOf(marker, at + 1) !== -1) return false;
  if (at > 0 && text[at - 1] !== '\n') return false;
  const close = at + marker.length + 4; // after "\n```"
  return text.startsWith('\n```', at + marker.length) && (close === text.length || text[close] === '\n');
}

/**
 * An editor and a headless monitor can both create the block when the editor's answer takes
 * longer than the headless wait; the entry then points at one of them (whichever `ready`
 * write Yjs kept). The block it points at keeps the longest content found among the copies,
 * and the other copies are removed with the blank line before them, so the document shows
 * the output once. Returns true when it changed the text.
 */
export function reconcileOutputBlocks(doc: Y.Doc, id: string, position: unknown, origin: unknown = null, whole?: string): boolean {
  const text = contentOf(doc);
  const marker = '```' + OUTPUT_INFO_PREFIX + id;
  const before = whole ?? text.toString();
  const first = before.indexOf(marker);
  if (first === -1 || before.indexOf(marker, first + 1) === -1) return false;
  let changed = false;
  doc.transact(() => {
    const current = text.toString();
    const blocks = findOutputBlocks(current, id);
    if (blocks.length < 2) return;
    const keep = locateOutputBlock(doc, id, position, current) ?? blocks[0];
    const contents = blocks.map((block) => current.slice(block.contentStart, block.contentEnd));
    const longest = contents.reduce((best, next) => (next.length > best.length ? next : best), '');
    const extra = blocks.filter((block) => block.start !== keep.start).sort((a, b) => b.start - a.start);
    for (const block of extra) {
      const blankBefore = current.slice(block.start - 2, block.start) === '\n\n';
      const from = blankBefore ? block.start - 1 : block.start;
      const to = !blankBefore && current[block.end] === '\n' ? block.end + 1 : block.end;
      text.delete(from, to - from);
    }
    changed = true;
    const kept = locateOutputBlock(doc, id, position);
    if (kept && current.slice(keep.contentStart, keep.contentEnd).length < longest.length) {
      text.delete(kept.contentStart, kept.contentEnd - kept.contentStart);
      text.insert(kept.contentStart, longest);
    }
  }, origin);
  return changed;
}

/** A RelativePosition (JSON) at the content start of the block, as the editor stores it. */
export function outputPositionFor(doc: Y.Doc, id: string): unknown {
  const block = locateOutputBlock(doc, id);
  if (block === null) return null;
  return Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(contentOf(doc), block.contentStart));
}

/**
 * Headless path: creates the block after the entry's code cell unless one exists already, and
 * returns its position.
 */
export function ensureOutputBlock(doc: Y.Doc, id: string, entry: ExecutionEntry, origin: unknown = null): unknown {
  doc.transact(() => {
    const text = contentOf(doc);
    const current = text.toString();
    if (findOutputBlocks(current, id).length > 0) return;
    const blocks = parseFences(current);
    const cell = findCodeCell(blocks, current, entry);
    if (cell === null) {
      const lead = current === '' ? '' : current.endsWith('\n') ? '\n' : '\n\n';
      text.insert(current.length, lead + outputBlockText(id));
      return;
    }
    const following = blocks.find((block) => block.start >= cell.end);
    if (following && isOutputInfo(following.info) && current.slice(cell.end, following.start).trim() === '') {
      text.delete(following.start, following.end - following.start);
      text.insert(following.start, following.end < current.length || current.endsWith('\n') ? outputBlockText(id) : outputBlockText(id).slice(0, -1));
      return;
    }
    const lead = current[cell.end - 1] === '\n' ? '\n' : '\n\n';
    text.insert(cell.end, lead + outputBlockText(id));
  }, origin);
  return outputPositionFor(doc, id);
}

function findCodeCell(blocks: readonly FencedBlock[], text: string, entry: ExecutionEntry): FencedBlock | null {
  const code = typeof entry.code === 'string' ? entry.code.trim() : null;
  if (code === null) return null;
  const language = typeof entry.language === 'string' ? entry.language.toLowerCase() : '';
  const matches = blocks.filter((block) => !isOutputInfo(block.info) && text.slice(block.codeStart, block.codeEnd).trim() === code);
  return matches.find((block) => block.info.toLowerCase() === language) ?? matches[0] ?? null;
}
