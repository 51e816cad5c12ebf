// KernelProcess with real node kernels (node-kernel-source.ts) as child processes.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { Execution } from './execution';
import type { KernelMessage } from './kernel-message';
import { KernelProcess, type KernelProcessOptions } from './kernel-process';
import { NODE_KERNEL_SOURCE } from './node-kernel-source';

function spawnNodeKernel(session: string): KernelProcessOptions['spawn'] {
  return (onMessage) => {
    const child = spawn(process.execPath, ['-e', NODE_KERNEL_SOURCE], {
      env: { ...process.env, MRMD_SESSION: session },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    child.on('message', (message: KernelMessage) => onMessage(message));
    return { child, send: (command) => child.send(command) };
  };
}

function kernel(session: string, spawnKernel: KernelProcessOptions['spawn'], log: string[] = []): KernelProcess {
  return new KernelProcess({
    language: 'node',
    program: process.execPath,
    session,
    interruptGraceMs: 5000,
    log: (line) => log.push(line),
    spawn: spawnKernel,
    interrupt: ({ execution, send }) => send({ type: 'interrupt', id: execution.id }),
    interruptedError: (error) => ({ ...error, message: `interrupted: ${error.message}` }),
  });
}

let ids = 0;
async function run(runner: KernelProcess, code: string): Promise<Execution> {
  const execution = new Execution(`e${++ids}`, code, 's');
  execution.begin(ids);
  await runner.run(execution);
  return execution;
}

describe('KernelProcess', () => {
  it('fails the cell when the kernel cannot be spawned, and spawns afresh for the next cell', async () => {
    let attempts = 0;
    const spawnOnce = spawnNodeKernel('a');
    const runner = kernel('a', (onMessage) => {
      if (++attempts === 1) throw new Error('no such program');
      return spawnOnce(onMessage);
    });
    try {
      const first = await run(runner, '1');
      expect(first.result?.error).toMatchObject({ type: 'KernelStartError', message: `cannot start ${process.execPath}: no such program` });
      const second = await run(runner, '40 + 2');
      expect(second.result).toMatchObject({ success: true, result: '42' });
      expect(attempts).toBe(2);
    } finally {
      await runner.dispose();
    }
  });

  it('keeps each kernel process and its state apart, and fails a cell whose kernel died with KernelDied', async () => {
    const logA: string[] = [];
    const a = kernel('a', spawnNodeKernel('a'), logA);
    const b = kernel('b', spawnNodeKernel('b'));
    try {
      await run(a, 'globalThis.x = process.pid');
      await run(b, 'globalThis.x = process.pid');
      const pidA = (await run(a, 'x')).result?.result;
      const pidB = (await run(b, 'x')).result?.result;
      expect(pidA).not.toBe(pidB);

      const died = await run(a, 'process.exit(3)');
      expect(died.result?.error).toMatchObject({ type: 'KernelDied', message: expect.stringContaining('the node kernel exited (code 3)') });
      expect(logA.some((line) => line.includes('node kernel for session a: the node kernel exited (code 3)'))).toBe(true);
      // The next cell starts a fresh kernel: a new process, the old state gone; b is untouched.
      expect((await run(a, 'typeof x')).result?.result).toBe("'undefined'");
      expect((await run(b, 'x')).result?.result).toBe(pidB);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('maps the error of an interrupted cell through interruptedError, and keeps the session', async () => {
    const runner = kernel('c', spawnNodeKernel('c'));
    try {
      await run(runner, 'globalThis.kept = 7');
      const execution = new Execution('waits', 'console.log("waiting"); await new Promise(() => {})', 'c');
      let printed = false;
      execution.on((event) => (printed ||= event === 'stdout'));
      execution.begin(1);
      const running = runner.run(execution);
      // The cell is running in the kernel once it has printed.
      await waitFor(() => printed, (seen) => seen, { what: 'the cell to print' });
      runner.interrupt();
      await running;
      expect(execution.result?.error?.message).toMatch(/^interrupted: /);
      expect((await run(runner, 'kept')).result?.result).toBe('7');
    } finally {
      await runner.dispose();
    }
  });
});
