// Node cells: one child Node process per session keeps the session's state (a child, not a
// vm context in the runtime's process, so a busy cell never blocks the server). The child
// program and its messages are in node-kernel-source.ts; the process handling it shares
// with the python kernel is in kernel-process.ts.
//
// Interrupt keeps the session's state when it can: first an `interrupt` message, which ends
// an awaiting cell; if the kernel is too busy to read it (a synchronous loop), SIGINT to its
// process group, which Node's vm turns into an exception; if the cell has still not ended
// after the grace (a loop after an await cannot be broken), SIGKILL, and the next cell
// starts a fresh kernel. SIGINT is not sent first because a signal landing just as a cell's
// synchronous part ends finds no handler and kills the kernel.
import { spawn } from 'node:child_process';
import type { CellRunner } from './cell-runner';
import { INTERRUPTED } from './execution';
import type { KernelMessage } from './kernel-message';
import { KernelProcess } from './kernel-process';
import { NODE_KERNEL_SOURCE } from './node-kernel-source';

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

export function createNodeKernel(options: NodeKernelOptions): CellRunner {
  const { nodePath, cwd, env, session, interruptGraceMs, log } = options;
  return new KernelProcess({
    language: 'node',
    program: nodePath,
    session,
    interruptGraceMs,
    log,
    spawn: (onMessage) => {
      const child = spawn(nodePath, ['-e', NODE_KERNEL_SOURCE], {
        cwd,
        env: { ...env, MRMD_SESSION: session },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        detached: true,
      });
      child.on('message', (message: KernelMessage) => onMessage(message));
      return { child, send: (command) => child.send(command) };
    },
    interrupt: ({ execution, send, signal, later }) => {
      send({ type: 'interrupt', id: execution.id });
      later(Math.min(SIGINT_AFTER_MS, interruptGraceMs / 2), () => signal('SIGINT'));
    },
    // The vm's exception for SIGINT, or the cell's own rejection of the interrupt.
    interruptedError: () => INTERRUPTED,
  });
}
