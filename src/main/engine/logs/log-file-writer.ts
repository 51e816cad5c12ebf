// One process's log files (ARCHITECTURE.md §8): `<dir>/<name>-YYYYmmdd-HHMMSS.log` per launch
// (UTC), lines `2026-01-31T12:00:00.000Z [stdout] text`. ANSI sequences are kept, as Gradi's
// files keep them: `less -R` shows the colours and `grep` still finds the words.
//
// - Whole lines only: a partial line waits (per stream) for its newline, for the next launch,
//   for close, or for the store's idle flush (a prompt without newline); bytes that arrive after
//   an idle flush start a new line with their own time.
// - A file past `maxFileBytes` continues in `<name>-YYYYmmdd-HHMMSS.log.1`, `.log.2`, … (new
//   names, never renames, so it works on Windows and `tail -f` readers are not cut off).
// - Retention: after each new file the oldest files of this process go until at most
//   `maxFiles` remain and together they hold at most `maxTotalBytes`.
// - Writes are asynchronous (one fs.WriteStream, corked per tick). If the disk cannot keep up
//   and more than `maxQueuedBytes` wait, lines are skipped, and a `[system]` line says how many.
// - Two launches within one second share a file (opened for append).
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogStream } from '../../../shared/model';
import { incompleteUtf8TailOf } from './incomplete-utf8-tail';

const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'system'];
const STREAM_CODE: Record<LogStream, number> = { stdout: 0, stderr: 1, system: 2 };
const NEWLINE = 10;

export interface LogFileWriterOptions {
  /** The process's folder, `<logDir>/<name>`. */
  dir: string;
  /** File name prefix, the process name made safe (`logDirName`). */
  name: string;
  maxFileBytes?: number;
  maxFiles?: number;
  maxTotalBytes?: number;
  maxQueuedBytes?: number;
  /** The first failure of each kind; the writer then stays quiet until the next launch. */
  onError: (error: Error) => void;
}

interface Partial {
  pieces: Buffer[];
  at: number;
  lastAt: number;
}

// Newline positions of the chunk being written; shared, since writes are synchronous.
let positions: Int32Array = new Int32Array(4096);

export class LogFileWriter {
  private readonly dir: string;
  private readonly name: string;
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;
  private readonly maxTotalBytes: number;
  private readonly maxQueuedBytes: number;
  private readonly onError: (error: Error) => void;
  private stream: WriteStream | null = null;
  private file: string | null = null;
  private stamp: string | null = null;
  private part = 0;
  private fileBytes = 0;
  private failed = false;
  private closed = false;
  private corked = false;
  private skippedLines = 0;
  private readonly partials: (Partial | null)[] = [null, null, null];
  private readonly closing = new Set<Promise<void>>();
  private pruning: Promise<void> = Promise.resolve();
  private prefixAt = NaN;
  private prefixCode = -1;
  private prefix = Buffer.alloc(0);

  constructor({ dir, name, maxFileBytes = 10 * 1024 * 1024, maxFiles = 20, maxTotalBytes = Infinity, maxQueuedBytes = 4 * 1024 * 1024, onError }: LogFileWriterOptions) {
    this.dir = dir;
    this.name = name;
    this.maxFileBytes = maxFileBytes;
    this.maxFiles = Math.max(1, maxFiles);
    this.maxTotalBytes = maxTotalBytes;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onError = onError;
  }

  /** The file being written, if any. */
  get path(): string | null {
    return this.file;
  }

  get hasPartial(): boolean {
    return this.partials[0] !== null || this.partials[1] !== null || this.partials[2] !== null;
  }

  /** Ends the current file and opens `<name>-<stamp of at>.log`; retries a directory that failed. */
  beginLaunch(at: number): void {
    if (this.closed) return;
    this.flushPartials();
    this.closeFile();
    this.failed = false;
    this.open(at, 0);
  }

  write(stream: LogStream, data: Uint8Array, at: number): void {
    if (this.failed || this.closed || data.length === 0) return;
    if (!this.stream) this.open(at, 0);
    if (this.failed) return;
    const code = STREAM_CODE[stream];
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    let count = 0;
    for (let p = buffer.indexOf(NEWLINE); p !== -1; p = buffer.indexOf(NEWLINE, p + 1)) {
      if (count === positions.length) positions = growPositions(positions);
      positions[count++] = p;
    }
    if (count === 0) {
      this.hold(code, buffer, 0, at);
      return;
    }
    const partial = this.partials[code];
    this.partials[code] = null;
    if (!this.roomInQueue(at)) {
      this.skippedLines += count;
    } else {
      const prefixBytes = this.prefixFor(at, code).length;
      const lastEnd = positions[count - 1] + 1;
      const partialBytes = partial ? partial.pieces.reduce((sum, piece) => sum + piece.length, 0) : 0;
      const out = Buffer.allocUnsafe(count * prefixBytes + lastEnd + partialBytes);
      let position = 0;
      let lineStart = 0;
      for (let i = 0; i < count; i++) {
        if (i === 0 && partial) {
          position += this.prefixFor(partial.at, code).copy(out, position);
          for (const piece of partial.pieces) position += piece.copy(out, position);
        } else {
          out.set(this.prefixFor(at, code), position);
          position += prefixBytes;
        }
        const lineEnd = positions[i] + 1;
        position += buffer.copy(out, position, lineStart, lineEnd);
        lineStart = lineEnd;
      }
      this.emit(out, at);
    }
    if (positions[count - 1] + 1 < buffer.length) this.hold(code, buffer, positions[count - 1] + 1, at);
  }

  /** Writes partial lines that saw no output for `idleMs`; true while some still wait. */
  flushIdle(now: number, idleMs: number): boolean {
    for (let code = 0; code < this.partials.length; code++) {
      const partial = this.partials[code];
      if (partial && now - partial.lastAt >= idleMs) this.flushPartial(code, false);
    }
    return this.hasPartial;
  }

  /** Writes what waits, closes the file and waits for pending writes and retention. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.flushPartials();
      this.closeFile();
      this.closed = true;
    }
    await Promise.all([...this.closing]);
    await this.pruning;
  }

  private hold(code: number, buffer: Buffer, from: number, at: number): void {
    // A copy: the caller may reuse its buffer, and a slice would pin a whole pipe chunk.
    const piece = Buffer.from(buffer.subarray(from));
    const partial = this.partials[code];
    if (partial) {
      partial.pieces.push(piece);
      partial.lastAt = at;
    } else {
      this.partials[code] = { pieces: [piece], at, lastAt: at };
    }
  }

  private flushPartials(): void {
    for (let code = 0; code < this.partials.length; code++) if (this.partials[code]) this.flushPartial(code, true);
  }

  /** Ends a partial line with a newline; unless `whole`, a character still missing bytes waits. */
  private flushPartial(code: number, whole: boolean): void {
    const partial = this.partials[code];
    if (!partial) return;
    this.partials[code] = null;
    const bytes = Buffer.concat(partial.pieces);
    const keep = whole ? 0 : incompleteUtf8TailOf(bytes);
    if (keep > 0) this.partials[code] = { pieces: [bytes.subarray(bytes.length - keep)], at: partial.lastAt, lastAt: partial.lastAt };
    if (keep === bytes.length || this.failed || !this.stream) return;
    if (!this.roomInQueue(partial.lastAt)) {
      this.skippedLines++;
      return;
    }
    this.emit(Buffer.concat([this.prefixFor(partial.at, code), bytes.subarray(0, bytes.length - keep), Buffer.from('\n')]), partial.lastAt);
  }

  /** False when the disk is behind by more than `maxQueuedBytes`; says so once it has caught up. */
  private roomInQueue(at: number): boolean {
    const stream = this.stream;
    if (!stream) return false;
    if (stream.writableLength > this.maxQueuedBytes) return false;
    if (this.skippedLines > 0) {
      const note = `showrunner: ${this.skippedLines} lines not written to this file, the disk did not keep up\n`;
      this.skippedLines = 0;
      this.emit(Buffer.concat([this.prefixFor(at, STREAM_CODE.system), Buffer.from(note)]), at);
    }
    return this.stream !== null;
  }

  private emit(out: Buffer, at: number): void {
    const stream = this.stream;
    if (!stream) return;
    if (!this.corked) {
      // Everything written in this tick leaves in one writev.
      this.corked = true;
      stream.cork();
      process.nextTick(() => {
        this.corked = false;
        stream.uncork();
      });
    }
    stream.write(out);
    this.fileBytes += out.length;
    if (this.fileBytes >= this.maxFileBytes) {
      const stamp = this.stamp;
      this.closeFile();
      this.openPart(stamp ?? fileStamp(at), this.part + 1);
    }
  }

  private prefixFor(at: number, code: number): Buffer {
    if (at !== this.prefixAt || code !== this.prefixCode) {
      this.prefix = Buffer.from(`${new Date(at).toISOString()} [${STREAMS[code]}] `);
      this.prefixAt = at;
      this.prefixCode = code;
    }
    return this.prefix;
  }

  private open(at: number, part: number): void {
    this.openPart(fileStamp(at), part);
  }

  private openPart(stamp: string, part: number): void {
    const file = join(this.dir, `${this.name}-${stamp}.log${part > 0 ? `.${part}` : ''}`);
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      this.fail(error);
      return;
    }
    const stream = createWriteStream(file, { flags: 'a' });
    stream.on('error', (error) => {
      if (stream === this.stream) this.fail(error);
    });
    this.stream = stream;
    this.file = file;
    this.stamp = stamp;
    this.part = part;
    this.fileBytes = 0;
    // Retention looks once this file exists and the previous one is complete, so it sees all.
    const opened = new Promise<void>((resolve) => {
      stream.once('open', () => resolve());
      stream.once('close', () => resolve());
    });
    const previous = [...this.closing];
    this.pruning = this.pruning.then(async () => {
      await Promise.all([opened, ...previous]);
      await this.prune();
    });
  }

  private closeFile(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    const closing = new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.end();
    });
    this.closing.add(closing);
    void closing.then(() => this.closing.delete(closing));
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const stream = this.stream;
    this.stream = null;
    this.file = null;
    this.partials.fill(null);
    if (stream) {
      const closing = new Promise<void>((resolve) => {
        if (stream.closed) resolve();
        else stream.once('close', () => resolve());
        stream.destroy();
      });
      this.closing.add(closing);
      void closing.then(() => this.closing.delete(closing));
    }
    this.onError(error instanceof Error ? error : new Error(String(error)));
  }

  /** Deletes this process's oldest files beyond the count and byte limits; never the one being written. */
  private async prune(): Promise<void> {
    const current = this.file;
    const pattern = new RegExp(`^${escapeRegExp(this.name)}-(\\d{8}-\\d{6})\\.log(?:\\.(\\d+))?$`);
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return; // the open reports it
    }
    const files = names
      .map((name) => ({ name, match: pattern.exec(name) }))
      .filter((file): file is { name: string; match: RegExpExecArray } => file.match !== null)
      .map(({ name, match }) => ({ path: join(this.dir, name), stamp: match[1], part: Number(match[2] ?? 0), bytes: 0 }))
      .sort((a, b) => (a.stamp === b.stamp ? a.part - b.part : a.stamp < b.stamp ? -1 : 1));
    if (Number.isFinite(this.maxTotalBytes)) {
      // The file being written counts what was handed to it, written yet or not.
      for (const file of files) file.bytes = file.path === current ? this.fileBytes : await stat(file.path).then((info) => info.size, () => 0);
    }
    let count = files.length;
    if (current !== null && !files.some((file) => file.path === current)) count++; // still opening
    let bytes = files.reduce((sum, file) => sum + file.bytes, 0);
    for (const file of files) {
      if (count <= this.maxFiles && bytes <= this.maxTotalBytes) break;
      if (file.path === current) continue;
      await unlink(file.path).catch(() => {});
      count--;
      bytes -= file.bytes;
    }
  }
}

/** `YYYYmmdd-HHMMSS` in UTC. */
export function fileStamp(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

function growPositions(old: Int32Array): Int32Array {
  const grown = new Int32Array(old.length * 2);
  grown.set(old);
  return grown;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
