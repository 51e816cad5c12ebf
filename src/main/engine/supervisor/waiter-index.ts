// Dependency waiters by the name of each service they wait on, so a change to one service wakes
// only its own waiters (ARCHITECTURE.md §2), not every blocked unit.
export class WaiterIndex {
  private readonly byName = new Map<string, Set<() => void>>();

  /** Registers `listener` for each name; the result unregisters it. */
  add(names: readonly string[], listener: () => void): () => void {
    for (const name of names) {
      let listeners = this.byName.get(name);
      if (!listeners) this.byName.set(name, (listeners = new Set()));
      listeners.add(listener);
    }
    return () => {
      for (const name of names) {
        const listeners = this.byName.get(name);
        listeners?.delete(listener);
        if (listeners?.size === 0) this.byName.delete(name);
      }
    };
  }

  wake(name: string): void {
    const listeners = this.byName.get(name);
    if (listeners) for (const listener of [...listeners]) listener();
  }
}
