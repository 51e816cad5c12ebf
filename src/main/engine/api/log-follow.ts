// One client's follow of some processes' output (issue 21): a fan-out subscription per
// followed process, all paused together when the client's transport is behind and resumed
// from the same cursors once it caught up. A slow client therefore costs no memory and loses
// nothing silently: when the ring moved past its cursor meanwhile, the next chunk's `dropped`
// counts the lines it missed (LogFanout), and its offset shows the gap.
import type { LogChunk } from '../../../shared/model';
import type { LogListener, LogSubscribeOptions, LogSubscription } from '../logs/log-fanout';

/** Where chunks come from (the LogStore). */
export interface LogFollowSource {
  subscribe(target: string, listener: LogListener, options?: LogSubscribeOptions): LogSubscription;
}

/** Hands a chunk to the client; `false` when its transport is behind (the follow pauses). */
export type LogDelivery = (chunk: LogChunk) => boolean | void;

export class LogFollow {
  private readonly subscriptions = new Map<string, LogSubscription>();
  private paused = false;

  constructor(
    private readonly source: LogFollowSource,
    private readonly deliver: LogDelivery,
  ) {}

  /** Processes followed now, in the order first followed. */
  get processes(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** Whether deliveries wait for `resume()`. */
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Follows exactly `processes`. One already followed keeps its cursor; a new one starts at
   * `from[name]` (an offset from a chunk or a tail: a reconnecting client continues where it
   * was) or, without one, at the end of its output.
   */
  set(processes: Iterable<string>, from: Readonly<Record<string, number>> = {}): void {
    const wanted = new Set(processes);
    for (const [name, subscription] of this.subscriptions) {
      if (wanted.has(name)) continue;
      subscription.unsubscribe();
      this.subscriptions.delete(name);
    }
    for (const name of wanted) {
      if (this.subscriptions.has(name)) continue;
      const subscription = this.source.subscribe(name, (chunk) => this.onChunk(chunk), { fromOffset: from[name] });
      if (this.paused) subscription.pause();
      this.subscriptions.set(name, subscription);
    }
  }

  /** The client caught up: every followed process continues from its cursor. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const subscription of this.subscriptions.values()) subscription.resume();
  }

  close(): void {
    for (const subscription of this.subscriptions.values()) subscription.unsubscribe();
    this.subscriptions.clear();
  }

  private onChunk(chunk: LogChunk): boolean {
    if (this.deliver(chunk) !== false) return true;
    // One socket carries every followed process: a chunk of one waiting behind another's
    // backlog is no faster, so they all wait (the fan-out keeps their cursors).
    this.paused = true;
    for (const subscription of this.subscriptions.values()) subscription.pause();
    return false;
  }
}
