// One cell run in the built-in MRP runtime: its events in order (start, output, stdin
// requests, then exactly one of result or error, then done), the output collected for the
// non-streaming `execute`, and the one stdin request it may be waiting on.
//
// Output written in quick succession to the same stream goes out as one event: every event
// carries the whole `accumulated` text (mrmd-python's shape), so a cell printing ten
// thousand lines one by one would otherwise send quadratic bytes. A switch of stream, any
// other event, or OUTPUT_BATCH_MS of quiet sends what is pending, so order is kept.
import type { MrpDisplayData, MrpEventName, MrpExecuteError, MrpExecuteResult } from './mrp-events';

export type ExecutionListener = (event: MrpEventName, data: unknown) => void;

export type ExecutionState = 'queued' | 'running' | 'finished';

export class InputCancelledError extends Error {
  constructor() {
    super('Input cancelled by user');
    this.name = 'InputCancelledError';
  }
}

const OUTPUT_BATCH_MS = 10;

export const INTERRUPTED: MrpExecuteError = { type: 'KeyboardInterrupt', message: 'Execution interrupted', traceback: [] };

export class Execution {
  state: ExecutionState = 'queued';
  private readonly listeners = new Set<ExecutionListener>();
  private stdout = '';
  private stderr = '';
  private readonly displayData: MrpDisplayData[] = [];
  private executionCount = 0;
  private startedAt = 0;
  private outcome: MrpExecuteResult | undefined;
  private pendingInput: { resolve: (text: string) => void; reject: (error: Error) => void } | undefined;
  private pending: { stream: 'stdout' | 'stderr'; text: string } | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private resolveFinished!: () => void;
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    readonly id: string,
    readonly code: string,
    readonly session: string,
  ) {}

  on(listener: ExecutionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get waitingForInput(): boolean {
    return this.pendingInput !== undefined;
  }

  begin(executionCount: number): void {
    this.state = 'running';
    this.executionCount = executionCount;
    this.startedAt = Date.now();
    this.emit('start', { execId: this.id, timestamp: new Date(this.startedAt).toISOString() });
  }

  write(stream: 'stdout' | 'stderr', content: string): void {
    if (this.state === 'finished' || content.length === 0) return;
    if (this.pending !== undefined && this.pending.stream !== stream) this.flushOutput();
    if (this.pending === undefined) {
      this.pending = { stream, text: '' };
      this.pendingTimer = setTimeout(() => this.flushOutput(), OUTPUT_BATCH_MS);
    }
    this.pending.text += content;
    this[stream] += content;
  }

  display(data: MrpDisplayData): void {
    if (this.state === 'finished') return;
    this.displayData.push(data);
    this.emit('display', data);
  }

  /** Raises `stdin_request`; rejects with InputCancelledError on `input/cancel` or when the cell ends. */
  requestInput(prompt: string, password = false): Promise<string> {
    if (this.state === 'finished') return Promise.reject(new InputCancelledError());
    // A second request replaces the first, which can no longer be answered.
    this.pendingInput?.reject(new InputCancelledError());
    return new Promise<string>((resolve, reject) => {
      this.pendingInput = { resolve, reject };
      this.emit('stdin_request', { prompt, password, execId: this.id });
    });
  }

  provideInput(text: string): boolean {
    const pending = this.pendingInput;
    if (pending === undefined) return false;
    this.pendingInput = undefined;
    pending.resolve(text);
    return true;
  }

  cancelInput(): boolean {
    const pending = this.pendingInput;
    if (pending === undefined) return false;
    this.pendingInput = undefined;
    pending.reject(new InputCancelledError());
    return true;
  }

  succeed(result: string | null): void {
    this.finish({ ...this.collected(), success: true, result, error: null });
  }

  fail(error: MrpExecuteError): void {
    this.finish({ ...this.collected(), success: false, result: null, error });
  }

  /** Set once finished; what the non-streaming `execute` returns. */
  get result(): MrpExecuteResult | undefined {
    return this.outcome;
  }

  private collected(): Pick<MrpExecuteResult, 'stdout' | 'stderr' | 'displayData' | 'assets' | 'executionCount' | 'duration'> {
    return {
      stdout: this.stdout,
      stderr: this.stderr,
      displayData: this.displayData,
      assets: [],
      executionCount: this.executionCount,
      duration: this.startedAt === 0 ? null : Date.now() - this.startedAt,
    };
  }

  private finish(outcome: MrpExecuteResult): void {
    if (this.state === 'finished') return;
    this.pendingInput?.reject(new InputCancelledError());
    this.pendingInput = undefined;
    this.outcome = outcome;
    if (outcome.success) this.emit('result', outcome);
    else this.emit('error', outcome.error);
    this.emit('done', {});
    this.state = 'finished';
    this.listeners.clear();
    this.resolveFinished();
  }

  private flushOutput(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.send(pending.stream, { content: pending.text, accumulated: this[pending.stream] });
  }

  private emit(event: MrpEventName, data: unknown): void {
    this.flushOutput();
    this.send(event, data);
  }

  private send(event: MrpEventName, data: unknown): void {
    for (const listener of this.listeners) listener(event, data);
  }
}
