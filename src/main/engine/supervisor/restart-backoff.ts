// When to try again after a crash, and when to stop trying (issue 5).
//
// The delay doubles from `restartDelayMs` per consecutive crash, plus up to 10 % jitter so a
// crashed group does not come back in lockstep, capped at `maxRestartDelayMs`.
//
// The crash-loop window counts *uptime*, not wall-clock time: a crash counts when the run it
// ends lasted less than `restartWindowMs`, and more than `maxRestarts` such crashes in a row
// mean `failed`. Counting wall-clock time would let a long restart delay hide a crash loop
// forever (PM2's flaw: with a 60 s delay, no 60 s window ever holds 10 restarts). A run that
// stays up for the whole window shows the service works: the count and the delay start over.
export interface BackoffSettings {
  restartDelayMs: number;
  maxRestartDelayMs: number;
  maxRestarts: number;
  restartWindowMs: number;
}

export type BackoffDecision =
  | { kind: 'retry'; delayMs: number; attempt: number }
  | { kind: 'give-up'; restarts: number; windowMs: number };

export class RestartBackoff {
  private crashes = 0;

  constructor(
    private settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {}

  update(settings: BackoffSettings): void {
    this.settings = settings;
  }

  /** Called after a run ended and the policy wants it restarted. */
  next(uptimeMs: number): BackoffDecision {
    const { restartDelayMs, maxRestartDelayMs, maxRestarts, restartWindowMs } = this.settings;
    if (uptimeMs >= restartWindowMs) this.crashes = 0;
    this.crashes++;
    if (this.crashes > maxRestarts) {
      return { kind: 'give-up', restarts: this.crashes - 1, windowMs: restartWindowMs };
    }
    const doubled = restartDelayMs * 2 ** Math.min(this.crashes - 1, 30);
    const delayMs = Math.round(Math.min(maxRestartDelayMs, doubled * (1 + 0.1 * this.random())));
    return { kind: 'retry', delayMs, attempt: this.crashes };
  }

  /** A manual start forgives the past. */
  reset(): void {
    this.crashes = 0;
  }
}
