// Listen first (issue 23): a daemon restarted after a crash answers at once, while it cleans
// up the tree its predecessor left, and says so. Two daemons, one after the other, as separate
// OS processes under one HOME; the orphan ignores SIGTERM with a 120 s stop timeout, so the
// cleanup is still under way for as long as the test looks, until the test ends it itself.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notice, ServiceSnapshot } from '../../shared/model';
import { alivePids, fixture } from '../../../test/fixtures/supervisor-test-kit';
import { runCliProcess, type RunningCli } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';

/** Every pid the stubborn fixture ever wrote, by role, oldest first. */
function pidLines(pidfile: string): { role: string; pid: number }[] {
  let text = '';
  try {
    text = readFileSync(pidfile, 'utf8');
  } catch {
    // not written yet
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [role, pid] = line.split(' ');
      return { role, pid: Number(pid) };
    });
}

function listeningUrl(cli: RunningCli): { url: string; token: string } | null {
  const match = /listening on (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(cli.output());
  return match ? { url: match[1], token: match[2] } : null;
}

describe('runDaemon after a crash', () => {
  let dir: string;
  let pidfile: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-listen-first-'));
    pidfile = join(dir, 'pids');
  });

  afterEach(async () => {
    for (const { pid } of pidLines(pidfile)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('answers /health and the API while it cleans up its predecessor\'s tree, and starts services after', async () => {
    const manifest = join(dir, 'services.toml');
    const command = `exec '${process.execPath}' '${fixture('ignore-sigterm-with-grandchildren.js')}' '${pidfile}'`;
    await writeFile(manifest, `[services.stubborn]\ncommand = ${JSON.stringify(command)}\nstop_timeout_seconds = 120\n`);
    const args = ['serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state')];

    const first = runCliProcess(args);
    await waitFor(() => listeningUrl(first), Boolean, { what: 'first daemon listening', timeoutMs: 30_000 });
    const orphans = await waitFor(() => pidLines(pidfile), (lines) => lines.length === 3, { what: 'three pids of the stubborn tree', timeoutMs: 30_000 });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alivePids(orphans.map((line) => line.pid))).toHaveLength(3);

    const second = runCliProcess(args);
    const { url, token } = (await waitFor(() => listeningUrl(second), Boolean, { what: 'second daemon listening', timeoutMs: 30_000 }))!;
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const get = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`, { headers })).json()) as T;
    const notices = async (): Promise<Notice[]> => {
      const reply = await fetch(`${url}/api/call/system.subscribe`, { method: 'POST', headers, body: '{}' });
      const body = (await reply.json()) as { snapshot?: { notices: Notice[] } };
      return body.snapshot?.notices ?? [];
    };

    // The cleanup waits out the 120 s stop timeout: the service waits, and the panel says why.
    const waiting = await waitFor(
      () => get<{ services: ServiceSnapshot[] }>('/api/services'),
      (body) => body.services?.[0]?.state.kind === 'blocked' && !!body.services[0].state.waitingOn.cleanup,
      { what: 'stubborn blocked on the cleanup', timeoutMs: 30_000 },
    );
    expect(waiting.services[0].state).toMatchObject({ waitingOn: { cleanup: 'the cleanup of processes left by a previous run' } });
    expect((await notices()).map((notice) => notice.message)).toContain('cleaning up processes left by a previous run; services start once it is done');
    expect(alivePids(orphans.map((line) => line.pid))).toHaveLength(3);

    // The orphans die (here by our hand): the cleanup ends, and the service starts.
    for (const { pid } of orphans) process.kill(pid, 'SIGKILL');
    await waitFor(
      () => get<{ services: ServiceSnapshot[] }>('/api/services'),
      (body) => body.services?.[0]?.state.kind === 'running',
      { what: 'stubborn running after the cleanup', timeoutMs: 30_000 },
    );
    await waitFor(notices, (list) => list.some((notice) => /^cleaned up \d+ processes left by a previous run$/.test(notice.message)), { what: 'cleanup done notice', timeoutMs: 30_000 });
    // The new tree writes its own three pids; afterEach kills only those it can read, and a
    // grandchild still writing its line would race the removal of the folder.
    await waitFor(() => pidLines(pidfile), (lines) => lines.length === 6, { what: 'three pids of the new tree', timeoutMs: 30_000 });
    second.child.kill('SIGKILL');
    await second.exited;
  }, 120_000);
});
