// The process handling both session kernels (node-kernel.ts, python-kernel.ts) share: one
// child per session, started on the first cell and again after it died; one cell at a time;
// its output relayed to the running cell; an interrupt that ends in SIGKILL after the grace;
// a kernel that dies fails its running cell and loses the session's state. What differs is
// passed in: how the child is started and spoken to (Node IPC, JSON lines), the first step
// of an interrupt, and how a cell that failed after an interrupt is reported.
import type { ChildProcess } from 'node:child_process';
import type { CellRunner } from './cell-runner';
import { INTERRUPTED, type Execution } from './execution';
import { relayToExecution, type KernelCommand, type KernelMessage } from './kernel-message';
import type { MrpExecuteError } from './mrp-events';
import { signalGroup } from './signal-group';

/** A started kernel: its process (a group leader, stdout and stderr piped) and how to talk to it. */
export interface KernelChannel {
  child: ChildProcess;
  send: (command: KernelCommand) => void;
}

/** What an interrupt's first step may do; steps given to `later` are dropped when the cell ends. */
export interface InterruptStep {
  execution: Execution;
  send: (command: KernelCommand) => void;
  signal: (signal: NodeJS.Signals) => void;
  later: (delayMs: number, step: () => void) => void;
}

export interface KernelProcessOptions {
  /** 'node' or 'python', for log lines and errors. */
  language: string;
  /** The executable, for errors and the start log line. */
  program: string;
  session: string;
  interruptGraceMs: number;
  log: (line: string) => void;
  /** Starts the kernel (`detached: true`) and passes each message it sends to `onMessage`. */
  spawn: (onMessage: (message: KernelMessage) => void) => KernelChannel;
  /** The first step of an interrupt; SIGKILL after the grace is added here. */
  interrupt: (step: InterruptStep) => void;
  /** The error shown for a cell that failed after it was interrupted. */
  interruptedError: (error: MrpExecuteError) => MrpExecuteError;
}

interface Running {
  execution: Execution;
  finish: () => void;
}

export class KernelProcess implements CellRunner {
  private channel: KernelChannel | undefined;
  private ready: Promise<void> | undefined;
  private running: Running | undefined;
  private count = 0;
  private interrupted = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: KernelProcessOptions) {}

  async run(execution: Execution): Promise<void> {
    this.interrupted = false;
    const finished = new Promise<void>((resolve) => (this.running = { execution, finish: resolve }));
    try {
      await this.start();
    } catch (error) {
      this.end({ type: 'KernelStartError', message: `cannot start ${this.options.program}: ${errorText(error)}`, traceback: [] });
      return finished;
    }
    // Interrupted or killed while the kernel was starting.
    if (this.running?.execution !== execution) return finished;
    this.count++;
    this.channel?.send({ type: 'run', id: execution.id, code: execution.code, count: this.count });
    return finished;
  }

  interrupt(): void {
    if (this.running === undefined || this.interrupted) return;
    this.interrupted = true;
    const channel = this.channel;
    if (channel === undefined) {
      this.end(INTERRUPTED);
      return;
    }
    const pid = channel.child.pid;
    const later = (delayMs: number, step: () => void): void => {
      this.timers.push(setTimeout(step, delayMs));
    };
    this.options.interrupt({
      execution: this.running.execution,
      send: channel.send,
      signal: (signal) => signalGroup(pid, signal),
      later,
    });
    later(this.options.interruptGraceMs, () => signalGroup(pid, 'SIGKILL'));
  }

  async reset(): Promise<void> {
    await this.stop();
    this.count = 0;
  }

  async dispose(): Promise<void> {
    await this.stop();
  }

  private start(): Promise<void> {
    if (this.ready !== undefined) return this.ready;
    const { language, program, session, log } = this.options;
    let resolveReady = (): void => {};
    let rejectReady = (_error: Error): void => {};
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // A spawn that throws leaves no kernel behind, so the next cell tries again.
    const channel = this.options.spawn((message) => {
      if (message.type === 'ready') resolveReady();
      else this.onMessage(message);
    });
    const { child } = channel;
    this.channel = channel;
    this.ready = ready;
    log(`${language} kernel for session ${session} started (pid ${child.pid}, ${program})`);
    // What the cell's own child processes (and C code) write to the real fds 1 and 2.
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.setEncoding('utf8').on('data', (text: string) => {
        if (this.running !== undefined) this.running.execution.write(stream, text);
        else log(`${language} session ${session} ${stream} between cells: ${text.trimEnd()}`);
      });
    }
    child.once('error', (error) => {
      rejectReady(error);
      this.onExit(child, `could not run ${program}: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      rejectReady(new Error(`the kernel exited with ${signal ?? `code ${code}`} before it was ready`));
      this.onExit(child, `the ${language} kernel exited (${signal ?? `code ${code}`})`);
    });
    return ready;
  }

  private onMessage(message: Exclude<KernelMessage, { type: 'ready' }>): void {
    const running = this.running;
    if (running === undefined) return;
    const { execution } = running;
    switch (message.type) {
      case 'out':
      case 'display':
      case 'stdin':
        relayToExecution(execution, message, (answer) => this.channel?.send(answer), () => this.running?.execution === execution);
        break;
      case 'done':
        if (message.id !== execution.id) break;
        if (message.ok) this.end(null, message.result);
        else this.end(this.interrupted ? this.options.interruptedError(message.error) : message.error);
        break;
    }
  }

  private onExit(child: ChildProcess, reason: string): void {
    if (this.channel?.child !== child) return;
    this.channel = undefined;
    this.ready = undefined;
    this.count = 0;
    const { language, session, log } = this.options;
    log(`${language} kernel for session ${session}: ${reason}`);
    if (this.running === undefined) return;
    if (this.interrupted) {
      this.end({ ...INTERRUPTED, message: `Execution interrupted; the ${language} kernel was restarted and its state is lost` });
    } else {
      this.end({ type: 'KernelDied', message: `${reason} while running this cell; its state is lost and the next cell starts a fresh kernel`, traceback: [] });
    }
  }

  private end(error: MrpExecuteError | null, result: string | null = null): void {
    const running = this.running;
    if (running === undefined) return;
    this.running = undefined;
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    if (error === null) running.execution.succeed(result);
    else running.execution.fail(error);
    running.finish();
  }

  private async stop(): Promise<void> {
    const child = this.channel?.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    this.interrupted = true;
    signalGroup(child.pid, 'SIGKILL');
    await exited;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
