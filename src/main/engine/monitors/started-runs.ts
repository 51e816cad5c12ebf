// The runs one monitor peer started, with their terminal fields once known (null while the run
// goes on). A concurrent whole-entry write can undo what a run wrote; the driver re-asserts it
// from here (ExecutionDriver.repair), and never starts a run twice. Bounded: only recent runs
// can still be undone by a late write.
import type { ExecutionEntry } from './execution-entry';

const MAX_REMEMBERED_RUNS = 5000;

export class StartedRuns {
  private readonly runs = new Map<string, Partial<ExecutionEntry> | null>();

  has(id: string): boolean {
    return this.runs.has(id);
  }

  /** The run's terminal fields, or null (still running, or not ours). */
  final(id: string): Partial<ExecutionEntry> | null {
    return this.runs.get(id) ?? null;
  }

  remember(id: string, final: Partial<ExecutionEntry> | null): void {
    this.runs.delete(id);
    this.runs.set(id, final);
    if (this.runs.size > MAX_REMEMBERED_RUNS) this.runs.delete(this.runs.keys().next().value as string);
  }
}
