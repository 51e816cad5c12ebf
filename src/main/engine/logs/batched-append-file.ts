// A file opened for append that takes many small writes and hands them to the OS in few large
// ones. Bytes are copied into pooled buffers; while one writev is in flight the next batch
// gathers, so a chatty process costs one system call per event-loop turn, not one per line, and
// no allocation once the pool is warm. Memory is bounded: callers ask `hasRoom` first and count
// what they leave out.
import { close, open, writev } from 'node:fs';

const BUFFER_BYTES = 256 * 1024;
/**
 * A batch's first buffer, when the pool is empty. A thousand services each saying one line at
 * start would otherwise hold a thousand 256 KiB buffers until their files open, and that much
 * external memory drives V8 into back-to-back full collections.
 */
const FIRST_BUFFER_BYTES = 4 * 1024;
const POOL_MAX = 8;
const pool: Buffer[] = [];

function take(first: boolean): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(first ? FIRST_BUFFER_BYTES : BUFFER_BYTES);
}
function release(buffers: Buffer[]): void {
  for (const buffer of buffers) if (pool.length < POOL_MAX && buffer.length === BUFFER_BYTES) pool.push(buffer);
}

export class BatchedAppendFile {
  readonly path: string;
  private readonly maxQueuedBytes: number;
  private readonly onError: (error: Error) => void;
  private readonly onWritten: () => void;
  private fd: number | null = null;
  /** Filled buffers, oldest first; the last one may be partly used. */
  private pending: Buffer[] = [];
  private used = 0;
  private queued = 0;
  private inFlight = 0;
  private writing = false;
  private flushScheduled = false;
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
      const n = buffer.write(from === 0 ? text : text.slice(from), this.used, 'latin1');
      this.used += n;
      this.queued += n;
      from += n;
    }
    this.scheduleFlush();
  }

  writeBytes(bytes: Uint8Array): void {
    for (let from = 0; from < bytes.length; ) {
      const buffer = this.room();
      const n = Math.min(bytes.length - from, buffer.length - this.used);
      buffer.set(from === 0 && n === bytes.length ? bytes : bytes.subarray(from, from + n), this.used);
      this.used += n;
      this.queued += n;
      from += n;
    }
    this.scheduleFlush();
  }

  /** Writes what is queued, then closes; resolves when the file is closed (also after a failure). */
  close(): Promise<void> {
    this.closing = true;
    this.flush();
    return this.done;
  }

  private room(): Buffer {
    if (this.pending.length === 0 || this.used === this.pending[this.pending.length - 1].length) {
      this.pending.push(take(this.pending.length === 0));
      this.used = 0;
    }
    return this.pending[this.pending.length - 1];
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.writing) return;
    // Everything written in this tick leaves in one writev.
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.writing || this.fd === null || this.failed || this.finished) return;
    if (this.queued === 0) {
      if (this.closing) this.finish();
      return;
    }
    const buffers = this.pending;
    const pieces = buffers.map((buffer, index) => (index === buffers.length - 1 ? buffer.subarray(0, this.used) : buffer));
    this.pending = [];
    this.used = 0;
    this.inFlight = this.queued;
    this.queued = 0;
    this.writing = true;
    this.writeAll(this.fd, pieces, () => {
      release(buffers);
      this.inFlight = 0;
      this.writing = false;
      this.onWritten();
      this.flush();
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
