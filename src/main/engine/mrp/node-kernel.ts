// Node cells: one child Node process per session keeps the session's state (a child, not a
// vm context in the runtime's process, so a busy cell never blocks the server). The child
// program and its messages are in node-kernel-source.ts.
//
// Interrupt keeps the session's state when it can: first an `interrupt` message, which ends
// an awaiting cell; if the kernel is too busy to read it (a synchronous loop), SIGINT to its
// process group, which Node's vm turns into an exception; if the cell has still not ended
// after the grace (a loop after an await cannot be broken), SIGKILL, and the next cell
// starts a fresh kernel. SIGINT is not sent first because a signal landing just as a cell's
// synchronous part ends finds no handler and kills the kernel.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { CellRunner } from './cell-runner';
import { INTERRUPTED, type Execution } from './execution';
import { relayToExecution, type KernelMessage } from './kernel-message';
import type { MrpExecuteError } from './mrp-events';
import { NODE_KERNEL_SOURCE } from './node-kernel-source';
import { signalGroup } from './signal-group';

export interface NodeKernelOptions {
  nodePath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  session: string;
  interruptGraceMs: number;
  log: (line: string) => void;
}

/** How long a kernel may take to read an interrupt message before it counts as busy. */
const SIGINT_AFTER_MS = 250;

interface Running {
  execution: Execution;
  finish: () => void;
}

export class NodeKernel implements CellRunner {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private running: Running | undefined;
  private count = 0;
  private interrupted = false;
  private sigintTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NodeKernelOptions) {}

  async run(execution: Execution): Promise<void> {
    this.interrupted = false;
    const finished = new Promise<void>((resolve) => (this.running = { execution, finish: resolve }));
    try {
      await this.start();
    } catch (error) {
      this.end({ type: 'KernelStartError', message: `cannot start node: ${String(error)}`, traceback: [] });
      return finished;
    }
    // Interrupted or killed while the kernel was starting.
    if (this.running?.execution !== execution) return finished;
    this.count++;
    this.child?.send({ type: 'run', id: execution.id, code: execution.code, count: this.count });
    return finished;
  }

  interrupt(): void {
    const child = this.child;
    if (this.running === undefined || this.interrupted) return;
    this.interrupted = true;
    if (child === undefined) {
      this.end(INTERRUPTED);
      return;
    }
    const { execution } = this.running;
    child.send({ type: 'interrupt', id: execution.id });
    const { interruptGraceMs } = this.options;
    this.sigintTimer = setTimeout(() => {
      if (this.running?.execution === execution) signalGroup(child.pid, 'SIGINT');
    }, Math.min(SIGINT_AFTER_MS, interruptGraceMs / 2));
    this.killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), interruptGraceMs);
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
    const { nodePath, cwd, env, session, log } = this.options;
    const child = spawn(nodePath, ['-e', NODE_KERNEL_SOURCE], {
      cwd,
      env: { ...env, MRMD_SESSION: session },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.child = child;
    log(`node kernel for session ${session} started (pid ${child.pid})`);
    // Output a cell's own child processes write straight to the kernel's stdout/stderr.
    for (const stream of ['stdout', 'stderr'] as const) {
      (child[stream] as Readable).setEncoding('utf8').on('data', (text: string) => {
        if (this.running !== undefined) this.running.execution.write(stream, text);
        else log(`node session ${session} ${stream} between cells: ${text.trimEnd()}`);
      });
    }
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: KernelMessage) => {
        if (message.type === 'ready') resolve();
        else this.onMessage(message);
      });
      child.once('error', (error) => {
        reject(error);
        this.onExit(child, `could not run ${nodePath}: ${error.message}`);
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`kernel exited with ${signal ?? code} before it was ready`));
        this.onExit(child, `the node session exited (${signal ?? `code ${code}`})`);
      });
    });
    return this.ready;
  }

  private onMessage(message: KernelMessage): void {
    const running = this.running;
    if (running === undefined) return;
    const { execution } = running;
    switch (message.type) {
      case 'out':
      case 'display':
      case 'stdin':
        relayToExecution(execution, message, (answer) => this.child?.send(answer), () => this.running?.execution === execution);
        break;
      case 'done':
        if (message.id !== execution.id) break;
        if (message.ok) this.end(null, message.result);
        else this.end(this.interrupted ? INTERRUPTED : message.error);
        break;
    }
  }

  private onExit(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.ready = undefined;
    this.count = 0;
    this.options.log(`node kernel for session ${this.options.session}: ${reason}`);
    if (this.running === undefined) return;
    if (this.interrupted) {
      this.end({ ...INTERRUPTED, message: 'Execution interrupted; the node session was restarted and its state is lost' });
    } else {
      this.end({ type: 'KernelDied', message: `${reason}; its state is lost`, traceback: [] });
    }
  }

  private end(error: MrpExecuteError | null, result: string | null = null): void {
    const running = this.running;
    if (running === undefined) return;
    this.running = undefined;
    clearTimeout(this.sigintTimer);
    clearTimeout(this.killTimer);
    this.sigintTimer = undefined;
    this.killTimer = undefined;
    if (error === null) running.execution.succeed(result);
    else running.execution.fail(error);
    running.finish();
  }

  private async stop(): Promise<void> {
    const child = this.child;
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
