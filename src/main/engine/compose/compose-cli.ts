// Calls of the `docker` CLI for compose services (issue 19): the argument list for one compose
// service, one call with its output captured (and optionally copied to a log), and
// `docker compose ps --format json` read into one record. The CLI is looked up on PATH at
// each call, so installing Docker later needs no restart.
import { spawn } from 'node:child_process';
import type { ComposeTarget } from '../config/manifest-types';

export interface DockerResult {
  /** Exit code; null when killed (timeout, abort) or never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `docker` executable is not on PATH. */
  missing: boolean;
}

export interface DockerCallOptions {
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Every chunk of output as it comes (build logs). */
  onOutput?(text: string): void;
}

/** Output kept in memory per call; a build's full log goes to onOutput instead. */
const MAX_CAPTURE = 256 * 1024;

export function composeArgs(compose: ComposeTarget, ...args: string[]): string[] {
  return ['compose', '--project-directory', compose.projectDir, '-f', compose.file, ...args];
}

export function runDocker(args: string[], { cwd, timeoutMs = 60_000, signal, onOutput }: DockerCallOptions = {}): Promise<DockerResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let done = false;
    const finish = (result: DockerResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      resolve(result);
    };
    const child = spawn('docker', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const keep = (into: 'out' | 'err') => (data: Buffer) => {
      const text = data.toString('utf8');
      onOutput?.(text);
      if (into === 'out' && stdout.length < MAX_CAPTURE) stdout += text;
      if (into === 'err' && stderr.length < MAX_CAPTURE) stderr += text;
    };
    child.stdout.on('data', keep('out'));
    child.stderr.on('data', keep('err'));
    const kill = (): void => void child.kill('SIGKILL');
    const timer = setTimeout(() => {
      stderr += `\n(docker ${args.slice(0, 6).join(' ')} timed out after ${timeoutMs} ms)`;
      kill();
    }, timeoutMs);
    const abort = (): void => kill();
    signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT';
      finish({ code: null, stdout, stderr: missing ? 'docker CLI not found on PATH' : error.message, missing });
    });
    child.once('close', (code) => finish({ code, stdout, stderr, missing: false }));
  });
}

/** One container of a compose service, as `docker compose ps --format json` prints it. */
export interface ContainerInfo {
  state: string;
  /** '' when the image defines no healthcheck. */
  health: string;
  exitCode: number | null;
  image: string;
}

export type PsResult = { ok: true; container: ContainerInfo | null } | { ok: false; reason: string; missing: boolean };

export async function composePs(compose: ComposeTarget, options: DockerCallOptions = {}): Promise<PsResult> {
  const result = await runDocker(composeArgs(compose, 'ps', '--all', '--format', 'json', compose.service), { timeoutMs: 15_000, ...options });
  if (result.code !== 0) return { ok: false, reason: dockerFailure(result), missing: result.missing };
  const records = parsePsOutput(result.stdout);
  if (records === null) return { ok: false, reason: `docker compose ps printed no JSON: ${result.stdout.slice(0, 200)}`, missing: false };
  const own = records.filter((record) => record.Service === undefined || record.Service === compose.service);
  const running = own.find((record) => String(record.State) === 'running') ?? own[0];
  if (!running) return { ok: true, container: null };
  return {
    ok: true,
    container: {
      state: String(running.State ?? ''),
      health: String(running.Health ?? ''),
      exitCode: typeof running.ExitCode === 'number' ? running.ExitCode : null,
      image: String(running.Image ?? ''),
    },
  };
}

/** Compose v2.21+ prints one object per line; older versions one array. */
export function parsePsOutput(text: string): Record<string, unknown>[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Record<string, unknown>[];
    return trimmed.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch {
    return null;
  }
}

/** Why a docker call failed, in the words an operator needs: no CLI, no engine, else stderr. */
export function dockerFailure(result: DockerResult): string {
  if (result.missing) return 'docker CLI not found on PATH';
  const text = result.stderr.trim() || result.stdout.trim();
  if (/cannot connect to the docker daemon|docker daemon is not running|permission denied.*docker\.sock/i.test(text)) {
    return `Docker engine not reachable: ${lastLine(text)}`;
  }
  if (/'compose' is not a docker command|unknown command.*compose/i.test(text)) return 'the docker compose plugin is not installed';
  return `docker exited with ${result.code ?? 'a signal'}: ${lastLine(text) || '(no output)'}`;
}

/** A failure that no retry of the same call fixes: the service is blocked until the CLI or engine is there. */
export function isBlocking(reason: string): boolean {
  return reason.startsWith('docker CLI not found') || reason.startsWith('Docker engine not reachable') || reason.startsWith('the docker compose plugin');
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return (lines.at(-1) ?? '').slice(0, 300);
}
