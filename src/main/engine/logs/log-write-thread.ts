// One worker thread per daemon (per LogStore with files) that formats log lines and writes
// them, so a flooding service costs the main thread only its ring copy and one more copy into
// shared memory. Files opened here (`open`) queue records in the shared ring (log-write-ring.ts);
// the thread's loop is log-write-thread-body.ts. Progress comes back as messages: per-file
// `queuedBytes` drop as the OS takes the bytes, which is what LogStore's backpressure waits on.
//
// When the ring is full (several floods at once) records wait in an overflow list, bounded by
// each file's own `maxQueuedBytes`. The worker holds the process open only while it has bytes
// to write, so output queued just before a normal exit still reaches the file.
import { Worker } from 'node:worker_threads';
import type { AppendFile, AppendFileOptions } from './append-file';
import { linePrefixWasm, type WasmApi } from './line-prefix-wasm';
import { logWriteThreadBody } from './log-write-thread-body';
import { encodeRecord, logWriteLayout, LogWriteRing, recordBytes, type LogRecord, type LogWriteLayout } from './log-write-ring';
import { MAX_RECORD_DATA, MAX_RECORD_LINES, ThreadAppendFile, type LogWriteQueue } from './thread-append-file';

/** The largest record and its output (a 64-byte prefix per line): the ring and the output area must take one. */
const LARGEST_RECORD = 64 + 64 + MAX_RECORD_LINES * 4 + MAX_RECORD_DATA;
const LARGEST_OUTPUT = MAX_RECORD_DATA + MAX_RECORD_LINES * 64;

type ThreadMessage = { type: 'progress'; consumed: number } | { type: 'error'; file: number; message: string } | { type: 'opened'; file: number } | { type: 'closed'; file: number };

interface Waiting {
  encoded: Uint8Array;
  file: ThreadAppendFile;
  size: number;
}

export class LogWriteThread implements LogWriteQueue {
  readonly kinds: LogWriteLayout['kinds'];
  private readonly layout: LogWriteLayout;
  private readonly worker: Worker;
  private readonly ring: LogWriteRing;
  private readonly files = new Map<number, ThreadAppendFile>();
  private readonly closes = new Map<number, () => void>();
  private nextId = 1;
  /** Record bytes put in the ring so far; the thread reports how many it took (`consumed`). */
  private enqueued = 0;
  private consumed = 0;
  // Records in the ring, oldest first: where each ends in `enqueued`, its file and output size.
  private ends: number[] = [];
  private owners: ThreadAppendFile[] = [];
  private sizes: number[] = [];
  private head = 0;
  private overflow: Waiting[] = [];
  private referenced = false;
  private gone: Error | null = null;
  private stopping = false;
  private readonly exited: Promise<void>;

  constructor(layout: LogWriteLayout = logWriteLayout()) {
    if (layout.ringBytes < 2 * LARGEST_RECORD || layout.outBytes < LARGEST_OUTPUT) throw new RangeError(`the log-write ring (${layout.ringBytes} bytes) and output area (${layout.outBytes}) must take the largest record`);
    this.layout = layout;
    this.kinds = layout.kinds;
    const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };
    const memory = new WebAssembly.Memory({ initial: layout.pages, maximum: layout.pages, shared: true });
    // Every page touched now, once: the memory is the daemon's from its start rather than
    // growth during its first flood, and that flood pays no page faults (costly in a VM).
    new Uint8Array(memory.buffer).fill(0);
    this.ring = new LogWriteRing(layout, memory.buffer as unknown as SharedArrayBuffer);
    // Source text, so no module file has to be found in every way this code runs (tsx, vitest,
    // the bundle). esbuild may wrap functions in __name(); the thread has no such helper.
    const source = [
      'var __name = (target) => target;',
      "var load = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule : require;",
      `(${logWriteThreadBody.toString()})(load('node:fs'), load('node:worker_threads'));`,
    ].join('\n');
    this.worker = new Worker(source, {
      eval: true,
      execArgv: [], // none of the parent's flags (loaders, --input-type): the thread needs none
      workerData: { memory, wasm: linePrefixWasm(layout.pages), layout },
      // It allocates next to nothing: a small heap keeps the daemon's memory small.
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    this.worker.on('message', (message: ThreadMessage) => this.onMessage(message));
    this.worker.on('error', (error) => this.lost(error));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.once('exit', (code) => this.lost(new Error(this.stopping ? 'the log files are closed' : `the log-write thread stopped (exit code ${code})`)));
  }

  /** A file for appends through the thread; opened there (an error arrives through `onError`). */
  open(path: string, options: AppendFileOptions): AppendFile {
    const file = new ThreadAppendFile(this, this.nextId++, path, options);
    if (this.gone || this.stopping) {
      const error = this.gone ?? new Error('the log files are closed');
      queueMicrotask(() => file.fail(error));
      return file;
    }
    this.files.set(file.id, file);
    this.enqueue(file, { kind: this.kinds.open, file: file.id, data: Buffer.from(path) }, 0);
    return file;
  }

  enqueue(file: ThreadAppendFile, record: LogRecord, size: number): boolean {
    if (this.gone || this.stopping) return false;
    const bytes = recordBytes(this.layout, record);
    if (this.overflow.length === 0 && this.ring.fits(bytes)) {
      this.ring.push(record, bytes);
      this.track(file, size, bytes);
    } else {
      // A copy: the caller's buffer is reused as soon as we return.
      const encoded = new Uint8Array(bytes);
      encodeRecord(this.layout, encoded, 0, record);
      this.overflow.push({ encoded, file, size });
    }
    this.setReferenced(true);
    return true;
  }

  close(file: ThreadAppendFile): Promise<void> {
    if (this.gone || this.stopping || !this.files.has(file.id)) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.closes.set(file.id, resolve));
    this.enqueue(file, { kind: this.kinds.close, file: file.id }, 0);
    return closed;
  }

  /** Writes what is queued, closes every file and ends the thread. */
  async stop(): Promise<void> {
    if (!this.gone && !this.stopping) {
      this.stopping = true;
      this.setReferenced(true);
      // EXIT goes behind everything queued, overflow included.
      const exit = { kind: this.kinds.exit, file: 0 };
      const bytes = recordBytes(this.layout, exit);
      const encoded = new Uint8Array(bytes);
      encodeRecord(this.layout, encoded, 0, exit);
      this.overflow.push({ encoded, file: null as unknown as ThreadAppendFile, size: 0 });
      this.drain();
    }
    await this.exited;
  }

  private track(file: ThreadAppendFile, size: number, bytes: number): void {
    this.enqueued += bytes;
    this.ends.push(this.enqueued);
    this.owners.push(file);
    this.sizes.push(size);
  }

  private onMessage(message: ThreadMessage): void {
    if (message.type === 'progress') {
      this.consumed = message.consumed;
      const touched = new Set<ThreadAppendFile>();
      while (this.head < this.ends.length && this.ends[this.head] <= this.consumed) {
        const file = this.owners[this.head];
        if (file) {
          file.written(this.sizes[this.head]);
          touched.add(file);
        }
        this.head++;
      }
      if (this.head > 1024 && this.head * 2 > this.ends.length) this.compact();
      this.drain();
      for (const file of touched) file.notifyWritten();
      this.unrefWhenIdle();
    } else if (message.type === 'error') {
      this.files.get(message.file)?.fail(new Error(message.message));
    } else if (message.type === 'closed') {
      this.files.delete(message.file);
      const resolve = this.closes.get(message.file);
      this.closes.delete(message.file);
      resolve?.();
      this.unrefWhenIdle();
    }
  }

  /** Whether files opened now are written by the thread (false once it stopped or failed). */
  get alive(): boolean {
    return this.gone === null && !this.stopping;
  }

  /** Nothing left to write or close: the thread no longer keeps the process alive. */
  private unrefWhenIdle(): void {
    if (this.consumed === this.enqueued && this.overflow.length === 0 && this.closes.size === 0 && !this.stopping) this.setReferenced(false);
  }

  /** Overflow into the ring, as far as it has room. */
  private drain(): void {
    while (this.overflow.length > 0 && this.ring.fits(this.overflow[0].encoded.length)) {
      const waiting = this.overflow.shift()!;
      this.ring.pushEncoded(waiting.encoded);
      this.track(waiting.file, waiting.size, waiting.encoded.length);
    }
  }

  private compact(): void {
    this.ends = this.ends.slice(this.head);
    this.owners = this.owners.slice(this.head);
    this.sizes = this.sizes.slice(this.head);
    this.head = 0;
  }

  private setReferenced(referenced: boolean): void {
    if (this.referenced === referenced) return;
    this.referenced = referenced;
    if (referenced) this.worker.ref();
    else this.worker.unref();
  }

  /** The thread ended (stopped, or failed): files fail, closes resolve. */
  private lost(error: Error): void {
    if (this.gone) return;
    this.gone = error;
    if (!this.stopping) for (const file of this.files.values()) file.fail(error);
    this.files.clear();
    for (const resolve of this.closes.values()) resolve();
    this.closes.clear();
    this.overflow = [];
    this.setReferenced(false);
  }
}

/** The thread of a store, or null where workers cannot start (files are then written on the main thread). */
export function startLogWriteThread(onProblem: (message: string) => void): LogWriteThread | null {
  try {
    return new LogWriteThread();
  } catch (error) {
    onProblem(`log files are written on the main thread: the log-write thread did not start (${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
}
