// The built daemon (`node out/main/cli.js serve`) as the benchmarks run it: its own process,
// no tsx, a private HOME, state, log and device dirs, so its CPU and memory are the daemon's
// alone. Readers for what Linux says about it (/proc/<pid>/stat and status).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export { median } from './figures';

export const BUILT_CLI = join(import.meta.dirname, '..', 'out', 'main', 'cli.js');
const TICK_MS = 10;

export function requireBuiltCli(): void {
  if (!existsSync(BUILT_CLI)) {
    console.error(`${BUILT_CLI} is missing: run npm run build (npm run bench does) first`);
    process.exit(1);
  }
}

export interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  token: string;
  /** Milliseconds from spawn to the `listening` line. */
  listenMs: number;
  get<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/** `[services.<name>]` tables, one per line group, for `count` services built by `body(i)`. */
export function manifestOf(count: number, body: (index: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`[services.s${i}]\n${body(i)}\n`);
  return parts.join('\n');
}

export async function startDaemon(dir: string, manifestText: string): Promise<DaemonProcess> {
  await mkdir(join(dir, 'dev'), { recursive: true });
  const manifest = join(dir, 'services.toml');
  await writeFile(manifest, manifestText);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [BUILT_CLI, 'serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state'), '--log-dir', join(dir, 'logs'), '--device-root', join(dir, 'dev')],
    { env: { ...process.env, HOME: dir, XDG_RUNTIME_DIR: join(dir, 'run'), XDG_STATE_HOME: join(dir, 'xdg-state') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr!.on('data', () => {});
  const { url, token, listenMs } = await new Promise<{ url: string; token: string; listenMs: number }>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(output);
      if (match) resolve({ url: match[1], token: match[2], listenMs: performance.now() - started });
    });
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code} before listening: ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid!,
    url,
    token,
    listenMs,
    async get<T>(path: string): Promise<T> {
      const reply = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      return (await reply.json()) as T;
    },
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * CPU time of every thread of `pid` so far, in ms: the scheduler's run time in nanoseconds
 * (/proc/<pid>/task/<tid>/schedstat) where the kernel keeps it, else user + system time in
 * whole 10 ms ticks (/proc/<pid>/stat), too coarse to tell 0.08 % from 0.12 % in 30 s.
 * Threads that ended are counted in neither; an idle daemon keeps its threads.
 */
export function cpuMs(pid: number): number {
  if (existsSync(`/proc/${pid}/schedstat`)) {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
    return ns / 1e6;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Resident memory of `pid` now, in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

/** Share of one core `pid` used over `ms`, from the kernel's count (cpuMs). */
export async function cpuShareOf(pid: number, ms: number): Promise<number> {
  const before = cpuMs(pid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpuMs(pid) - before) / (performance.now() - started);
}

/** Polls until every service is in `kind` (a generous deadline: the machine may be busy). */
export async function waitForAll(daemon: DaemonProcess, count: number, kind: string, timeoutMs = 300_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const body = await daemon.get<{ services?: { state: { kind: string } }[] }>('/api/services');
    const services = body.services ?? [];
    if (services.length === count && services.every((service) => service.state.kind === kind)) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`services not all ${kind} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

