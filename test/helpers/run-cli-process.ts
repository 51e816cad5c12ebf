// Runs `showrunner <args>` from source in its own Node process, as the supervisor runs the
// built-in parts, collecting its output; killed after the test if still running.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { sourceCliArgv } from './cli-argv';
import { STOP_GRACE_MS, stopChild } from './stop-child';

export interface RunningCli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running = new Set<RunningCli>();

/**
 * Stops every CLI still running (SIGTERM, SIGKILL after a grace). Runs after each test; a test
 * file whose own after-hook removes folders a daemon writes calls it first, since vitest runs
 * after-hooks in reverse order (the file's before this helper's): ENOTEMPTY otherwise.
 */
export async function stopCliProcesses(): Promise<void> {
  for (const cli of running) await stopChild(cli.child);
  running.clear();
}

afterEach(stopCliProcesses, STOP_GRACE_MS * 2);

export function runCliProcess(args: string[], { env }: { env?: Record<string, string> } = {}): RunningCli {
  const [node, ...prefix] = sourceCliArgv;
  const child = spawn(node, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const cli = { child, output: () => output, exited };
  running.add(cli);
  return cli;
}
