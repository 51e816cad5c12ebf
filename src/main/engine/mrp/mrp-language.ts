// One language of the built-in runtime (`bash` at `/mrp/v1` and `/bash/mrp/v1`, `node` at
// `/node/mrp/v1`): its sessions, each with its own queue and runner, and the lookups the
// input and interrupt endpoints need. A request without `session` uses `default`, as
// mrmd-monitor sends none.
import type { CellRunner } from './cell-runner';
import type { Execution } from './execution';
import { SessionQueue } from './session-queue';

export const DEFAULT_SESSION = 'default';

export class MrpLanguage {
  private readonly sessions = new Map<string, SessionQueue>();

  constructor(
    readonly name: string,
    readonly capabilities: Record<string, unknown>,
    private readonly createRunner: (session: string) => CellRunner,
  ) {}

  execute(execution: Execution): void {
    let queue = this.sessions.get(execution.session);
    if (queue === undefined) {
      queue = new SessionQueue(execution.session, this.createRunner(execution.session));
      this.sessions.set(execution.session, queue);
    }
    queue.enqueue(execution);
  }

  find(execId: string): Execution | undefined {
    for (const queue of this.sessions.values()) {
      const found = queue.find(execId);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** With neither id nor session, every running cell of this language, as a one-kernel runtime would. */
  interrupt({ execId, session }: { execId?: string; session?: string }): string[] {
    if (execId !== undefined) {
      for (const queue of this.sessions.values()) {
        const ids = queue.interrupt(execId);
        if (ids.length > 0) return ids;
      }
      return [];
    }
    if (session !== undefined) return this.sessions.get(session)?.interrupt() ?? [];
    return Array.from(this.sessions.values()).flatMap((queue) => queue.interrupt());
  }

  /** Without an id, the one execution waiting for input, if exactly one is. */
  waitingForInput(execId: string | undefined): Execution | undefined {
    if (execId !== undefined) {
      const found = this.find(execId);
      return found?.waitingForInput ? found : undefined;
    }
    const waiting: Execution[] = [];
    for (const queue of this.sessions.values()) {
      const running = queue.runningExecution;
      if (running?.waitingForInput) waiting.push(running);
    }
    return waiting.length === 1 ? waiting[0] : undefined;
  }

  async reset(session?: string): Promise<void> {
    const queues = session === undefined ? Array.from(this.sessions.values()) : [this.sessions.get(session)];
    await Promise.all(queues.map((queue) => queue?.reset()));
  }

  health(): Record<string, unknown> {
    const sessions = Array.from(this.sessions.values());
    return {
      status: 'healthy',
      language: this.name,
      sessions: sessions.length,
      busySessions: sessions.filter((queue) => queue.busy).length,
    };
  }

  async dispose(): Promise<void> {
    await Promise.all(Array.from(this.sessions.values(), (queue) => queue.dispose()));
    this.sessions.clear();
  }
}
