// A real but minimal runtime for the monitor tests, used until they run against the built-in
// MRP runtime: each cell is a real `bash -c` / `node -e` child process whose output streams as
// MRP events. It counts runs per exec id (the runtime side of "exactly once") and can answer
// 409 while a session is busy, as a foreign MRP client would see. Test-only.
import { spawn, type ChildProcess } from 'node:child_process';
import type { ExecutionRunner, RunEvent, RunRequest } from './execution-runner';

export class SpawnRunner implements ExecutionRunner {
  readonly runs = new Map<string, number>();
  readonly interrupted: string[] = [];
  private readonly children = new Map<string, ChildProcess>();
  private readonly busySessions = new Set<string>();

  constructor(private readonly options: { refuseWhenBusy?: boolean } = {}) {}

  get totalRuns(): number {
    let total = 0;
    for (const count of this.runs.values()) total += count;
    return total;
  }

  async *run(request: RunRequest, signal: AbortSignal): AsyncIterable<RunEvent> {
    const session = `${request.runtimeUrl} ${request.session}`;
    if (this.options.refuseWhenBusy && this.busySessions.has(session)) {
      throw Object.assign(new Error('runtime busy'), { status: 409 });
    }
    this.busySessions.add(session);
    this.runs.set(request.execId, (this.runs.get(request.execId) ?? 0) + 1);
    const node = request.language === 'node' || request.language === 'javascript';
    const child = spawn(node ? process.execPath : 'bash', node ? ['-e', request.code] : ['-c', request.code], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.children.set(request.execId, child);
    const events: RunEvent[] = [{ kind: 'start' }];
    let wake: (() => void) | null = null;
    let ended = false;
    const push = (event: RunEvent): void => {
      events.push(event);
      wake?.();
    };
    child.stdout?.setEncoding('utf8').on('data', (text: string) => push({ kind: 'stdout', text }));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => push({ kind: 'stderr', text }));
    child.on('close', (code, signalName) => {
      if (code === 0) push({ kind: 'result', result: { exitCode: 0 } });
      else push({ kind: 'error', error: { type: 'ExitError', message: `exit ${code ?? signalName}`, traceback: [] } });
      push({ kind: 'done' });
      ended = true;
      wake?.();
    });
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (events.length > 0) yield events.shift() as RunEvent;
        if (ended) return;
        if (signal.aborted) throw new Error('aborted');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      this.children.delete(request.execId);
      this.busySessions.delete(session);
    }
  }

  async input(_runtimeUrl: string, execId: string, text: string): Promise<void> {
    this.children.get(execId)?.stdin?.write(text);
  }

  async interrupt(_runtimeUrl: string, execId: string): Promise<void> {
    this.interrupted.push(execId);
    this.children.get(execId)?.kill('SIGINT');
  }

  /** Holds a session busy as a foreign client would, until `release` is called. */
  occupy(runtimeUrl: string, session: string): () => void {
    const key = `${runtimeUrl} ${session}`;
    this.busySessions.add(key);
    return () => this.busySessions.delete(key);
  }
}
