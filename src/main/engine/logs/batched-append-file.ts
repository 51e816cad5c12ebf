// A file opened for append that takes many small writes and hands them to the OS in few large
// ones, formatting on the calling thread (a LogStore without its log-write thread). Bytes are copied into pooled buffers; a batch leaves once it holds FLUSH_BYTES or has
// waited FLUSH_DELAY_MS, and while one writev is in flight the next batch gathers, so a chatty
// process costs one system call per megabyte, not one per read or line, and no allocation once
// the pool is warm. Memory is bounded: callers ask `hasRoom` first and count
// what they leave out.
//
// `writeLines` puts a prefix before every line without a JS string or object per line, and
// without searching again (the caller's newline scan says where lines end): the lines are
// staged in the second half of the current buffer (one copy) and moved into the first with
// `copyWithin` (a memmove, no allocation), the prefix copied in front of each.
import { close, open, writev } from 'node:fs';
import type { AppendFile } from './append-file';
import { BufferPool } from './buffer-pool';
import { sharedNewlineScan, type NewlineScan } from './newline-scan';

const BUFFER_BYTES = 64 * 1024;
/** A batch this big is written at once; a smaller one waits FLUSH_DELAY_MS for more. */
const FLUSH_BYTES = 1024 * 1024;
const FLUSH_DELAY_MS = 4;
/** LogStore's high water when files are written on the main thread: what the pool below holds. */
export const MAIN_THREAD_HIGH_WATER_BYTES = 1.5 * 1024 * 1024;
/**
 * Enough for a flooding file's queue (MAIN_THREAD_HIGH_WATER_BYTES) and the batch in flight, so
 * a flood allocates nothing; shared by every file, trimmed when idle.
 */
const pool = new BufferPool({ bufferBytes: 2 * BUFFER_BYTES, maxBuffers: 64, idleBuffers: 4, idleMs: 500 });

/** Each buffer is twice its capacity: data goes in the first half, `writeLines` stages in the second. */
function capacityOf(buffer: Buffer): number {
  return buffer.length >>> 1;
}
/**
 * A file's first buffer, when the pool is empty, is small: a thousand services each saying one
 * line at start would otherwise hold a thousand full buffers until their files open, and that
 * much external memory drives V8 into back-to-back full collections.
 */
const FIRST_BUFFER_BYTES = 4 * 1024;

function take(first = false): Buffer {
  return first && pool.size === 0 ? Buffer.allocUnsafeSlow(2 * FIRST_BUFFER_BYTES) : pool.take();
}
function release(buffers: Buffer[]): void {
  pool.release(buffers);
}

export class BatchedAppendFile implements AppendFile {
  readonly path: string;
  private readonly maxQueuedBytes: number;
  private readonly onError: (error: Error) => void;
  private readonly onWritten: () => void;
  private fd: number | null = null;
  /** Filled buffers, oldest first; the last one may be partly used. */
  private pending: Buffer[] = [];
  /** Bytes used in each pending buffer but the last (`writeLines` may end one early). */
  private lengths: number[] = [];
  private used = 0;
  private queued = 0;
  private inFlight = 0;
  private writing = false;
  private flushScheduled = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private failed = false;
  private closing = false;
  private finished = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(path: string, { maxQueuedBytes, onError, onWritten = () => {} }: { maxQueuedBytes: number; onError: (error: Error) => void; onWritten?: () => void }) {
    this.path = path;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onError = onError;
    this.onWritten = onWritten;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    open(path, 'a', 0o644, (error, fd) => {
      if (error) return this.fail(error);
      this.fd = fd;
      this.flush();
    });
  }

  /** Bytes accepted but not yet written. */
  get queuedBytes(): number {
    return this.queued + this.inFlight;
  }

  hasRoom(bytes: number): boolean {
    return !this.failed && !this.closing && this.queuedBytes + bytes <= this.maxQueuedBytes;
  }

  /** One byte per character (`latin1`): text built from raw bytes goes back out unchanged. */
  writeLatin1(text: string): void {
    for (let from = 0; from < text.length; ) {
      const buffer = this.room();
      const n = buffer.write(from === 0 ? text : text.slice(from), this.used, capacityOf(buffer) - this.used, 'latin1');
      this.used += n;
      this.queued += n;
      from += n;
    }
    this.scheduleFlush();
  }

  writeBytes(bytes: Uint8Array): void {
    for (let from = 0; from < bytes.length; ) {
      const buffer = this.room();
      const n = Math.min(bytes.length - from, capacityOf(buffer) - this.used);
      buffer.set(from === 0 && n === bytes.length ? bytes : bytes.subarray(from, from + n), this.used);
      this.used += n;
      this.queued += n;
      from += n;
    }
    this.scheduleFlush();
  }

  /**
   * `src[from, to)`, whole lines each ending in a newline, each preceded by `prefix` (which
   * fits in a buffer). `newlines` holds the newline positions in `src` (the caller's scan,
   * from index `firstNewline`); without it `src[from, to)` is scanned here. Returns how many
   * lines were written.
   */
  writeLines(prefix: Uint8Array, src: Uint8Array, from: number, to: number, newlines: NewlineScan = sharedNewlineScan.scan(src, from, to), firstNewline = 0): number {
    const width = prefix.length;
    const { positions, count } = newlines;
    let k = firstNewline;
    let lines = 0;
    let start = from;
    while (start < to) {
      const buffer = this.room();
      // Stage in the buffer's second half, then move each line into the first behind its prefix.
      const capacity = capacityOf(buffer);
      const staged = Math.min(to - start, capacity);
      const base = capacity - start; // staged position of src index i: base + i
      buffer.set(start === 0 && staged === src.length ? src : src.subarray(start, start + staged), capacity);
      const stagedTo = start + staged; // src bytes past it were not staged
      let write = this.used;
      let line = start;
      let full = false;
      for (; k < count; k++) {
        const newline = positions[k];
        if (newline >= stagedTo) break; // the rest was not staged: stage again
        const bytes = newline + 1 - line;
        if (write + width + bytes > capacity) {
          full = true;
          break;
        }
        buffer.set(prefix, write);
        write += width;
        buffer.copyWithin(write, base + line, base + newline + 1);
        write += bytes;
        line = newline + 1;
        lines++;
      }
      this.queued += write - this.used;
      this.used = write;
      if (line === start && this.used === 0) {
        // A line longer than a whole buffer: written in pieces.
        const ends = k < count && positions[k] < to;
        const end = ends ? positions[k] + 1 : to;
        this.writeBytes(prefix);
        this.writeBytes(src.subarray(start, end));
        if (ends) k++;
        line = end;
        lines++;
      } else if (full || line === start) {
        this.nextBuffer();
      }
      start = line;
    }
    this.scheduleFlush();
    return lines;
  }

  /** Writes what is queued, then closes; resolves when the file is closed (also after a failure). */
  close(): Promise<void> {
    this.closing = true;
    this.flush();
    return this.done;
  }

  private room(): Buffer {
    if (this.pending.length === 0 || this.used === capacityOf(this.pending[this.pending.length - 1])) return this.nextBuffer();
    return this.pending[this.pending.length - 1];
  }

  /** Ends the current buffer where it is filled and starts a fresh one. */
  private nextBuffer(): Buffer {
    if (this.pending.length > 0) this.lengths.push(this.used);
    const buffer = take(this.pending.length === 0);
    this.pending.push(buffer);
    this.used = 0;
    return buffer;
  }

  private scheduleFlush(): void {
    if (this.writing || this.flushScheduled) return; // a write in flight flushes what gathers when it ends
    if (this.queued >= FLUSH_BYTES) {
      // Everything written in this tick leaves in one writev.
      this.flushScheduled = true;
      process.nextTick(() => {
        this.flushScheduled = false;
        this.flush();
      });
    } else if (!this.flushTimer) {
      // A little output waits a moment for more: a flood read in small pieces then leaves in
      // few large writes (each costs a thread-pool round trip), not one per read.
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.writing || this.fd === null || this.failed || this.finished) return;
    if (this.queued === 0) {
      if (this.closing) this.finish();
      return;
    }
    const buffers = this.pending;
    const lengths = this.lengths;
    const pieces = buffers.map((buffer, index) => buffer.subarray(0, index < lengths.length ? lengths[index] : this.used));
    this.pending = [];
    this.lengths = [];
    this.used = 0;
    this.inFlight = this.queued;
    this.queued = 0;
    this.writing = true;
    this.writeAll(this.fd, pieces, () => {
      release(buffers);
      this.inFlight = 0;
      this.writing = false;
      this.onWritten();
      if (this.closing || this.queued >= FLUSH_BYTES) this.flush();
      else if (this.queued > 0) this.scheduleFlush();
    });
  }

  /** writev may write less than asked; the rest goes in further calls. */
  private writeAll(fd: number, pieces: Buffer[], then: () => void): void {
    writev(fd, pieces, (error, written) => {
      if (error) return this.fail(error);
      let rest = pieces;
      let skip = written;
      while (rest.length > 0 && skip >= rest[0].length) {
        skip -= rest[0].length;
        rest = rest.slice(1);
      }
      if (rest.length === 0) return then();
      this.writeAll(fd, [rest[0].subarray(skip), ...rest.slice(1)], then);
    });
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.pending = [];
    this.lengths = [];
    this.queued = 0;
    this.inFlight = 0;
    this.onError(error);
    this.onWritten(); // nothing waits any more: let anyone waiting for room go on
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.fd === null) return this.resolveDone();
    close(this.fd, () => this.resolveDone());
  }
}
