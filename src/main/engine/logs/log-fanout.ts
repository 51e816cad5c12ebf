// Hands new output to subscribers in batches. Subscribers read from the rings rather than from a
// queue of their own: each keeps a cursor per process, and each gets at most one coalesced chunk
// per process per `batchMs`. The batch is leading-edge per process: output from a process that
// sent nothing for `batchMs` goes out at the end of this event-loop turn, so one quiet line is
// never held behind another process's flood; only a chatty process waits for its next slot
// (one timer, armed only while output waits). So a slow subscriber costs no memory:
//   - its listener returns `false` when its transport is behind (a WebSocket whose
//     bufferedAmount is high); it then gets nothing until it calls `resume()`;
//   - after that, or whenever it lags, it gets at most `maxChunkBytes` per process; older lines
//     are skipped and the chunk's `dropped` says how many (also lines the ring evicted first).
// A chunk's `offset` is the byte offset where its data ends, the same count `tail` returns, so a
// client that follows first and then fetches `tail` drops the chunk bytes it already has.
import type { LogChunk } from '../../../shared/model';
import type { LogCursor, LogRing } from './log-ring';

/** Return `false` when the consumer is behind; deliveries stop until `resume()`. */
export type LogListener = (chunk: LogChunk) => boolean | void;

export interface LogSubscribeOptions {
  /**
   * Start at this offset (from `tail` or a chunk) instead of now. Older than the ring: from its
   * start, with all evicted lines counted as dropped; past its end (a restarted daemon): from its start.
   */
  fromOffset?: number;
  /**
   * Most data per chunk (default 256 KiB, 10 MiB/s per process at the default batch: more than a
   * pane can show, and little enough that a flood's chunk ahead of a quiet line on one socket
   * delays it only briefly); a subscriber further behind skips older lines, counted in `dropped`.
   */
  maxChunkBytes?: number;
}

/** Call it (or `unsubscribe`) to stop; `pause`/`resume` for flow control. */
export interface LogSubscription {
  (): void;
  unsubscribe(): void;
  pause(): void;
  resume(): void;
}

export interface LogFanoutOptions {
  /** The ring of each process, by name. */
  rings: ReadonlyMap<string, LogRing>;
  batchMs: number;
  /** A listener threw (once per subscriber). */
  onProblem: (message: string) => void;
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

export const ALL_PROCESSES = '*';

export class LogFanout {
  private readonly rings: ReadonlyMap<string, LogRing>;
  private readonly batchMs: number;
  private readonly onProblem: (message: string) => void;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly dirty = new Set<string>();
  /** When each process was last delivered (performance.now()). */
  private readonly lastSent = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;

  constructor({ rings, batchMs, onProblem }: LogFanoutOptions) {
    this.rings = rings;
    this.batchMs = batchMs;
    this.onProblem = onProblem;
  }

  /** New output for `process`: schedule a batch if anyone listens. */
  wrote(process: string): void {
    if (this.subscribers.size === 0 || (!this.subscribers.has(process) && !this.subscribers.has(ALL_PROCESSES))) return;
    this.dirty.add(process);
    this.schedule();
  }

  subscribe(target: string, listener: LogListener, { fromOffset, maxChunkBytes = 256 * 1024 }: LogSubscribeOptions = {}): LogSubscription {
    const subscriber: Subscriber = { target, listener, maxChunkBytes, cursors: new Map(), paused: false, active: true, failed: false };
    for (const [name, ring] of this.rings) {
      if (target !== ALL_PROCESSES && name !== target) continue;
      subscriber.cursors.set(name, fromOffset === undefined ? ring.end() : cursorAt(ring, fromOffset));
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

  /** Delivers what waits now; afterwards nothing is scheduled any more. */
  close(): void {
    this.flush(true);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private markDirty(subscriber: Subscriber): void {
    for (const name of this.rings.keys()) if (subscriber.target === ALL_PROCESSES || subscriber.target === name) this.dirty.add(name);
    this.schedule();
  }

  /** Soon for a process whose slot is free, else a timer for the earliest slot. */
  private schedule(): void {
    if (this.closed || this.dirty.size === 0) return;
    const wait = this.nextSlotIn(performance.now());
    if (wait <= 0) {
      if (this.immediate) return;
      this.immediate = setImmediate(() => this.flush(false));
      this.immediate.unref();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(false), wait);
      this.timer.unref();
    }
  }

  /** Milliseconds until some waiting process may be delivered again (≤ 0: now). */
  private nextSlotIn(now: number): number {
    let wait = Infinity;
    for (const name of this.dirty) wait = Math.min(wait, (this.lastSent.get(name) ?? -Infinity) + this.batchMs - now);
    return wait;
  }

  private flush(all: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    const now = performance.now();
    for (const name of this.dirty) {
      if (!all && now - (this.lastSent.get(name) ?? -Infinity) < this.batchMs) continue;
      this.dirty.delete(name);
      const ring = this.rings.get(name);
      if (!ring) continue;
      this.lastSent.set(name, now);
      for (const target of [name, ALL_PROCESSES]) {
        for (const subscriber of this.subscribers.get(target) ?? []) this.deliver(subscriber, name, ring);
      }
    }
    this.schedule();
  }

  private deliver(subscriber: Subscriber, name: string, ring: LogRing): void {
    if (!subscriber.active || subscriber.paused) return;
    const read = ring.read(subscriber.cursors.get(name) ?? { offset: 0, line: 0 }, subscriber.maxChunkBytes);
    subscriber.cursors.set(name, read.next);
    if (read.data === '' && read.dropped === 0) return;
    try {
      if (subscriber.listener({ process: name, offset: read.next.offset, data: read.data, dropped: read.dropped }) === false) subscriber.paused = true;
    } catch (error) {
      // One failing listener never stops the others; say so once per subscriber.
      if (!subscriber.failed) this.onProblem(`a log subscriber failed: ${error instanceof Error ? error.message : String(error)}`);
      subscriber.failed = true;
    }
  }
}

function cursorAt(ring: LogRing, offset: number): LogCursor {
  const end = ring.end();
  if (offset > end.offset) return offset > ring.totalBytes ? { offset: 0, line: 0 } : end;
  // Lines evicted after an old offset are unknown, so count them all (an upper bound).
  return { offset, line: offset < ring.firstOffset ? 0 : ring.linesBefore(offset) };
}
