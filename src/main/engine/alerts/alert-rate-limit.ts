// At most one alert per key (a service) per window. The first goes at once; later ones within
// the window are folded into one that goes when the window ends: it describes the latest of
// them and counts the others in `suppressed`, so nothing is lost and the receiver is not
// flooded by a service that fails, is restarted by hand and fails again.
/** Time for the limit; tests pass one they move by hand. */
export interface AlertClock {
  now(): number;
  /** Runs `run` after `ms`; returns its cancel. */
  setTimeout(run: () => void, ms: number): () => void;
}

export const REAL_CLOCK: AlertClock = {
  now: () => Date.now(),
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export class AlertRateLimit<T> {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, { item: T; count: number; cancel: () => void }>();
  /** Events not sent on their own since start (each folded into a later alert). */
  suppressedTotal = 0;

  constructor(
    private readonly windowMs: number,
    private readonly emit: (key: string, item: T, suppressed: number) => void,
    private readonly clock: AlertClock = REAL_CLOCK,
  ) {}

  offer(key: string, item: T): 'sent' | 'held' {
    const last = this.lastSent.get(key);
    const now = this.clock.now();
    if (last === undefined || now - last >= this.windowMs) {
      this.lastSent.set(key, now);
      this.emit(key, item, 0);
      return 'sent';
    }
    const held = this.pending.get(key);
    if (held) {
      held.item = item;
      held.count++;
      this.suppressedTotal++;
    } else {
      const cancel = this.clock.setTimeout(() => this.release(key), Math.max(0, last + this.windowMs - now));
      this.pending.set(key, { item, count: 1, cancel });
    }
    return 'held';
  }

  /** Sends whatever is held now (at shutdown: into the disk queue rather than lost). */
  flushAll(): void {
    for (const key of [...this.pending.keys()]) this.release(key);
  }

  private release(key: string): void {
    const held = this.pending.get(key);
    if (!held) return;
    held.cancel();
    this.pending.delete(key);
    this.lastSent.set(key, this.clock.now());
    this.emit(key, held.item, held.count - 1);
  }
}
