// Every process's output: services, `orchestrator`, `monitor:<doc>`. Each gets a LogRing (recent
// output for panes and `GET /api/logs`) and a LogFileWriter (files in the §8 layout).
//
// Subscribers get batched chunks through LogFanout (flow control is described there).
//
// With files, one log-write thread per store (LogWriteThread) formats the lines and writes
// them: the main thread keeps the ring and hands the thread bytes through shared memory.
//
// Files: `write` returns false, as stream.write does, once more than `highWaterBytes` of a
// process's output waits for the disk; a producer that can (a child's stdout pipe) pauses until
// `whenWritable` resolves. One that does not is never blocked: past the writer's own cap lines
// are left out of the file and counted (see LogFileWriter).
import { join } from 'node:path';
import type { LogChunk, LogLine, LogStream } from '../../../shared/model';
import { BatchedAppendFile, MAIN_THREAD_HIGH_WATER_BYTES } from './batched-append-file';
import { logDirName } from './log-dir-name';
import { LogFileWriter } from './log-file-writer';
import { LogFanout, type LogListener, type LogSubscribeOptions, type LogSubscription } from './log-fanout';
import { LogRing } from './log-ring';
import { startLogWriteThread, type LogWriteThread } from './log-write-thread';
import { THREAD_HIGH_WATER_BYTES } from './log-write-ring';
import { sharedNewlineScan } from './newline-scan';
import { DEFAULT_LOG_RETENTION, type LogRetentionSpec } from '../config/read-logs';
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
  /** Files older than this go (manifest `[logs] max_age_days`). */
  maxAgeMs?: number;
  /** Past this many bytes waiting for the disk, `write` returns false (default: 6 MiB with the thread, else 1.5 MiB). */
  highWaterBytes?: number;
  /** Subscribers get at most one chunk per process per this interval. */
  batchMs?: number;
  /** A partial line that saw no output for this long is written to its file anyway. */
  partialFlushMs?: number;
  /** Clock for line times and file names. */
  now?: () => number;
  /** Called once, the first time files cannot be written; logs then stay in memory. */
  onProblem?: (message: string) => void;
  /** Format and write files in a worker thread (default); false writes them on this thread. */
  writeThread?: boolean;
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
  /** Bytes handed to the file but not yet written by the OS. */
  fileBytesQueued: number;
}

export type { LogListener, LogSubscribeOptions, LogSubscription };

interface ProcessLog {
  readonly name: string;
  readonly ring: LogRing;
  readonly writer: LogFileWriter | null;
}

export class LogStore implements LogSink {
  /** Where log files go (null: in memory only); the audit file sits beside them (daemon/audit-log.ts). */
  readonly logDir: string | null;
  private readonly ringBytes: number;
  private readonly highWaterBytes: number;
  private readonly writableWaiters = new Map<ProcessLog, (() => void)[]>();
  private readonly partialFlushMs: number;
  private readonly now: () => number;
  private readonly onProblem: (message: string) => void;
  private writerLimits: { maxFileBytes?: number; maxFiles?: number; maxTotalBytes?: number; maxAgeMs?: number };
  private readonly logs = new Map<string, ProcessLog>();
  private readonly rings = new Map<string, LogRing>();
  private readonly fanout: LogFanout;
  private readonly partials = new Set<ProcessLog>();
  private partialTimer: NodeJS.Timeout | null = null;
  private problemReported = false;
  private closed = false;
  private readonly thread: LogWriteThread | null;

  constructor({
    logDir = null,
    ringBytes = 2 * 1024 * 1024,
    maxFileBytes = 10 * 1024 * 1024,
    // Size and age are the limits an operator sets (issue 16); the count only bounds inodes, and is
    // high enough that a crash loop cannot wipe its own history in a minute.
    maxFilesPerProcess = 2000,
    maxBytesPerProcess = DEFAULT_LOG_RETENTION.maxBytes,
    maxAgeMs = DEFAULT_LOG_RETENTION.maxAgeMs,
    highWaterBytes,
    batchMs = 25,
    partialFlushMs = 500,
    now = Date.now,
    onProblem = () => {},
    writeThread = true,
  }: LogStoreOptions = {}) {
    this.logDir = logDir;
    this.ringBytes = ringBytes;
    this.fanout = new LogFanout({ rings: this.rings, batchMs, onProblem });
    this.partialFlushMs = partialFlushMs;
    this.now = now;
    this.onProblem = onProblem;
    this.writerLimits = { maxFileBytes, maxFiles: maxFilesPerProcess, maxTotalBytes: maxBytesPerProcess, maxAgeMs };
    // Started with the store (the daemon's start), not at the first flood.
    this.thread = logDir && writeThread ? startLogWriteThread(onProblem) : null;
    // Each default is sized with what holds the queue: the thread's shared ring, or the pool.
    this.highWaterBytes = highWaterBytes ?? (this.thread ? THREAD_HIGH_WATER_BYTES : MAIN_THREAD_HIGH_WATER_BYTES);
  }

  beginLaunch(process: string, launch: { restart?: boolean } = {}): void {
    const log = this.open(process);
    if (this.closed || !log.writer) return;
    log.writer.beginLaunch(this.now(), launch);
    if (!log.writer.hasPartial) this.partials.delete(log);
  }

  /** Retention from the manifest's `[logs]`: for every process, now and later. */
  setRetention({ maxBytes, maxAgeMs }: LogRetentionSpec): void {
    this.writerLimits = { ...this.writerLimits, maxTotalBytes: maxBytes, maxAgeMs };
    for (const log of this.logs.values()) log.writer?.setRetention({ maxTotalBytes: maxBytes, maxAgeMs });
  }

  /** False when this process's file is behind by more than `highWaterBytes` (see `whenWritable`). */
  write(process: string, stream: LogStream, data: Buffer | string, at = this.now()): boolean {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (bytes.length === 0) return true;
    const log = this.open(process);
    // One search for newlines, shared by the ring's line index and the file's line prefixes.
    const newlines = sharedNewlineScan.scan(bytes);
    log.ring.write(stream, bytes, at, newlines);
    if (this.closed) return true;
    this.fanout.wrote(process);
    if (!log.writer) return true;
    log.writer.write(stream, bytes, at, newlines);
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
    return { totalBytes, retainedBytes, droppedLines, linesNotWritten: log.writer?.linesNotWritten ?? 0, fileBytesQueued: log.writer?.queuedBytes ?? 0 };
  }

  /** The file a process is writing now (for "open log file"), or null. */
  filePath(process: string): string | null {
    return this.logs.get(process)?.writer?.path ?? null;
  }

  /** Batched chunks for one process, or for every process with `'*'` (see LogFanout). */
  subscribe(target: string, listener: LogListener, options?: LogSubscribeOptions): LogSubscription {
    return this.fanout.subscribe(target, listener, options);
  }

  /** Delivers what waits, writes partial lines, closes files; later output stays in memory only. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.fanout.close();
      if (this.partialTimer) clearTimeout(this.partialTimer);
      this.partialTimer = null;
      this.partials.clear();
    }
    for (const waiters of this.writableWaiters.values()) for (const resolve of waiters) resolve();
    this.writableWaiters.clear();
    await Promise.all([...this.logs.values()].map((log) => log.writer?.close()));
    await this.thread?.stop();
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
          // After the thread failed, a new file (the next launch) is written on this thread.
          openFile: this.thread ? (path, options) => (this.thread!.alive ? this.thread!.open(path, options) : new BatchedAppendFile(path, options)) : undefined,
        })
      : null;
    const created: ProcessLog = { name: process, ring: new LogRing({ maxBytes: this.ringBytes }), writer };
    log = created;
    this.logs.set(process, log);
    this.rings.set(process, log.ring);
    return log;
  }

  private wakeWriters(log: ProcessLog): void {
    const waiters = this.writableWaiters.get(log);
    if (!waiters || (log.writer?.queuedBytes ?? 0) > this.highWaterBytes / 2) return;
    this.writableWaiters.delete(log);
    for (const resolve of waiters) resolve();
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
}
