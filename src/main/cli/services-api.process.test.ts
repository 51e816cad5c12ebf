// The management API against real daemons (issue 17), as separate OS processes under one HOME:
// add → runs → daemon restart → still there → patch → delete; two daemons of two manifests
// each keep their own overlay and never see the other's services.
import { readFile, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../shared/model';
import { runCliProcess, type RunningCli, stopCliProcesses } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';

const idle = `node -e "setInterval(() => {}, 1000)"`;

interface Daemon {
  cli: RunningCli;
  request: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
  service: (name: string) => Promise<ServiceSnapshot | undefined>;
}

async function startDaemon(manifest: string, stateDir: string): Promise<Daemon> {
  const cli = runCliProcess(['serve', '--config', manifest, '--port', '0', '--state-dir', stateDir, '--quiet']);
  const [, url, token] = (await waitFor(
    () => /listening on (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(cli.output()),
    Boolean,
    { what: `daemon of ${manifest} listening`, timeoutMs: 60_000 },
  ))!;
  const request = async (method: string, path: string, body?: unknown) => {
    const reply = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: reply.status, body: (await reply.json()) as any };
  };
  const service = async (name: string) => ((await request('GET', '/api/services')).body.services as ServiceSnapshot[]).find((one) => one.name === name);
  return { cli, request, service };
}

async function stop(daemon: Daemon): Promise<void> {
  daemon.cli.child.kill('SIGTERM');
  expect(await daemon.cli.exited).toBe(0);
}

describe('services added over the API, with real daemons', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-services-api-'));
  });
  afterEach(async () => {
    await stopCliProcesses(); // before the folder goes: a daemon may still write into it
    await rm(dir, { recursive: true, force: true });
  });

  it('adds a service that runs, keeps it across a restart, patches it and deletes it', async () => {
    const manifest = join(dir, 'services.toml');
    await writeFile(manifest, `[services.base]\ncommand = ${JSON.stringify(idle)}\n`);
    const state = join(dir, 'state');
    let daemon = await startDaemon(manifest, state);

    const added = await daemon.request('POST', '/api/services', { name: 'extra', command: idle, dependencies: ['base'] });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'extra', origin: 'api' });
    const running = await waitFor(() => daemon.service('extra'), (one) => one?.state.kind === 'running', { what: 'extra running', timeoutMs: 60_000 });
    const firstPid = running!.state.kind === 'running' ? running!.state.pid : 0;
    expect((await daemon.request('POST', '/api/services', { name: 'extra', command: 'true' })).status).toBe(409);
    const bad = await daemon.request('POST', '/api/services', { name: 'worse', command: 'true', restart: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toMatchObject({ field: 'restart' });
    const manifestDelete = await daemon.request('DELETE', '/api/services/base');
    expect(manifestDelete.status).toBe(409);
    expect(manifestDelete.body.error.message).toMatch(/remove it there/);

    await stop(daemon);
    daemon = await startDaemon(manifest, state);
    const back = await waitFor(() => daemon.service('extra'), (one) => one?.state.kind === 'running', { what: 'extra running after the restart', timeoutMs: 60_000 });
    expect(back).toMatchObject({ origin: 'api' });
    expect(back!.state.kind === 'running' && back!.state.pid).not.toBe(firstPid);

    const patched = await daemon.request('PATCH', '/api/services/extra', { display_name: 'Extra one', env: { MODE: 'patched' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ displayName: 'Extra one' });
    expect(await readFile(join(dir, 'services.api.toml'), 'utf8')).toContain('MODE = "patched"');

    const deleted = await daemon.request('DELETE', '/api/services/extra');
    expect(deleted).toMatchObject({ status: 200, body: { name: 'extra', removed: true } });
    expect(await daemon.service('extra')).toBeUndefined();
    expect((await daemon.request('DELETE', '/api/services/extra')).status).toBe(404);
    await stop(daemon);
  }, 240_000);

  it('keeps one overlay per manifest when two daemons run under one HOME', async () => {
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    const manifestA = join(dir, 'a', 'services.toml');
    const manifestB = join(dir, 'b', 'services.toml');
    await writeFile(manifestA, `[services.a-base]\ncommand = ${JSON.stringify(idle)}\n`);
    await writeFile(manifestB, `[services.b-base]\ncommand = ${JSON.stringify(idle)}\n`);
    const state = join(dir, 'state');
    const [a, b] = await Promise.all([startDaemon(manifestA, state), startDaemon(manifestB, state)]);

    expect((await a.request('POST', '/api/services', { name: 'only-a', command: idle })).status).toBe(201);
    expect((await b.request('POST', '/api/services', { name: 'only-b', command: idle })).status).toBe(201);
    // The same name in the other instance is no conflict: nothing is shared between them.
    expect((await b.request('POST', '/api/services', { name: 'only-a', command: idle, display_name: 'B too' })).status).toBe(201);

    expect(await readFile(join(dir, 'a', 'services.api.toml'), 'utf8')).not.toContain('only-b');
    expect(await readFile(join(dir, 'b', 'services.api.toml'), 'utf8')).toContain('only-b');
    expect(await a.service('only-b')).toBeUndefined();
    expect((await b.service('only-a'))?.displayName).toBe('B too');
    expect((await a.service('only-a'))?.displayName).toBe('only-a');
    await Promise.all([stop(a), stop(b)]);
  }, 240_000);
});
