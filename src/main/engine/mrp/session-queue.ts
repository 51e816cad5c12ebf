// The executions of one session, run one at a time in arrival order. A busy session queues,
// it never answers 409: mrmd-monitor opens a stream for every ready cell at once, and a
// runtime that refused concurrent cells turned most of them into errors (MRMD-NOTES.md).
import type { CellRunner } from './cell-runner';
import { INTERRUPTED, type Execution } from './execution';

export class SessionQueue {
  private readonly waiting: Execution[] = [];
  private running: Execution | undefined;
  private executionCount = 0;
  private disposed = false;

  constructor(
    readonly name: string,
    private readonly runner: CellRunner,
  ) {}

  get runningExecution(): Execution | undefined {
    return this.running;
  }

  get busy(): boolean {
    return this.running !== undefined || this.waiting.length > 0;
  }

  enqueue(execution: Execution): void {
    if (this.disposed) {
      execution.fail({ type: 'RuntimeShutdown', message: 'the runtime is shutting down', traceback: [] });
      return;
    }
    this.waiting.push(execution);
    void this.pump();
  }

  /** The running execution with this id first, then a queued one. */
  find(execId: string): Execution | undefined {
    if (this.running?.id === execId) return this.running;
    return this.waiting.find((execution) => execution.id === execId);
  }

  /** Without an id, interrupts the running cell. A queued cell is dropped before it starts. */
  interrupt(execId?: string): string[] {
    if (execId === undefined || this.running?.id === execId) {
      if (this.running === undefined) return [];
      this.runner.interrupt();
      return [this.running.id];
    }
    const index = this.waiting.findIndex((execution) => execution.id === execId);
    if (index === -1) return [];
    const [dropped] = this.waiting.splice(index, 1);
    dropped.fail(INTERRUPTED);
    return [dropped.id];
  }

  async reset(): Promise<void> {
    await this.runner.reset();
    this.executionCount = 0;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const execution of this.waiting.splice(0)) {
      execution.fail({ type: 'RuntimeShutdown', message: 'the runtime is shutting down', traceback: [] });
    }
    const running = this.running;
    await this.runner.dispose();
    await running?.finished;
  }

  private async pump(): Promise<void> {
    if (this.running !== undefined) return;
    const next = this.waiting.shift();
    if (next === undefined) return;
    this.running = next;
    this.executionCount++;
    next.begin(this.executionCount);
    try {
      await this.runner.run(next);
    } catch (error) {
      next.fail({ type: 'RuntimeError', message: String(error), traceback: [] });
    } finally {
      // A runner must finish its execution; this keeps the queue moving if one did not.
      if (next.state !== 'finished') next.fail({ type: 'RuntimeError', message: 'the cell ended without a result', traceback: [] });
      this.running = undefined;
      void this.pump();
    }
  }
}
