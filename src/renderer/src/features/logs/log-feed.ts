// One process's output on its way into an xterm, outside React (Tilt: React diffing wastes CPU
// on append-only logs). History comes from `logs.tail`, live data from `log.chunk` events; byte
// offsets make a reload or reconnect resume without duplicated lines. Writes are batched per
// animation frame, and when xterm falls behind (too many bytes written but not yet parsed, as
// VS Code's terminal measures) the oldest queued data is dropped and counted, never buffered
// without bound.
import type { LogChunk } from '../../../../shared/model';

export interface TerminalSink {
  write(data: string, onParsed: () => void): void;
  /** Forget what is shown (the daemon restarted: its history starts over). */
  clear(): void;
}

export interface LogFeedOptions {
  /** Bytes written to xterm but not yet parsed before we stop writing and queue. */
  maxUnacknowledgedBytes?: number;
  /** Queued bytes beyond which the oldest are dropped. */
  maxQueuedBytes?: number;
  schedule?: (callback: () => void) => void;
}

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

export class LogFeed {
  /** Byte offset (of everything the process ever wrote) up to which we have shown output. */
  private shownTo = -1;
  private queue: string[] = [];
  private queuedBytes = 0;
  private unacknowledged = 0;
  private scheduled = false;
  droppedLines = 0;
  droppedBytes = 0;
  onDroppedChange: (lines: number, bytes: number) => void = () => {};

  private readonly maxUnacknowledged: number;
  private readonly maxQueued: number;
  private readonly schedule: (callback: () => void) => void;

  constructor(
    private readonly sink: TerminalSink,
    { maxUnacknowledgedBytes = 256 * 1024, maxQueuedBytes = 2 * 1024 * 1024, schedule = (callback) => requestAnimationFrame(callback) }: LogFeedOptions = {},
  ) {
    this.maxUnacknowledged = maxUnacknowledgedBytes;
    this.maxQueued = maxQueuedBytes;
    this.schedule = schedule;
  }

  get offset(): number {
    return this.shownTo;
  }

  /**
   * History from `logs.tail`: shown only if nothing newer was shown already. Lines older than
   * the daemon's ring (its `dropped`) are history that lives in the log file, not output this
   * pane lost, so they are not counted as dropped.
   */
  acceptTail(tail: LogChunk): void {
    if (this.shownTo >= tail.offset) return;
    this.enqueue(tail.data);
    this.shownTo = tail.offset;
  }

  /** A live chunk; `chunk.offset` is where it ends. Parts already shown are skipped. */
  acceptChunk(chunk: LogChunk): void {
    if (this.shownTo < 0) return; // History not loaded yet; the tail will cover it.
    if (chunk.offset <= this.shownTo) return;
    const bytes = encoder.encode(chunk.data);
    const start = chunk.offset - bytes.length;
    let data = chunk.data;
    if (start < this.shownTo) data = new TextDecoder().decode(bytes.subarray(this.shownTo - start));
    else if (start > this.shownTo) this.noteDropped(0, start - this.shownTo);
    this.noteDropped(chunk.dropped);
    this.enqueue(data);
    this.shownTo = chunk.offset;
  }

  /** The daemon restarted (its offsets start over): show its history from scratch. */
  reset(): void {
    this.shownTo = -1;
    this.queue = [];
    this.queuedBytes = 0;
    this.sink.clear();
  }

  private noteDropped(lines: number, bytes = 0): void {
    if (lines === 0 && bytes === 0) return;
    this.droppedLines += lines;
    this.droppedBytes += bytes;
    this.onDroppedChange(this.droppedLines, this.droppedBytes);
  }

  private enqueue(data: string): void {
    if (!data) return;
    this.queue.push(data);
    this.queuedBytes += data.length;
    while (this.queuedBytes > this.maxQueued && this.queue.length > 1) {
      const dropped = this.queue.shift()!;
      this.queuedBytes -= dropped.length;
      this.noteDropped(countLines(dropped), byteLength(dropped));
    }
    this.requestFlush();
  }

  private requestFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.unacknowledged >= this.maxUnacknowledged || this.queue.length === 0) return;
    const data = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    this.unacknowledged += data.length;
    this.sink.write(data, () => {
      this.unacknowledged -= data.length;
      if (this.queue.length) this.requestFlush();
    });
  }
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
