// Runs `showrunner serve|mrmd …` from source as its own OS process, with stdout and stderr
// apart (stdout must hold only the `listening` line). After each test it is stopped with
// SIGTERM, so it stops its services before exiting and leaves no process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { sourceCliArgv } from './cli-argv';
import { STOP_GRACE_MS, stopChild } from './stop-child';
import { waitFor } from './wait-for';

export interface DaemonCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Base URL and token from the `listening` line, once printed. */
  listening: () => Promise<{ url: string; token: string }>;
  /** GET an API path with the token. */
  get: <T>(path: string) => Promise<T>;
}

const running: ChildProcess[] = [];

/**
 * Stops every daemon started so far and waits for its exit. A test file that removes the
 * daemons' folders in its own afterEach calls this first: vitest runs after-hooks in reverse
 * order, so the file's would otherwise remove a state dir the daemon still writes to.
 */
export async function stopDaemonClis(): Promise<void> {
  for (const child of running.splice(0)) await stopChild(child);
}

afterEach(stopDaemonClis, STOP_GRACE_MS * 2);

export function startDaemonCli(args: string[]): DaemonCli {
  const [node, ...prefix] = sourceCliArgv;
  const child = spawn(node, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = async (): Promise<{ url: string; token: string }> => {
    const line = await waitFor(() => stdout, (text) => text.endsWith('\n'), { what: `the listening line (stderr: ${stderr.slice(-500)})`, timeoutMs: 60_000 });
    const url = new URL(/http\S+/.exec(line)![0]);
    return { url: url.origin, token: url.searchParams.get('token')! };
  };
  const get = async <T>(path: string): Promise<T> => {
    const { url, token } = await listening();
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()) as T;
  };
  return { child, stdout: () => stdout, stderr: () => stderr, listening, get };
}
