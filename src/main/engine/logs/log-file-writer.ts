// One process's log files (ARCHITECTURE.md §8): `<dir>/<name>-YYYYmmdd-HHMMSS.log` per launch
// (UTC), lines `2026-01-31T12:00:00.000Z [stdout] text`. ANSI sequences are kept, as Gradi's
// files keep them: `less -R` shows the colours and `grep` still finds the words.
//
// - Whole lines only: a partial line waits (per stream) for its newline, for the next launch,
//   for close, or for the store's idle flush (a prompt without newline); bytes that arrive after
//   an idle flush start a new line with their own time.
// - A file past `maxFileBytes` continues in `<name>-YYYYmmdd-HHMMSS.log.1`, `.log.2`, … (new
//   names, never renames, so it works on Windows and `tail -f` readers are not cut off).
// - Retention (LogRetention) runs after each new file.
// - Writes are batched and asynchronous (an AppendFile: in a daemon the log-write thread's, which
//   formats and writes off the main thread; else BatchedAppendFile). Past `maxQueuedBytes` waiting for
//   the disk, lines are left out and a `[system]` line later says how many; producers that
//   honour `queuedBytes` (LogStore.whenWritable) never get there.
// - Two launches within one second share a file (opened for append).
//
// Formatting stays in Buffer space: bytes (UTF-8 or not) pass through unchanged, the prefix is
// kept as bytes and rebuilt only when the millisecond or the stream changes, and the file's
// writeLines spreads a chunk's lines with no JS string or object per line.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogStream } from '../../../shared/model';
import type { AppendFile, OpenAppendFile } from './append-file';
import { BatchedAppendFile } from './batched-append-file';
import { incompleteUtf8TailOf } from './incomplete-utf8-tail';
import { LogRetention } from './log-retention';
import { sharedNewlineScan, type NewlineScan } from './newline-scan';

const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'system'];
const STREAM_CODE: Record<LogStream, number> = { stdout: 0, stderr: 1, system: 2 };

export interface LogFileWriterOptions {
  /** The process's folder, `<logDir>/<name>`. */
  dir: string;
  /** File name prefix, the process name made safe (`logDirName`). */
  name: string;
  maxFileBytes?: number;
  maxFiles?: number;
  maxTotalBytes?: number;
  /** Files last written longer ago than this are deleted. */
  maxAgeMs?: number;
  maxQueuedBytes?: number;
  /** Each failure; after one the writer stays quiet until the next launch. */
  onError: (error: Error) => void;
  /** After each batch reaches the OS (so waiters can check `queuedBytes`). */
  onWritten?: () => void;
  /** How files are opened (LogStore passes its log-write thread's); default BatchedAppendFile. */
  openFile?: OpenAppendFile;
}

const openBatched: OpenAppendFile = (path, options) => new BatchedAppendFile(path, options);

interface PartialLine {
  pieces: Buffer[];
  bytes: number;
  at: number;
  lastAt: number;
}

export class LogFileWriter {
  private readonly dir: string;
  private readonly name: string;
  private readonly maxFileBytes: number;
  private readonly maxQueuedBytes: number;
  private readonly onError: (error: Error) => void;
  private readonly onWritten: () => void;
  private file: AppendFile | null = null;
  private readonly openFile: OpenAppendFile;
  private currentPath: string | null = null;
  private stamp = '';
  private part = 0;
  private fileBytes = 0;
  private failed = false;
  private closed = false;
  private skippedLines = 0;
  private skippedTotal = 0;
  private readonly partials: (PartialLine | null)[] = [null, null, null];
  private readonly closing = new Set<Promise<void>>();
  private readonly retention: LogRetention;
  private pruning: Promise<void> = Promise.resolve();
  private prefixAt = NaN;
  private prefixCode = -1;
  private readonly prefixBuffer = Buffer.alloc(64);
  private prefix = this.prefixBuffer.subarray(0, 0);

  constructor({ dir, name, maxFileBytes = 10 * 1024 * 1024, maxFiles = 2000, maxTotalBytes = Infinity, maxAgeMs = Infinity, maxQueuedBytes = 8 * 1024 * 1024, onError, onWritten = () => {}, openFile = openBatched }: LogFileWriterOptions) {
    this.openFile = openFile;
    this.dir = dir;
    this.name = name;
    this.maxFileBytes = maxFileBytes;
    this.retention = new LogRetention({ dir, name, maxFiles, maxTotalBytes, maxAgeMs, current: () => this.file?.path ?? null });
    this.maxQueuedBytes = maxQueuedBytes;
    this.onError = onError;
    this.onWritten = onWritten;
  }

  /** The file being written (or last written), null when the folder failed. */
  get path(): string | null {
    return this.currentPath;
  }

  /** Bytes handed over but not yet written by the OS. */
  get queuedBytes(): number {
    return this.file?.queuedBytes ?? 0;
  }

  /** Lines left out because the disk did not keep up. */
  get linesNotWritten(): number {
    return this.skippedTotal;
  }

  get hasPartial(): boolean {
    return this.partials[0] !== null || this.partials[1] !== null || this.partials[2] !== null;
  }

  /**
   * Ends the current file and opens `<name>-<stamp of at>.log`; retries a folder that failed.
   * A run's first launch (not a restart) pins its file, so a crash loop keeps its first failure.
   */
  beginLaunch(at: number, { restart = false }: { restart?: boolean } = {}): void {
    if (this.closed) return;
    this.flushPartials();
    this.closeFile();
    this.failed = false;
    this.open(fileStamp(at), 0);
    if (!restart && this.currentPath) this.retention.pin(this.currentPath);
  }

  /** New retention limits (the manifest's `[logs]` changed). */
  setRetention(limits: { maxFiles?: number; maxTotalBytes?: number; maxAgeMs?: number }): void {
    this.retention.setLimits(limits);
  }

  /** `newlines`: the chunk's newlines when the caller has scanned it already (LogStore shares one scan). */
  write(stream: LogStream, data: Uint8Array, at: number, newlines?: NewlineScan): void {
    if (this.failed || this.closed || data.length === 0) return;
    if (!this.file) this.open(fileStamp(at), 0);
    if (this.failed) return;
    const code = STREAM_CODE[stream];
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    const scan = newlines ?? sharedNewlineScan.scan(buffer);
    if (scan.count === 0) return this.hold(code, buffer, 0, at);
    const first = scan.positions[0];
    const last = scan.positions[scan.count - 1];
    let start = 0;
    const partial = this.partials[code];
    if (partial) {
      this.partials[code] = null;
      const prefix = this.prefixFor(partial.at, code);
      if (this.admit(prefix.length + partial.bytes + first + 1, 1, at)) {
        this.file!.writeBytes(prefix);
        for (const piece of partial.pieces) this.file!.writeBytes(piece);
        this.file!.writeBytes(buffer.subarray(0, first + 1));
        this.wrote(prefix.length + partial.bytes + first + 1, at);
      }
      start = first + 1;
    }
    if (start <= last) {
      const prefix = this.prefixFor(at, code);
      // The scan already counted the lines, so admission knows the exact size with prefixes.
      const payload = last + 1 - start;
      const firstLine = start === 0 ? 0 : 1; // the newline ending the partial line is written
      const lines = scan.count - firstLine;
      if (this.admit(payload + lines * prefix.length, lines, at)) {
        this.file!.writeLines(prefix, buffer, start, last + 1, scan, firstLine);
        this.wrote(payload + lines * prefix.length, at);
      }
    }
    if (last + 1 < buffer.length) this.hold(code, buffer, last + 1, at);
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
      partial.bytes += piece.length;
      partial.lastAt = at;
    } else {
      this.partials[code] = { pieces: [piece], bytes: piece.length, at, lastAt: at };
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
    if (keep > 0) this.partials[code] = { pieces: [bytes.subarray(bytes.length - keep)], bytes: keep, at: partial.lastAt, lastAt: partial.lastAt };
    if (keep === bytes.length || !this.file) return;
    const prefix = this.prefixFor(partial.at, code);
    const size = prefix.length + bytes.length - keep + 1;
    if (!this.admit(size, 1, partial.lastAt)) return;
    this.file.writeBytes(prefix);
    this.file.writeBytes(bytes.subarray(0, bytes.length - keep));
    this.file.writeLatin1('\n');
    this.wrote(size, partial.lastAt);
  }

  /** Whether `bytes` fit in the queue; if not, the lines are counted as left out. */
  private admit(bytes: number, lines: number, at: number): boolean {
    const file = this.file;
    if (!file) return false;
    if (this.skippedLines > 0 && file.hasRoom(bytes + 200)) {
      // Not through prefixFor: the caller may hold the prefix it returned.
      const note = `${new Date(at).toISOString()} [system] showrunner: ${this.skippedLines} lines not written to this file, the disk did not keep up\n`;
      this.skippedLines = 0;
      file.writeLatin1(note);
      this.fileBytes += note.length;
    }
    if (file.hasRoom(bytes)) return true;
    this.skippedLines += lines;
    this.skippedTotal += lines;
    return false;
  }

  private wrote(bytes: number, at: number): void {
    this.fileBytes += bytes;
    if (this.fileBytes < this.maxFileBytes) return;
    const stamp = this.stamp || fileStamp(at);
    const part = this.part + 1;
    this.closeFile();
    this.open(stamp, part);
  }

  /** `2026-01-31T12:00:00.000Z [stdout] ` as bytes; valid until the next call (callers copy it). */
  private prefixFor(at: number, code: number): Buffer {
    if (at !== this.prefixAt || code !== this.prefixCode) {
      const length = this.prefixBuffer.write(`${new Date(at).toISOString()} [${STREAMS[code]}] `, 'latin1');
      this.prefix = this.prefixBuffer.subarray(0, length);
      this.prefixAt = at;
      this.prefixCode = code;
    }
    return this.prefix;
  }

  private open(stamp: string, part: number): void {
    const path = join(this.dir, `${this.name}-${stamp}.log${part > 0 ? `.${part}` : ''}`);
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const file: AppendFile = this.openFile(path, {
      maxQueuedBytes: this.maxQueuedBytes,
      onError: (error) => (file === this.file ? this.fail(error) : this.onError(error)),
      onWritten: this.onWritten,
    });
    this.file = file;
    this.currentPath = path;
    this.stamp = stamp;
    this.part = part;
    // A second launch in the same second appends to the file: its size goes on from there.
    this.fileBytes = this.retention.bytesOf(path);
    this.retention.track(path);
    this.pruning = this.retention.enforce();
  }

  private closeFile(): void {
    const file = this.file;
    if (!file) return;
    this.file = null;
    const closing = file.close();
    this.retention.track(file.path, this.fileBytes, closing);
    this.closing.add(closing);
    void closing.then(() => this.closing.delete(closing));
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.closeFile();
    this.currentPath = null;
    this.partials.fill(null);
    this.onError(error);
  }
}

/** `YYYYmmdd-HHMMSS` in UTC. */
export function fileStamp(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}
