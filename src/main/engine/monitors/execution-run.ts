// One claimed execution from the queue to its terminal status: choose the runtime, wait for our
// turn on (runtime URL, session), re-check the claim, stream MRP events into the output block
// and the entry, and always end in `completed`, `error` or `cancelled`.
//
// Failure rules (MRMD-NOTES.md lists what mrmd-monitor gets wrong):
// - a 409 means a foreign client is using the runtime (say, someone's long training run); our
//   code has not started, so we retry with capped backoff for as long as it takes, never
//   turning it into `error`; the editor can cancel, and the entry stays `running` meanwhile;
// - a stream that ends with neither `result` nor `error` becomes `error` (StreamEnded);
// - a stream silent for `stuckTimeoutMs` (MRP pings every 60 s) is aborted as `error` (Stuck);
// - `cancelled` written by the editor interrupts the runtime (MRP `/interrupt`), then drops
//   the stream after a grace period; the terminal status stays `cancelled`;
// - exactly one terminal write per run, through the guarded `updateEntry`, made as soon as the
//   runtime sends `result` or `error` (with the last output, in one transaction); the run keeps
//   its place in the queue until the stream closes.
import { beginRun } from './claim';
import { STATUS, isOwnedBy, isTerminal, readEntry, updateEntry, type DisplayData, type ExecutionEntry, type ExecutionError } from './execution-entry';
import { isBusyError, type RunEvent, type RunRequest } from './execution-runner';
import { writeOutput } from './output-block';
import { RunQueue } from './run-queue';
import { chooseRuntime } from './runtime-choice';
import type { RunContext } from './run-context';
import { describe } from './describe-error';
import { sleep } from '../supervisor/sleep';
import { clearStdin, requestStdin } from './stdin';
import { TerminalText } from './terminal-text';

export class ExecutionRun {
  private readonly abort = new AbortController();
  private readonly terminal = new TerminalText();
  private readonly displayData: DisplayData[] = [];
  private runtimeUrl: string | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private outcome: { kind: 'result'; result: unknown } | { kind: 'error'; error: ExecutionError } | null = null;
  private cancelled = false;
  private stuck = false;
  private disposed = false;
  private started = false;
  /** The terminal fields this run wrote (or tried to): the peer re-asserts them if a concurrent write undoes them. */
  finalPatch: Partial<ExecutionEntry> | null = null;
  private sentInput: string | null = null;
  /** The runtime accepted the request (an event arrived); before that a cancel just drops it. */
  private streaming = false;
  // Early start (claim.ts, "Alone"): the request goes out at our claim, and nothing is written
  // (status, output, outcome) until `confirm()` finds the entry `ready` for us; output and the
  // outcome wait here meanwhile. `confirmation` resolves false when the run is dropped instead.
  private confirmed: boolean;
  private settleConfirmation!: (confirmed: boolean) => void;
  private readonly confirmation = new Promise<boolean>((resolve) => (this.settleConfirmation = resolve));
  private confirmWanted = false;
  private posted = false;
  private pendingStdin: { prompt: string; password: boolean } | null = null;

  constructor(
    private readonly context: RunContext,
    readonly id: string,
    early = false,
  ) {
    this.confirmed = !early;
  }

  /** An early run not yet confirmed: its claim may still be undone, and it has written nothing. */
  get unconfirmed(): boolean {
    return !this.confirmed;
  }
  /**
   * Early run: the entry is now `ready` for us and settled (claim.ts, steps 3 and 4). Writes
   * `running` and whatever the run produced so far, in one transaction; still queued, the run
   * just begins as any other when its turn comes. Not ready for us any more: dropped.
   */
  confirm(): void {
    if (this.confirmed || this.cancelled || this.disposed) return;
    if (!this.posted) {
      this.confirmWanted = true;
      return;
    }
    const { ydoc, me, origin } = this.context;
    ydoc.transact(() => {
      if (!beginRun(ydoc, this.id, me, Date.now(), origin)) return;
      this.markStarted();
      if (this.displayData.length > 0) this.writeOwned({ displayData: [...this.displayData] });
      this.askStdin();
      if (this.outcome !== null) this.conclude();
      else this.flush();
    }, origin);
    if (this.confirmed) return;
    this.context.log('info', `${this.id}: no longer ours or cancelled before it was confirmed; interrupting the early run`);
    this.cancel();
  }

  /** Resolves when the run is over, whatever its outcome; never rejects. */
  async start(): Promise<void> {
    const { ydoc, runtimes, doc } = this.context;
    try {
      const entry = readEntry(ydoc, this.id);
      if (entry === null) return;
      const choice = chooseRuntime(entry, runtimes);
      if (!choice.ok) {
        this.finishWithError({ type: 'RuntimeNotAllowed', message: choice.message });
        return;
      }
      this.runtimeUrl = choice.url;
      const session = typeof entry.session === 'string' && entry.session !== '' ? entry.session : doc;
      const request: RunRequest = {
        runtimeUrl: choice.url,
        execId: this.id,
        code: typeof entry.code === 'string' ? entry.code : '',
        language: typeof entry.language === 'string' ? entry.language : '',
        session,
      };
      await this.context.queue.enqueue(RunQueue.key(choice.url, session), () => this.execute(request));
    } catch (error) {
      this.context.log('error', `${this.id}: ${describe(error)}`);
      this.finishWithError({ type: 'MonitorError', message: describe(error) });
    } finally {
      this.clearTimers();
    }
  }

  /** The editor set `cancelled`: interrupt the runtime, then let go of the stream. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.settleConfirmation(false);
    if (this.streaming && this.runtimeUrl !== null && this.outcome === null) {
      this.context.log('info', `${this.id}: cancelled, interrupting ${this.runtimeUrl}`);
      this.context.runner.interrupt(this.runtimeUrl, this.id).catch((error: unknown) => {
        this.context.log('warn', `${this.id}: interrupt failed: ${describe(error)}`);
      });
      this.graceTimer = setTimeout(() => this.abort.abort(), this.context.timing.interruptGraceMs);
    } else {
      this.abort.abort();
    }
  }

  /** The editor answered a stdin request; sent once per answer. */
  answerStdin(text: string): void {
    if (this.runtimeUrl === null || this.sentInput === text) return;
    this.sentInput = text;
    const { ydoc, me, origin } = this.context;
    this.context.runner
      .input(this.runtimeUrl, this.id, text)
      .then(() => clearStdin(ydoc, this.id, me, origin))
      .catch((error: unknown) => this.context.log('warn', `${this.id}: sending input failed: ${describe(error)}`))
      .finally(() => {
        this.sentInput = null;
      });
  }

  /** Started for sure: the guarded `running` write succeeded. */
  get hasStarted(): boolean {
    return this.started;
  }

  /** Aborts without writing anything more (the peer is stopping); optionally stops the runtime too. */
  dispose({ interrupt = false }: { interrupt?: boolean } = {}): void {
    if (interrupt && this.started && this.runtimeUrl !== null && this.outcome === null) {
      this.context.runner.interrupt(this.runtimeUrl, this.id).catch(() => undefined);
    }
    this.disposed = true;
    this.settleConfirmation(false);
    this.abort.abort();
    this.clearTimers();
  }

  private async execute(request: RunRequest): Promise<void> {
    const { ydoc, me, origin, timing } = this.context;
    if (this.abort.signal.aborted || this.cancelled) return;
    if (this.confirmed || this.confirmWanted) {
      // Step 5 of claim.ts: only a `ready` entry that still names us starts.
      if (!beginRun(ydoc, this.id, me, Date.now(), origin)) {
        this.context.log('info', `${this.id}: no longer ours or cancelled before the run; skipped`);
        return;
      }
      this.markStarted();
    } else if (!isOwnedBy(readEntry(ydoc, this.id), me) || isTerminal(readEntry(ydoc, this.id)?.status)) return;
    this.posted = true;
    this.context.log('info', `${this.id}: running on ${request.runtimeUrl} (session ${request.session})${this.confirmed ? '' : ', before the editor\'s ready'}`);
    let retryMs = timing.busyRetryMs;
    while (!this.abort.signal.aborted) {
      try {
        this.touch();
        for await (const event of this.context.runner.run(request, this.abort.signal)) {
          this.streaming = true;
          this.touch();
          this.handle(event);
        }
        break;
      } catch (error) {
        if (isBusyError(error) && !this.abort.signal.aborted) {
          this.context.log(retryMs === timing.busyRetryMs ? 'info' : 'debug', `${this.id}: runtime busy (409), retrying in ${retryMs} ms`);
          await sleep(retryMs, this.abort.signal);
          retryMs = Math.min(retryMs * 2, timing.maxBusyRetryMs);
          continue;
        }
        if (this.outcome === null && !this.cancelled) {
          const message = this.stuck ? `no event from the runtime for ${timing.stuckTimeoutMs} ms` : describe(error);
          this.outcome = { kind: 'error', error: { type: this.stuck ? 'Stuck' : 'ConnectionError', message } };
        }
        break;
      }
    }
    if (this.disposed) return;
    if (!this.confirmed && !(await this.confirmation)) return;
    this.conclude();
  }

  private markStarted(): void {
    this.confirmed = this.started = true;
    this.context.onStarted?.();
    this.settleConfirmation(true);
  }

  /**
   * The last output and the terminal status in one transaction, so peers get one update (one
   * message on the socket instead of two); a second call only flushes output that came late.
   */
  private conclude(): void {
    if (!this.confirmed) return; // confirm() concludes
    this.context.ydoc.transact(() => {
      this.flush();
      if (this.finalPatch === null) this.finish();
    }, this.context.origin);
  }

  private handle(event: RunEvent): void {
    switch (event.kind) {
      case 'stdout':
      case 'stderr':
        this.terminal.write(event.text);
        this.scheduleFlush();
        break;
      case 'stdin_request':
        this.pendingStdin = { prompt: event.prompt, password: event.password };
        if (this.confirmed) this.askStdin();
        break;
      case 'display':
        this.displayData.push(event.display);
        if (this.confirmed) this.writeOwned({ displayData: [...this.displayData] });
        break;
      // The outcome is written as soon as it is known (as mrmd-monitor does): the editor's next
      // request need not wait for the stream to close; the queue still waits for it.
      case 'result':
        this.outcome ??= { kind: 'result', result: event.result };
        this.conclude();
        break;
      case 'error':
        this.outcome ??= { kind: 'error', error: event.error };
        this.conclude();
        break;
      default:
        break;
    }
  }

  /** The output so far, then the runtime's stdin request, into the entry. */
  private askStdin(): void {
    if (this.pendingStdin === null) return;
    this.flush();
    requestStdin(this.context.ydoc, this.id, this.context.me, this.pendingStdin.prompt, this.pendingStdin.password, this.context.origin);
    this.pendingStdin = null;
  }

  private finish(): void {
    if (this.cancelled) return;
    const outcome = this.outcome ?? {
      kind: 'error' as const,
      error: { type: 'StreamEnded', message: 'the runtime closed the stream without a result or an error' },
    };
    if (outcome.kind === 'result') {
      this.writeFinal({ status: STATUS.completed, completedAt: Date.now(), result: outcome.result ?? null, ...this.finalFields() });
    } else {
      this.finishWithError(outcome.error);
    }
  }

  private finishWithError(error: ExecutionError): void {
    if (this.terminal.toString().trim() === '') {
      const trace = error.traceback && error.traceback.length > 0 ? '\n' + error.traceback.join('\n') : '';
      this.terminal.write(`${error.type}: ${error.message}${trace}`);
      this.flush();
    }
    this.writeFinal({ status: STATUS.error, completedAt: Date.now(), error, ...this.finalFields() });
  }

  /** What every outcome also sets: all display data, and no stdin request left open. */
  private finalFields(): Partial<ExecutionEntry> {
    return { displayData: [...this.displayData], stdinRequest: null, stdinResponse: null };
  }

  private writeFinal(patch: Partial<ExecutionEntry>): void {
    this.finalPatch = patch;
    const written = this.writeOwned(patch);
    const what = patch.status === STATUS.error ? `error: ${patch.error?.type}: ${patch.error?.message}` : String(patch.status);
    if (written) this.context.log(patch.status === STATUS.error ? 'warn' : 'info', `${this.id}: ${what}`);
    else {
      const entry = readEntry(this.context.ydoc, this.id);
      this.context.log('info', `${this.id}: ${what}, not written: entry is ${String(entry?.status)}, claimed by ${String(entry?.claimedBy)}`);
    }
  }

  private writeOwned(patch: Partial<ExecutionEntry>): boolean {
    const { ydoc, me, origin } = this.context;
    return updateEntry(ydoc, this.id, (current) => (isOwnedBy(current, me) ? patch : null), origin) !== null;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, this.context.timing.outputFlushMs);
  }

  private flush(): void {
    if (this.flushTimer !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (!this.confirmed) return; // kept in `terminal` until confirm()
    const { ydoc, me, origin } = this.context;
    const entry = readEntry(ydoc, this.id);
    // A monitor that lost the entry must not fight the winner over the same block.
    if (!isOwnedBy(entry, me)) return;
    if (!writeOutput(ydoc, this.id, this.terminal.toString(), entry?.outputPosition, origin)) {
      this.context.log('debug', `${this.id}: output block not found; output kept for the next flush`);
    }
  }

  private touch(): void {
    // Every event re-arms the timer: refresh() moves it instead of making a new one.
    if (this.idleTimer !== null) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.stuck = true;
      this.abort.abort();
    }, this.context.timing.stuckTimeoutMs);
  }

  private clearTimers(): void {
    for (const timer of [this.flushTimer, this.idleTimer, this.graceTimer]) if (timer !== null) clearTimeout(timer);
    this.flushTimer = this.idleTimer = this.graceTimer = null;
  }
}
