// Issue 14 end to end: two built daemons of two manifests under one HOME and one state dir,
// each running a service whose helper double-forked away from it. `kill -9` of daemon A while
// daemon B runs and writes its state; A started again cleans up exactly its old processes,
// double-forked daemon included, and none of B's. A SIGTERM to a daemon (quit) leaves nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/helpers/wait-for';
import { cliPath, repoRoot } from './helpers/daemon-process';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'double-fork.js');
const SLOW_MS = 60_000;
const root = mkdtempSync(join(tmpdir(), 'showrunner-trees-'));
const env = { ...process.env, XDG_RUNTIME_DIR: join(root, 'run'), XDG_STATE_HOME: join(root, 'state-home') };
const stateDir = join(root, 'state');
const started: ChildProcess[] = [];
const pidsSeen = new Set<number>();

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of pidsSeen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^[^)]*\)\s+Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function manifest(name: string): { path: string; pidfile: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const pidfile = join(dir, 'pids');
  const path = join(dir, 'services.toml');
  writeFileSync(path, `[services.worker]\nworking_dir = "${dir}"\ncommand = "'${process.execPath}' '${FIXTURE}' '${pidfile}'"\nstop_timeout_seconds = 0.5\n`);
  return { path, pidfile };
}

interface Daemon {
  child: ChildProcess;
  origin: string;
  token: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startDaemon(config: string): Promise<Daemon> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--config', config, '--port', '0', '--state-dir', stateDir, '--log-dir', join(root, 'logs', String(started.length))], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
    exited.then((code) => {
      throw new Error(`daemon exited with ${code} before listening; stderr:\n${stderr}`);
    }),
  ]);
  const match = /^Showrunner listening on (http:\/\/[^/]+)\/\?token=(\S+)$/.exec(line);
  if (!match) throw new Error(`unexpected first line: ${JSON.stringify(line)}`);
  return { child, origin: match[1], token: match[2], stderr: () => stderr, exited };
}

/** The pids of the newest double-fork.js tree in `pidfile`, once its daemon has lost every link to the service. */
async function daemonized(pidfile: string, after: Set<number> = new Set()): Promise<{ main: number; daemon: number }> {
  const roles = await waitFor(
    () => {
      const found = new Map<string, number>();
      for (const line of readFileSync(pidfile, 'utf8').split('\n')) {
        const [role, pid] = line.split(' ');
        if (role && pid && !after.has(Number(pid))) found.set(role, Number(pid));
      }
      return found;
    },
    (found) => found.has('daemon') && !alive(found.get('middle')!),
    { what: `a daemonized tree in ${pidfile}`, timeoutMs: SLOW_MS },
  );
  for (const pid of roles.values()) pidsSeen.add(pid);
  return { main: roles.get('main')!, daemon: roles.get('daemon')! };
}

async function call(daemon: Daemon, method: string, args: object): Promise<unknown> {
  const response = await fetch(`${daemon.origin}/api/call/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${daemon.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function orchestratorLog(daemon: Daemon): Promise<string> {
  const response = await fetch(`${daemon.origin}/api/logs/orchestrator?lines=500`, { headers: { Authorization: `Bearer ${daemon.token}` } });
  return JSON.stringify(await response.json());
}

describe.runIf(process.platform === 'linux')('two daemons of two manifests under one HOME', () => {
  it('kill -9 of one, then its restart, removes its old trees (double-forked too) and never the other\'s; a quit leaves nothing', async () => {
    const a = manifest('a');
    const b = manifest('b');
    const [daemonA, daemonB] = await Promise.all([startDaemon(a.path), startDaemon(b.path)]);
    const [oldA, firstB] = await Promise.all([daemonized(a.pidfile), daemonized(b.pidfile)]);

    daemonA.child.kill('SIGKILL');
    await daemonA.exited;
    // B writes its state after A died, as it would on any launch.
    await call(daemonB, 'services.restart', { name: 'worker' });
    const b2 = await daemonized(b.pidfile, new Set([firstB.main, firstB.daemon, ...pidsSeen]));
    expect([oldA.main, oldA.daemon].filter(alive)).toEqual([oldA.main, oldA.daemon]);
    expect([firstB.main, firstB.daemon].filter(alive)).toEqual([]);

    const againA = await startDaemon(a.path);
    await waitFor(() => [oldA.main, oldA.daemon].filter(alive), (left) => left.length === 0, { what: "A's old processes gone", timeoutMs: SLOW_MS });
    const log = await waitFor(() => orchestratorLog(againA), (text) => text.includes('killed orphan'), { what: 'the cleanup in the orchestrator log', timeoutMs: SLOW_MS });
    expect(log).toContain(`killed orphan tree of worker (pid ${oldA.main}, 2 processes) left by a previous run`);
    expect(log).not.toContain('still running');
    const newA = await daemonized(a.pidfile, new Set(pidsSeen));
    expect([b2.main, b2.daemon].filter(alive)).toEqual([b2.main, b2.daemon]);

    for (const daemon of [againA, daemonB]) daemon.child.kill('SIGTERM');
    expect(await Promise.all([againA.exited, daemonB.exited])).toEqual([0, 0]);
    expect([newA.main, newA.daemon, b2.main, b2.daemon].filter(alive)).toEqual([]);
  }, 5 * SLOW_MS);
});
