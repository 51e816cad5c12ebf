// One log file written by the log-write thread: appends become records in the shared ring
// (one copy of the bytes, no formatting here), and `queuedBytes` counts the file's bytes the
// thread has not yet handed to the OS. Records are bounded in size (a read's worth of data,
// a bounded number of lines), so no single one can take the whole ring.
import type { AppendFile, AppendFileOptions } from './append-file';
import type { LogRecord } from './log-write-ring';
import { sharedNewlineScan, type NewlineScan } from './newline-scan';

/** Most data bytes and lines in one record (with a 64-byte prefix, 768 KiB formatted). */
export const MAX_RECORD_DATA = 256 * 1024;
export const MAX_RECORD_LINES = 8192;

/** What a file needs from the thread (LogWriteThread). */
export interface LogWriteQueue {
  readonly kinds: { lines: number; raw: number };
  /** Queues a record whose output is `size` bytes; false when the thread is gone. */
  enqueue(file: ThreadAppendFile, record: LogRecord, size: number): boolean;
  /** Queues the file's close; resolves once the thread closed it. */
  close(file: ThreadAppendFile): Promise<void>;
}

export class ThreadAppendFile implements AppendFile {
  readonly path: string;
  readonly id: number;
  private readonly queue: LogWriteQueue;
  private readonly maxQueuedBytes: number;
  private readonly onError: (error: Error) => void;
  private readonly onWritten: () => void;
  private queued = 0;
  private failed = false;
  private closing: Promise<void> | null = null;

  constructor(queue: LogWriteQueue, id: number, path: string, { maxQueuedBytes, onError, onWritten = () => {} }: AppendFileOptions) {
    this.queue = queue;
    this.id = id;
    this.path = path;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onError = onError;
    this.onWritten = onWritten;
  }

  get queuedBytes(): number {
    return this.queued;
  }

  hasRoom(bytes: number): boolean {
    return !this.failed && this.closing === null && this.queued + bytes <= this.maxQueuedBytes;
  }

  writeLatin1(text: string): void {
    this.writeBytes(Buffer.from(text, 'latin1'));
  }

  writeBytes(bytes: Uint8Array): void {
    for (let from = 0; from < bytes.length; from += MAX_RECORD_DATA) {
      const data = from === 0 && bytes.length <= MAX_RECORD_DATA ? bytes : bytes.subarray(from, from + MAX_RECORD_DATA);
      this.send({ kind: this.queue.kinds.raw, file: this.id, data }, data.length);
    }
  }

  writeLines(prefix: Uint8Array, src: Uint8Array, from: number, to: number, newlines: NewlineScan = sharedNewlineScan.scan(src, from, to), firstNewline = 0): number {
    const { positions } = newlines;
    let k = firstNewline;
    let start = from;
    let lines = 0;
    while (start < to) {
      // As many whole lines as a record takes, from `start`.
      let n = 0;
      while (k + n < newlines.count && n < MAX_RECORD_LINES && positions[k + n] < to && positions[k + n] + 1 - start <= MAX_RECORD_DATA) n++;
      if (n === 0) {
        // A line longer than a record: its prefix, then its bytes in pieces.
        const ends = k < newlines.count && positions[k] < to;
        const end = ends ? positions[k] + 1 : to;
        this.writeBytes(prefix);
        this.writeBytes(src.subarray(start, end));
        if (ends) k++;
        start = end;
        lines++;
        continue;
      }
      const end = positions[k + n - 1] + 1;
      this.send({ kind: this.queue.kinds.lines, file: this.id, prefix, newlines: positions, first: k, count: n, data: src.subarray(start, end), start }, end - start + n * prefix.length);
      k += n;
      lines += n;
      start = end;
    }
    return lines;
  }

  close(): Promise<void> {
    this.closing ??= this.queue.close(this);
    return this.closing;
  }

  /** The thread wrote `bytes` of this file's output. */
  written(bytes: number): void {
    if (!this.failed) this.queued -= bytes;
  }

  /** Called after `written` for a batch of progress. */
  notifyWritten(): void {
    this.onWritten();
  }

  /** Writing failed in the thread (or the thread is gone): nothing more is taken. */
  fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.queued = 0;
    this.onError(error);
    this.onWritten(); // nothing waits any more: let anyone waiting for room go on
  }

  private send(record: LogRecord, size: number): void {
    if (this.failed) return;
    if (this.queue.enqueue(this, record, size)) this.queued += size;
  }
}
