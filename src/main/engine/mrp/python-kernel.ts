// Python cells: one `python3` child process per session keeps the session's state across
// cells. The child program and its line/JSON messages are in python-kernel-source.ts.
//
// Interrupt: SIGINT to the kernel's process group (as Ctrl+C in a terminal), which Python
// turns into KeyboardInterrupt in the cell and keeps the session; if the cell has not ended
// after the grace (a C extension that ignores signals), SIGKILL, and the next cell starts a
// fresh kernel. A kernel that dies fails its running cell with `KernelDied` and is started
// again for the next one.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { CellRunner } from './cell-runner';
import { INTERRUPTED, type Execution } from './execution';
import { relayToExecution, type KernelMessage } from './kernel-message';
import type { MrpExecuteError } from './mrp-events';
import { PYTHON_KERNEL_SOURCE } from './python-kernel-source';
import { signalGroup } from './signal-group';

export interface PythonKernelOptions {
  pythonPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  session: string;
  interruptGraceMs: number;
  log: (line: string) => void;
}

interface Kernel {
  child: ChildProcess;
  commands: Writable;
}

export class PythonKernel implements CellRunner {
  private kernel: Kernel | undefined;
  private ready: Promise<void> | undefined;
  private running: { execution: Execution; finish: () => void } | undefined;
  private count = 0;
  private interrupted = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PythonKernelOptions) {}

  async run(execution: Execution): Promise<void> {
    this.interrupted = false;
    const finished = new Promise<void>((resolve) => (this.running = { execution, finish: resolve }));
    try {
      await this.start();
    } catch (error) {
      this.end({ type: 'KernelStartError', message: `cannot start ${this.options.pythonPath}: ${errorText(error)}`, traceback: [] });
      return finished;
    }
    // Interrupted or killed while the kernel was starting.
    if (this.running?.execution !== execution) return finished;
    this.count++;
    this.send({ type: 'run', id: execution.id, code: execution.code, count: this.count });
    return finished;
  }

  interrupt(): void {
    if (this.running === undefined || this.interrupted) return;
    this.interrupted = true;
    const child = this.kernel?.child;
    if (child === undefined) {
      this.end(INTERRUPTED);
      return;
    }
    signalGroup(child.pid, 'SIGINT');
    this.killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), this.options.interruptGraceMs);
  }

  async reset(): Promise<void> {
    await this.stop();
    this.count = 0;
  }

  async dispose(): Promise<void> {
    await this.stop();
  }

  private send(message: Record<string, unknown>): void {
    this.kernel?.commands.write(`${JSON.stringify(message)}\n`);
  }

  private start(): Promise<void> {
    if (this.ready !== undefined) return this.ready;
    const { pythonPath, cwd, env, session, log } = this.options;
    const child = spawn(pythonPath, ['-u', '-c', PYTHON_KERNEL_SOURCE], {
      cwd,
      env: { ...env, MRMD_SESSION: session, MPLBACKEND: env.MPLBACKEND ?? 'Agg', PYTHONIOENCODING: 'utf-8' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const [, stdout, stderr, messages, commands] = child.stdio as unknown as [null, Readable, Readable, Readable, Writable];
    commands.on('error', () => {});
    this.kernel = { child, commands };
    log(`python kernel for session ${session} started (pid ${child.pid}, ${pythonPath})`);
    // What the cell's subprocesses (and C code) write to the real fds 1 and 2.
    for (const [stream, pipe] of [['stdout', stdout], ['stderr', stderr]] as const) {
      pipe.setEncoding('utf8').on('data', (text: string) => {
        if (this.running !== undefined) this.running.execution.write(stream, text);
        else log(`python session ${session} ${stream} between cells: ${text.trimEnd()}`);
      });
    }
    this.ready = new Promise<void>((resolve, reject) => {
      let buffered = '';
      messages.setEncoding('utf8').on('data', (text: string) => {
        buffered += text;
        let end: number;
        while ((end = buffered.indexOf('\n')) !== -1) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 1);
          let message: KernelMessage;
          try {
            message = JSON.parse(line) as KernelMessage;
          } catch {
            log(`python session ${session}: unreadable kernel message ${line.slice(0, 200)}`);
            continue;
          }
          if (message.type === 'ready') resolve();
          else this.onMessage(message);
        }
      });
      child.once('error', (error) => {
        reject(error);
        this.onExit(child, `could not run ${pythonPath}: ${error.message}`);
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`the kernel exited with ${signal ?? `code ${code}`} before it was ready`));
        this.onExit(child, `the python kernel exited (${signal ?? `code ${code}`})`);
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
        relayToExecution(execution, message, (answer) => this.send(answer), () => this.running?.execution === execution);
        break;
      case 'done':
        if (message.id !== execution.id) break;
        if (message.ok) this.end(null, message.result);
        else if (this.interrupted && message.error.type === 'KeyboardInterrupt') this.end({ ...INTERRUPTED, traceback: message.error.traceback });
        else this.end(message.error);
        break;
    }
  }

  private onExit(child: ChildProcess, reason: string): void {
    if (this.kernel?.child !== child) return;
    this.kernel = undefined;
    this.ready = undefined;
    this.count = 0;
    this.options.log(`python kernel for session ${this.options.session}: ${reason}`);
    if (this.running === undefined) return;
    if (this.interrupted) {
      this.end({ ...INTERRUPTED, message: 'Execution interrupted; the python kernel was restarted and its state is lost' });
    } else {
      this.end({ type: 'KernelDied', message: `${reason} while running this cell; its state is lost and the next cell starts a fresh kernel`, traceback: [] });
    }
  }

  private end(error: MrpExecuteError | null, result: string | null = null): void {
    const running = this.running;
    if (running === undefined) return;
    this.running = undefined;
    clearTimeout(this.killTimer);
    this.killTimer = undefined;
    if (error === null) running.execution.succeed(result);
    else running.execution.fail(error);
    running.finish();
  }

  private async stop(): Promise<void> {
    const child = this.kernel?.child;
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
