// Python cells: one `python3` child process per session keeps the session's state across
// cells. The child program and its line/JSON messages are in python-kernel-source.ts; the
// process handling it shares with the node kernel is in kernel-process.ts.
//
// Interrupt: SIGINT to the kernel's process group (as Ctrl+C in a terminal), which Python
// turns into KeyboardInterrupt in the cell and keeps the session; if the cell has not ended
// after the grace (a C extension that ignores signals), SIGKILL, and the next cell starts a
// fresh kernel. A kernel that dies fails its running cell with `KernelDied` and is started
// again for the next one.
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { CellRunner } from './cell-runner';
import { INTERRUPTED } from './execution';
import type { KernelMessage } from './kernel-message';
import { KernelProcess } from './kernel-process';
import { PYTHON_KERNEL_SOURCE } from './python-kernel-source';
import { readRecords } from './read-records';

export interface PythonKernelOptions {
  pythonPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  session: string;
  interruptGraceMs: number;
  log: (line: string) => void;
}

export function createPythonKernel(options: PythonKernelOptions): CellRunner {
  const { pythonPath, cwd, env, session, interruptGraceMs, log } = options;
  return new KernelProcess({
    language: 'python',
    program: pythonPath,
    session,
    interruptGraceMs,
    log,
    // Messages come as JSON lines on fd 3, commands go as JSON lines to fd 4, so the cell's
    // own stdin, stdout and stderr stay free.
    spawn: (onMessage) => {
      const child = spawn(pythonPath, ['-u', '-c', PYTHON_KERNEL_SOURCE], {
        cwd,
        env: { ...env, MRMD_SESSION: session, MPLBACKEND: env.MPLBACKEND ?? 'Agg', PYTHONIOENCODING: 'utf-8' },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
      const [, , , messages, commands] = child.stdio as unknown as [null, Readable, Readable, Readable, Writable];
      commands.on('error', () => {});
      readJsonLines(messages, onMessage, (line) => log(`python session ${session}: unreadable kernel message ${line.slice(0, 200)}`));
      return { child, send: (command) => commands.write(`${JSON.stringify(command)}\n`) };
    },
    interrupt: ({ signal }) => signal('SIGINT'),
    // A KeyboardInterrupt keeps its traceback (where the cell was); any other error is the cell's.
    interruptedError: (error) => (error.type === 'KeyboardInterrupt' ? { ...INTERRUPTED, traceback: error.traceback } : error),
  });
}

function readJsonLines(stream: Readable, onMessage: (message: KernelMessage) => void, onUnreadable: (line: string) => void): void {
  readRecords(stream, '\n', (line) => {
    let message: KernelMessage;
    try {
      message = JSON.parse(line) as KernelMessage;
    } catch {
      onUnreadable(line);
      return;
    }
    onMessage(message);
  });
}
