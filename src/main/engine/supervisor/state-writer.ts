// Keeps the supervisor's state file (state-file.ts) in step with the live process trees, for
// the orphan cleanup after a crash. One write per event-loop turn: every launch and exit
// changes the file, and rewriting all N trees for each of N launches made a large start
// quadratic. A crash can lose at most the changes of the turn it happens in.
import type { StateFile, StateFileOwner, TreeRecord } from './state-file';

export class StateWriter {
  private pending: NodeJS.Immediate | null = null;
  private failing = false;

  constructor(
    private readonly file: StateFile,
    private readonly owner: StateFileOwner,
    private readonly trees: () => Record<string, TreeRecord>,
    private readonly say: (line: string) => void,
  ) {}

  /** Writes at the end of this turn, once however often it is asked. */
  schedule(): void {
    this.pending ??= setImmediate(() => {
      this.pending = null;
      this.writeNow();
    });
  }

  writeNow(): void {
    try {
      this.file.write(this.owner, this.trees());
      this.failing = false;
    } catch (error) {
      // Said once, not at every launch, until a write succeeds again.
      if (!this.failing) this.say(`cannot write ${this.file.path}: ${(error as Error).message}; orphans of a crash could not be cleaned up`);
      this.failing = true;
    }
  }

  /** Drops a pending write and the file: a clean stop leaves no orphans to find. */
  remove(): void {
    if (this.pending) clearImmediate(this.pending);
    this.pending = null;
    this.file.remove();
  }
}
