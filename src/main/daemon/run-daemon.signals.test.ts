// A daemon stops cleanly whenever it is told to, also while it is still starting: the real
// CLI as separate OS processes under one HOME, a SIGTERM at each stage of its start, and then
// no process of the manifest left (found in /proc by a marker in their environment), the lock
// free (another daemon of the manifest starts), and no discovery record left.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures/supervisor-test-kit';
import { runCliProcess, type RunningCli } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';

const LONG = 120_000;

/** Pids of live processes whose environment carries `mark` (the manifest's services set it). */
function markedPids(mark: string): number[] {
  const needle = `SIGTERM_TEST_MARK=${mark}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.split('\0').includes(needle)) continue;
      // A zombie has exited; only its entry waits for its parent.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function listening(cli: RunningCli): boolean {
  return /listening on http:\/\//.test(cli.output());
}

describe('a daemon told to stop while it starts', () => {
  let dir: string;
  let mark: string;
  let env: Record<string, string>;
  let manifest: string;
  let args: string[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-sigterm-'));
    mark = randomBytes(8).toString('hex');
    env = { XDG_RUNTIME_DIR: join(dir, 'run') };
    manifest = join(dir, 'services.toml');
    args = ['serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state')];
  });

  afterEach(async () => {
    for (const pid of markedPids(mark)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function writeServices(count: number, command: string, extra = ''): Promise<void> {
    let text = '';
    for (let i = 0; i < count; i++) {
      text += `[services.s${i}]\ncommand = ${JSON.stringify(command)}\n${extra}[services.s${i}.env]\nSIGTERM_TEST_MARK = "${mark}"\n\n`;
    }
    await writeFile(manifest, text);
  }

  function lockFiles(): string[] {
    const locks = join(dir, 'state', 'locks');
    return existsSync(locks) ? readdirSync(locks) : [];
  }

  function records(): string[] {
    const daemons = join(dir, 'run', 'showrunner', 'daemons');
    return existsSync(daemons) ? readdirSync(daemons) : [];
  }

  /** Nothing of the manifest left, no lock, no record, and another daemon can take over. */
  async function expectCleanAfter(): Promise<void> {
    expect(markedPids(mark)).toEqual([]);
    expect(lockFiles()).toEqual([]);
    expect(records()).toEqual([]);
    await writeServices(1, 'exec sleep 1000');
    const next = runCliProcess(args, { env });
    await waitFor(() => next.output(), (text) => /listening on http:\/\//.test(text) || /already supervised/.test(text), {
      what: 'the next daemon listening',
      timeoutMs: 60_000,
    });
    expect(next.output()).not.toMatch(/already supervised/);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(markedPids(mark)).toEqual([]);
  }

  it('stops cleanly on a SIGTERM right after spawn', async () => {
    await writeServices(20, 'exec sleep 1000');
    const cli = runCliProcess(args, { env });
    cli.child.kill('SIGTERM');
    const code = await cli.exited;
    // Before the handlers are in, nothing needs cleaning up and the signal's default applies.
    expect(code === 0 || cli.child.signalCode === 'SIGTERM').toBe(true);
    await expectCleanAfter();
  }, LONG);

  it('exits 0 on a SIGTERM once it holds the manifest lock, before the listening line', async () => {
    await writeServices(100, 'exec sleep 1000');
    const cli = runCliProcess(args, { env });
    await waitFor(lockFiles, (files) => files.length > 0, { what: 'the lock taken', timeoutMs: 60_000, intervalMs: 1 });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/SIGTERM: stopping all services/);
    await expectCleanAfter();
  }, LONG);

  it('stops every service, started or not, on a SIGTERM while 100 services start', async () => {
    const pidfile = join(dir, 'pids');
    await writeServices(100, `echo $$ >> '${pidfile}'; exec sleep 1000`);
    const cli = runCliProcess(args, { env });
    await waitFor(() => listening(cli), Boolean, { what: 'listening', timeoutMs: 60_000 });
    await waitFor(() => markedPids(mark), (pids) => pids.length > 0, { what: 'a first service running', timeoutMs: 60_000, intervalMs: 5 });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const written = readFileSync(pidfile, 'utf8').split('\n').filter(Boolean).map(Number);
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((pid) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')))).toEqual([]);
    await expectCleanAfter();
  }, LONG);

  it('stops while it cleans up a crashed predecessor\'s stubborn tree, killing that tree', async () => {
    const pidfile = join(dir, 'pids');
    const command = `exec '${process.execPath}' '${fixture('ignore-sigterm-with-grandchildren.js')}' '${pidfile}'`;
    await writeServices(1, command, 'stop_timeout_seconds = 120\n');
    const first = runCliProcess(args, { env });
    await waitFor(() => markedPids(mark), (pids) => pids.length >= 3, { what: 'the stubborn tree', timeoutMs: 60_000 });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(markedPids(mark).length).toBeGreaterThanOrEqual(3);

    const second = runCliProcess(args, { env });
    await waitFor(() => second.output(), (text) => /cleaning up processes left by a previous run/.test(text), { what: 'cleanup under way', timeoutMs: 60_000 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/cleaned up 3 processes left by a previous run/);
    await expectCleanAfter();
  }, LONG);

  it('a second signal during the stop kills the trees at once', async () => {
    const pidfile = join(dir, 'pids');
    const command = `exec '${process.execPath}' '${fixture('ignore-sigterm-with-grandchildren.js')}' '${pidfile}'`;
    await writeServices(1, command, 'stop_timeout_seconds = 120\n');
    const cli = runCliProcess(args, { env });
    await waitFor(() => markedPids(mark), (pids) => pids.length >= 3, { what: 'the stubborn tree', timeoutMs: 60_000 });
    cli.child.kill('SIGTERM');
    await waitFor(() => cli.output(), (text) => /SIGTERM: stopping all services/.test(text), { what: 'the stop under way' });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/SIGINT again: killing every process tree now/);
    await expectCleanAfter();
  }, LONG);

  it('mrmd stops its built-in parts and removes its record on a SIGTERM while they start', async () => {
    // The daemon carries the marker itself here: its built-in parts inherit its environment.
    const docs = join(dir, 'docs');
    const mrmdArgs = ['mrmd', '--docs', docs, '--port', '0', '--sync-port', '0', '--runtime-port', '0', '--no-monitors', '--state-dir', join(dir, 'state'), '--log-dir', join(dir, 'logs')];
    const cli = runCliProcess(mrmdArgs, { env: { ...env, SIGTERM_TEST_MARK: mark } });
    // (tsx's esbuild helper carries the marker too; the built-in parts are told by their argv.)
    const builtinParts = () => markedPids(mark).filter((pid) => /sync-server|mrp-runtime/.test(cmdline(pid)));
    await waitFor(builtinParts, (pids) => pids.length > 0, { what: 'a built-in part spawned', timeoutMs: 60_000, intervalMs: 5 });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(markedPids(mark)).toEqual([]);
    expect(records()).toEqual([]);
  }, LONG);
});
