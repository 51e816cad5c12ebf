// Runs are serialized per (runtime URL, session): a runtime executes one cell of a session at a
// time, and mrmd-monitor's habit of opening every stream at once turned 60 of 100 concurrent
// cells into 409 errors (MRMD-NOTES.md). One queue is shared by all peers of a process, so
// monitors of different documents that share a session wait for each other too.
export class RunQueue {
  private readonly tails = new Map<string, Promise<void>>();

  static key(runtimeUrl: string, session: string): string {
    return `${runtimeUrl}\u0000${session}`;
  }

  /** Runs `task` after every task queued before it under the same key; never rejects the chain. */
  enqueue<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get size(): number {
    return this.tails.size;
  }
}
