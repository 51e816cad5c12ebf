// Every process's output: services, `orchestrator`, `monitor:<doc>`. Each gets a LogRing (recent
// output for panes and `GET /api/logs`) and a LogFileWriter (files in the §8 layout).
//
// Subscribers read from the rings rather than from a queue of their own: each keeps a cursor
// per process, and one store-wide timer (armed only while output waits) hands each of them at
// most one coalesced chunk per process per `batchMs`. So a slow subscriber costs no memory:
//   - its listener returns `false` when its transport is behind (a WebSocket whose
//     bufferedAmount is high); it then gets nothing until it calls `resume()`;
//   - after that, or whenever it lags, it gets at most `maxChunkBytes` per process; older lines
//     are skipped and the chunk's `dropped` says how many (also lines the ring evicted first).
// Files: `write` returns false, as stream.write does, once more than `highWaterBytes` of a
// process's output waits for the disk; a producer that can (a child's stdout pipe) pauses until
// `whenWritable` resolves. One that does not is never blocked: past the writer's own cap lines
// are left out of the file and counted (see LogFileWriter).
// A chunk's `offset` is the byte offset where its data ends, the same count `tail` returns, so a
// client that follows first and then fetches `tail` drops the chunk bytes it already has.
import { join } from 'node:path';
import type { LogChunk, LogLine, LogStream } from '../../../shared/model';
import { logDirName } from './log-dir-name';
import { LogFileWriter } from './log-file-writer';
import { LogRing, type LogCursor } from './log-ring';
import type { LogSink } from './log-sink';

export interface LogStoreOptions {
  /** Where files go (`<logDir>/<process>/`); null keeps logs in memory only. */
  logDir?: string | null;
  /** Bytes of recent output kept per process. */
  ringBytes?: number;
  /** A file past this continues in `.log.1`, `.log.2`, … */
  maxFileBytes?: number;
  /** Files kept per process (the oldest go first). */
  maxFilesPerProcess?: number;
  /** Bytes kept on disk per process (the oldest files go first). */
  maxBytesPerProcess?: number;
  /** Past this many bytes waiting for the disk, `write` returns false. */
  highWaterBytes?: number;
  /** Subscribers get at most one chunk per process per this interval. */
  batchMs?: number;
  /** A partial line that saw no output for this long is written to its file anyway. */
  partialFlushMs?: number;
  /** Clock for line times and file names. */
  now?: () => number;
  /** Called once, the first time files cannot be written; logs then stay in memory. */
  onProblem?: (message: string) => void;
}

export interface LogStats {
  /** Bytes ever written (the offset chunks and tails count in). */
  totalBytes: number;
  /** Bytes held in memory now. */
  retainedBytes: number;
  /** Lines evicted from memory. */
  droppedLines: number;
  /** Lines left out of files because the disk did not keep up. */
  linesNotWritten: number;
}

/** Return `false` when the consumer is behind; deliveries stop until `resume()`. */
export type LogListener = (chunk: LogChunk) => boolean | void;

export interface LogSubscribeOptions {
  /** Start at this offset (from `tail` or a chunk) instead of now. Older than the ring: from its start, `dropped` set; past its end (a restarted daemon): from its start. */
  fromOffset?: number;
  /** Most data per chunk; a subscriber further behind skips older lines, counted in `dropped`. */
  maxChunkBytes?: number;
}

/** Call it (or `unsubscribe`) to stop; `pause`/`resume` for flow control. */
export interface LogSubscription {
  (): void;
  unsubscribe(): void;
  pause(): void;
  resume(): void;
}

interface ProcessLog {
  readonly name: string;
  readonly ring: LogRing;
  readonly writer: LogFileWriter | null;
}

interface Subscriber {
  readonly target: string;
  readonly listener: LogListener;
  readonly maxChunkBytes: number;
  readonly cursors: Map<string, LogCursor>;
  paused: boolean;
  active: boolean;
  failed: boolean;
}

const ALL = '*';

export class LogStore implements LogSink {
  private readonly logDir: string | null;
  private readonly ringBytes: number;
  private readonly batchMs: number;
  private readonly highWaterBytes: number;
  private readonly writableWaiters = new Map<ProcessLog, (() => void)[]>();
  private readonly partialFlushMs: number;
  private readonly now: () => number;
  private readonly onProblem: (message: string) => void;
  private readonly writerLimits: { maxFileBytes?: number; maxFiles?: number; maxTotalBytes?: number };
  private readonly logs = new Map<string, ProcessLog>();
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private dirty = new Set<string>();
  private readonly partials = new Set<ProcessLog>();
  private batchTimer: NodeJS.Timeout | null = null;
  private partialTimer: NodeJS.Timeout | null = null;
  private problemReported = false;
  private closed = false;

  constructor({
    logDir = null,
    ringBytes = 2 * 1024 * 1024,
    maxFileBytes = 10 * 1024 * 1024,
    maxFilesPerProcess = 20,
    maxBytesPerProcess,
    highWaterBytes = 1024 * 1024,
    batchMs = 25,
    partialFlushMs = 500,
    now = Date.now,
    onProblem = () => {},
  }: LogStoreOptions = {}) {
    this.logDir = logDir;
    this.ringBytes = ringBytes;
    this.batchMs = batchMs;
    this.highWaterBytes = highWaterBytes;
    this.partialFlushMs = partialFlushMs;
    this.now = now;
    this.onProblem = onProblem;
    this.writerLimits = { maxFileBytes, maxFiles: maxFilesPerProcess, maxTotalBytes: maxBytesPerProcess };
  }

  beginLaunch(process: string): void {
    const log = this.open(process);
    if (this.closed || !log.writer) return;
    log.writer.beginLaunch(this.now());
    if (!log.writer.hasPartial) this.partials.delete(log);
  }

  /** False when this process's file is behind by more than `highWaterBytes` (see `whenWritable`). */
  write(process: string, stream: LogStream, data: Buffer | string, at = this.now()): boolean {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (bytes.length === 0) return true;
    const log = this.open(process);
    log.ring.write(stream, bytes, at);
    if (this.closed) return true;
    if (this.subscribers.size > 0 && (this.subscribers.has(process) || this.subscribers.has(ALL))) {
      this.dirty.add(process);
      this.scheduleBatch();
    }
    if (!log.writer) return true;
    log.writer.write(stream, bytes, at);
    if (log.writer.hasPartial) this.notePartial(log);
    return log.writer.queuedBytes <= this.highWaterBytes;
  }

  /** Resolves once the process's file is no more than half `highWaterBytes` behind (or closed). */
  whenWritable(process: string): Promise<void> {
    const log = this.logs.get(process);
    if (!log?.writer || this.closed || log.writer.queuedBytes <= this.highWaterBytes / 2) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.writableWaiters.get(log) ?? [];
      waiters.push(resolve);
      this.writableWaiters.set(log, waiters);
    });
  }

  /** The last `maxBytes` of output (all that is kept by default), as `logs.tail` returns it. */
  tail(process: string, maxBytes?: number): LogChunk {
    const log = this.logs.get(process);
    if (!log) return { process, offset: 0, data: '', dropped: 0 };
    const read = log.ring.tail(maxBytes);
    return { process, offset: read.next.offset, data: read.data, dropped: read.dropped };
  }

  /** The last `n` lines as text (ANSI kept, newline removed). */
  lines(process: string, n: number): string[] {
    return this.records(process, n).map((line) => line.text);
  }

  /** The last `n` lines with their time and stream. */
  records(process: string, n: number): LogLine[] {
    return this.logs.get(process)?.ring.lines(n) ?? [];
  }

  /** Names of every process that wrote or launched, in order of first appearance. */
  processes(): string[] {
    return [...this.logs.keys()];
  }

  /** Counters for one process (for `/metrics` and benchmarks), or null when it never wrote. */
  stats(process: string): LogStats | null {
    const log = this.logs.get(process);
    if (!log) return null;
    const { totalBytes, retainedBytes, droppedLines } = log.ring;
    return { totalBytes, retainedBytes, droppedLines, linesNotWritten: log.writer?.linesNotWritten ?? 0 };
  }

  /** The file a process is writing now (for "open log file"), or null. */
  filePath(process: string): string | null {
    return this.logs.get(process)?.writer?.path ?? null;
  }

  /** Batched chunks for one process, or for every process with `'*'`. */
  subscribe(target: string, listener: LogListener, { fromOffset, maxChunkBytes = 1024 * 1024 }: LogSubscribeOptions = {}): LogSubscription {
    const subscriber: Subscriber = { target, listener, maxChunkBytes, cursors: new Map(), paused: false, active: true, failed: false };
    for (const log of this.logs.values()) {
      if (target !== ALL && log.name !== target) continue;
      subscriber.cursors.set(log.name, fromOffset === undefined ? log.ring.end() : this.cursorAt(log, fromOffset));
    }
    let set = this.subscribers.get(target);
    if (!set) this.subscribers.set(target, (set = new Set()));
    set.add(subscriber);
    if (fromOffset !== undefined) this.markDirty(subscriber);

    const unsubscribe = (): void => {
      subscriber.active = false;
      const current = this.subscribers.get(target);
      current?.delete(subscriber);
      if (current?.size === 0) this.subscribers.delete(target);
    };
    return Object.assign(unsubscribe, {
      unsubscribe,
      pause: () => {
        subscriber.paused = true;
      },
      resume: () => {
        if (!subscriber.paused) return;
        subscriber.paused = false;
        this.markDirty(subscriber);
      },
    });
  }

  /** Delivers what waits, writes partial lines, closes files; later output stays in memory only. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.flushBatch();
      if (this.partialTimer) clearTimeout(this.partialTimer);
      this.partialTimer = null;
      this.partials.clear();
    }
    for (const waiters of this.writableWaiters.values()) for (const resolve of waiters) resolve();
    this.writableWaiters.clear();
    await Promise.all([...this.logs.values()].map((log) => log.writer?.close()));
  }

  private open(process: string): ProcessLog {
    let log = this.logs.get(process);
    if (log) return log;
    const dirName = logDirName(process);
    const writer = this.logDir
      ? new LogFileWriter({
          dir: join(this.logDir, dirName),
          name: dirName,
          ...this.writerLimits,
          onError: (error) => this.reportProblem(`log files under ${this.logDir} cannot be written (${error.message}); logs are kept in memory only`),
          onWritten: () => this.wakeWriters(created),
        })
      : null;
    const created: ProcessLog = { name: process, ring: new LogRing({ maxBytes: this.ringBytes }), writer };
    log = created;
    this.logs.set(process, log);
    return log;
  }

  private wakeWriters(log: ProcessLog): void {
    const waiters = this.writableWaiters.get(log);
    if (!waiters || (log.writer?.queuedBytes ?? 0) > this.highWaterBytes / 2) return;
    this.writableWaiters.delete(log);
    for (const resolve of waiters) resolve();
  }

  private cursorAt(log: ProcessLog, offset: number): LogCursor {
    const end = log.ring.end();
    if (offset > end.offset) return offset > log.ring.totalBytes ? { offset: 0, line: 0 } : end;
    // Lines evicted after an old offset are unknown, so count them all (an upper bound).
    return { offset, line: offset < log.ring.firstOffset ? 0 : log.ring.linesBefore(offset) };
  }

  private reportProblem(message: string): void {
    if (this.problemReported) return;
    this.problemReported = true;
    this.onProblem(message);
  }

  private notePartial(log: ProcessLog): void {
    this.partials.add(log);
    if (this.partialTimer) return;
    this.partialTimer = setTimeout(() => this.flushPartials(), this.partialFlushMs);
    this.partialTimer.unref();
  }

  private flushPartials(): void {
    this.partialTimer = null;
    const now = this.now();
    for (const log of this.partials) if (!log.writer?.flushIdle(now, this.partialFlushMs)) this.partials.delete(log);
    if (this.partials.size > 0 && !this.closed) {
      this.partialTimer = setTimeout(() => this.flushPartials(), this.partialFlushMs);
      this.partialTimer.unref();
    }
  }

  private markDirty(subscriber: Subscriber): void {
    for (const name of this.logs.keys()) if (subscriber.target === ALL || subscriber.target === name) this.dirty.add(name);
    this.scheduleBatch();
  }

  private scheduleBatch(): void {
    if (this.batchTimer || this.closed || this.dirty.size === 0) return;
    this.batchTimer = setTimeout(() => this.flushBatch(), this.batchMs);
    this.batchTimer.unref();
  }

  private flushBatch(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const name of dirty) {
      const log = this.logs.get(name);
      if (!log) continue;
      for (const target of [name, ALL]) {
        for (const subscriber of this.subscribers.get(target) ?? []) this.deliver(subscriber, log);
      }
    }
  }

  private deliver(subscriber: Subscriber, log: ProcessLog): void {
    if (!subscriber.active || subscriber.paused) return;
    const cursor = subscriber.cursors.get(log.name) ?? { offset: 0, line: 0 };
    const read = log.ring.read(cursor, subscriber.maxChunkBytes);
    subscriber.cursors.set(log.name, read.next);
    if (read.data === '' && read.dropped === 0) return;
    try {
      if (subscriber.listener({ process: log.name, offset: read.next.offset, data: read.data, dropped: read.dropped }) === false) subscriber.paused = true;
    } catch (error) {
      // One failing listener never stops the others; say so once per subscriber.
      if (!subscriber.failed) this.onProblem(`a log subscriber failed: ${error instanceof Error ? error.message : String(error)}`);
      subscriber.failed = true;
    }
  }
}
