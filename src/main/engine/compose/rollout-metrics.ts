// Counters of roll-out runs for `GET /metrics` (MoonMind §7.3's run funnel, step latency and
// mean time to repair): runs by outcome, step durations, and time to recover (from a failed
// deployment to the previous image verified again). Since this daemon started, as counters are.
export interface RolloutFigures {
  runsByOutcome: Record<string, number>;
  /** step → outcome → { count, sum of seconds } */
  steps: Record<string, Record<string, { count: number; seconds: number }>>;
  recoveries: { count: number; seconds: number };
}

export class RolloutMetrics {
  private readonly figures: RolloutFigures = { runsByOutcome: {}, steps: {}, recoveries: { count: 0, seconds: 0 } };

  ended(outcome: string): void {
    this.figures.runsByOutcome[outcome] = (this.figures.runsByOutcome[outcome] ?? 0) + 1;
  }

  step(name: string, outcome: string, ms: number): void {
    const byOutcome = (this.figures.steps[name] ??= {});
    const entry = (byOutcome[outcome] ??= { count: 0, seconds: 0 });
    entry.count++;
    entry.seconds += ms / 1000;
  }

  recovered(ms: number): void {
    this.figures.recoveries.count++;
    this.figures.recoveries.seconds += ms / 1000;
  }

  snapshot(): RolloutFigures {
    return structuredClone(this.figures);
  }
}
