// What a session kernel (node-kernel.ts, python-kernel.ts) tells the runtime, whatever carries
// it (Node IPC or JSON lines), and the part of it both kernels treat alike: output, display
// data and input requests go to the running cell's execution. `done` stays with each kernel,
// since each maps an interrupted cell's error its own way.
import type { Execution } from './execution';
import type { MrpExecuteError } from './mrp-events';

export type KernelMessage =
  | { type: 'ready' }
  | { type: 'out'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'stdin'; prompt: string; password: boolean }
  | { type: 'display'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { type: 'done'; id: string; ok: true; result: string | null }
  | { type: 'done'; id: string; ok: false; error: MrpExecuteError };

export type KernelReply = { type: 'input'; text: string } | { type: 'input-cancel' };

/** What the runtime tells a kernel: a cell to run, an interrupt (node only), an input answer. */
export type KernelCommand = { type: 'run'; id: string; code: string; count: number } | { type: 'interrupt'; id: string } | KernelReply;

/**
 * Relays an `out`, `display` or `stdin` message to the execution; `reply` sends the answer
 * back, and `isRunning` says whether that execution is still the kernel's (a cancelled input
 * is only reported to a cell still waiting for it).
 */
export function relayToExecution(
  execution: Execution,
  message: Exclude<KernelMessage, { type: 'ready' | 'done' }>,
  reply: (answer: KernelReply) => void,
  isRunning: () => boolean,
): void {
  switch (message.type) {
    case 'out':
      execution.write(message.stream, message.text);
      break;
    case 'display':
      execution.display({ data: message.data, metadata: message.metadata });
      break;
    case 'stdin':
      execution.requestInput(message.prompt, message.password).then(
        (text) => reply({ type: 'input', text: text.replace(/\r?\n$/, '') }),
        () => {
          if (isRunning()) reply({ type: 'input-cancel' });
        },
      );
      break;
  }
}
