// Keeps one document's `Y.Text('content')` and its `<name>.md` file in step (mrmd-sync's
// contract), plus a Yjs snapshot beside it in `.showrunner-sync/`.
//
// Why the snapshot: text alone cannot be turned back into the same Yjs items. If the server
// restarted and rebuilt a document from markdown, an editor that reconnects would merge its
// old items with the new ones and the text would double. Loading the snapshot keeps item
// identity; the markdown stays the source of truth, so an outside edit to the file (or a
// missing snapshot) is applied to the loaded document as one minimal replace.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { writeFileDurable } from '../fs/write-file-durable';

export const SNAPSHOT_DIR = '.showrunner-sync';
const LOAD_ORIGIN = Symbol('markdown-load');

export interface MarkdownPersistenceOptions {
  /** Absolute `.md` path. */
  file: string;
  /** Absolute `.yjs` path. */
  snapshotFile: string;
  saveDebounceMs: number;
  /** Continuous typing still reaches the disk at least this often. */
  saveMaxWaitMs: number;
  log: (line: string) => void;
}

export class MarkdownPersistence {
  private readonly text: Y.Text;
  private timer: NodeJS.Timeout | undefined;
  private firstDirtyAt: number | undefined;
  private dirty = false;
  private lastMarkdown: string | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly doc: Y.Doc,
    private readonly options: MarkdownPersistenceOptions,
  ) {
    this.text = doc.getText('content');
  }

  /** Synchronous on purpose: the first client's sync step must already see the file's text. */
  load(): void {
    const { file, snapshotFile, log } = this.options;
    // Registered first, so the items created from the markdown reach a snapshot too.
    this.doc.on('update', this.onUpdate);
    const snapshot = readIfExists(snapshotFile);
    if (snapshot !== null) {
      try {
        Y.applyUpdate(this.doc, snapshot, LOAD_ORIGIN);
      } catch (error) {
        log(`snapshot ${snapshotFile} unreadable, rebuilding from markdown: ${String(error)}`);
      }
    }
    const markdownBytes = readIfExists(file);
    const markdown = markdownBytes === null ? '' : markdownBytes.toString('utf8');
    this.lastMarkdown = markdownBytes === null ? null : markdown;
    this.doc.transact(() => replaceText(this.text, markdown), LOAD_ORIGIN);
  }

  /** Writes whatever is pending now; resolves when the disk has it. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.saveNow();
    await this.saving;
  }

  /** Stops listening; call after `flush`. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.doc.off('update', this.onUpdate);
  }

  private readonly onUpdate = (): void => {
    this.dirty = true;
    const now = Date.now();
    this.firstDirtyAt ??= now;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const { saveDebounceMs, saveMaxWaitMs } = this.options;
    const delay = Math.max(0, Math.min(saveDebounceMs, this.firstDirtyAt + saveMaxWaitMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow();
    }, delay);
  };

  private saveNow(): void {
    this.dirty = false;
    this.firstDirtyAt = undefined;
    const markdown = this.text.toString();
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.saving = this.saving.then(async () => {
      const { file, snapshotFile, log } = this.options;
      try {
        if (markdown !== this.lastMarkdown) {
          await writeFileDurable(file, markdown);
          this.lastMarkdown = markdown;
          log(`saved ${file} (${Buffer.byteLength(markdown)} bytes)`);
        }
        await writeFileDurable(snapshotFile, snapshot);
      } catch (error) {
        // Kept dirty: the next edit or the flush on close tries again.
        this.dirty = true;
        log(`save of ${file} failed: ${String(error)}`);
      }
    });
  }
}

export function snapshotFileFor(docsDir: string, key: string): string {
  return path.join(path.resolve(docsDir), SNAPSHOT_DIR, `${key}.yjs`);
}

export function ensureDocsDir(docsDir: string): void {
  mkdirSync(docsDir, { recursive: true });
}

/** One delete and one insert around the common prefix and suffix: few new items, cursors kept. */
function replaceText(text: Y.Text, target: string): void {
  const current = text.toString();
  if (current === target) return;
  let start = 0;
  const maxStart = Math.min(current.length, target.length);
  while (start < maxStart && current.charCodeAt(start) === target.charCodeAt(start)) start++;
  let end = 0;
  const maxEnd = Math.min(current.length, target.length) - start;
  while (end < maxEnd && current.charCodeAt(current.length - 1 - end) === target.charCodeAt(target.length - 1 - end)) end++;
  // Never cut a surrogate pair: Yjs would store the halves as broken characters.
  if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(current.charCodeAt(current.length - end))) end--;
  const deleteCount = current.length - start - end;
  if (deleteCount > 0) text.delete(start, deleteCount);
  const insert = target.slice(start, target.length - end);
  if (insert.length > 0) text.insert(start, insert);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function readIfExists(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
