// When the supervisor samples its trees' CPU and memory (issue 23: idle under 0.1 % of a
// core). Every `intervalMs` while someone watches (a panel or another event client is
// connected), every `intervalMs × UNWATCHED_FACTOR` while nobody does: the figures are only
// read on a screen, and the slow ticks still keep each tree's member list current for stops.
// A client that connects gets a sample at once, so its first figures are fresh.
export const UNWATCHED_FACTOR = 6;

export class StatsClock {
  private timer: NodeJS.Timeout | null = null;
  private watched = false;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => void,
  ) {
    this.arm();
  }

  get periodMs(): number {
    return this.watched ? this.intervalMs : this.intervalMs * UNWATCHED_FACTOR;
  }

  setWatched(watched: boolean): void {
    if (watched === this.watched || this.stopped) return;
    this.watched = watched;
    if (watched) this.tick();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.tick();
      this.arm();
    }, this.periodMs);
    this.timer.unref();
  }
}
