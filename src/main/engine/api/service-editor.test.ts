// Services added at run time (issue 17), through the orchestrator's contract: the overlay file
// beside the manifest, the manifest's own messages for bad fields, conflicts, and `check`.
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { waitFor } from '../../../../test/helpers/wait-for';
import { checkManifestFile } from '../config/check-manifest-file';
import { createOrchestrator, type Orchestrator } from '../orchestrator';

const ticker = `node -e "setInterval(() => {}, 1000)"`;

describe('services added over the API', () => {
  let dir: string;
  let file: string;
  let overlay: string;
  let orchestrator: Orchestrator | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-editor-'));
    file = join(dir, 'services.toml');
    overlay = join(dir, 'services.api.toml');
    await writeFile(file, `[services.base]\ncommand = ${JSON.stringify(ticker)}\n`);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, cliArgv: sourceCliArgv });
  });

  afterEach(async () => {
    await orchestrator?.close();
    orchestrator = null;
    await rm(dir, { recursive: true, force: true });
  });

  const call = (method: 'services.add' | 'services.update' | 'services.remove', args: unknown) => orchestrator!.call(method, args as never);
  const state = (name: string) => orchestrator!.snapshot().services.find((service) => service.name === name);

  it('adds a service that runs, writes it to the overlay beside the manifest, and check reads it', async () => {
    const reply = await call('services.add', { name: 'extra', command: ticker, dependencies: ['base'], env: { A: '1' } });
    expect(reply).toMatchObject({ ok: true, value: { name: 'extra', origin: 'api' } });
    await waitFor(() => state('extra')?.state.kind, (kind) => kind === 'running', { what: 'extra running', timeoutMs: 30_000 });
    const text = await readFile(overlay, 'utf8');
    expect(text).toContain('[services.extra]');
    expect(text).toContain('dependencies = [ "base" ]');
    expect(await checkManifestFile(file)).toEqual({ exitCode: 0, lines: [`${file}: ok (2 services)`] });
  }, 60_000);

  it('answers a bad field with the manifest reader\'s message, naming the field, and writes nothing', async () => {
    const reply = await call('services.add', { name: 'bad', command: 'true', restart: 'sometimes', stop_signal: 'SIGFOO', comand: 'x' });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid-args');
    const problems = (reply.error.details as { problems: { field: string; message: string }[] }).problems;
    expect(problems.map((problem) => problem.field).sort()).toEqual(['comand', 'restart', 'stop_signal']);
    expect(problems.find((problem) => problem.field === 'comand')?.message).toMatch(/unknown key "comand".*did you mean "command"/);
    expect(problems.find((problem) => problem.field === 'restart')?.message).toMatch(/"sometimes"/);
    await expect(readFile(overlay, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('names a bad service name, an unknown dependency and a missing command', async () => {
    const bad = await call('services.add', { name: 'no spaces', command: 'true' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-args', details: { problems: [{ field: 'name' }] } } });
    const missing = await call('services.add', { name: 'nocmd', command: 'true', dependencies: ['bsae'] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-args', details: { problems: [{ field: 'dependencies[0]', message: expect.stringMatching(/did you mean "base"/) }] } } });
    const nullValue = await call('services.add', { name: 'nul', command: 'true', env: { A: null } });
    expect(nullValue).toMatchObject({ ok: false, error: { code: 'invalid-args' } });
  });

  it('refuses an existing name (409), changing or removing a manifest service (409), and an unknown one (404)', async () => {
    expect(await call('services.add', { name: 'base', command: 'true' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call('services.add', { name: 'BASE', command: 'true' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const remove = await call('services.remove', { name: 'base' });
    expect(remove).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/defined in .*services\.toml.*remove it there/) } });
    expect(await call('services.update', { name: 'base', changes: { restart: 'never' } })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call('services.remove', { name: 'ghost' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(state('base')).toBeDefined();
  });

  it('patches (null removes a key) and removes an added service; a dependent blocks removal', async () => {
    expect((await call('services.add', { name: 'one', command: ticker, env: { A: '1', B: '2' } })).ok).toBe(true);
    expect((await call('services.add', { name: 'two', command: ticker, dependencies: ['one'] })).ok).toBe(true);
    const patched = await call('services.update', { name: 'one', changes: { env: { B: null, C: '3' }, display_name: 'One' } });
    expect(patched).toMatchObject({ ok: true, value: { displayName: 'One' } });
    expect(await readFile(overlay, 'utf8')).toMatch(/A = "1"\s*\nC = "3"/);
    const badPatch = await call('services.update', { name: 'one', changes: { max_restarts: -1 } });
    expect(badPatch).toMatchObject({ ok: false, error: { code: 'invalid-args', details: { problems: [{ field: 'max_restarts' }] } } });
    const blocked = await call('services.remove', { name: 'one' });
    expect(blocked).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/services\.two\.dependencies/) } });
    expect(await call('services.remove', { name: 'two' })).toMatchObject({ ok: true, value: { name: 'two', removed: true } });
    expect(await call('services.remove', { name: 'one' })).toMatchObject({ ok: true });
    expect(state('one')).toBeUndefined();
    expect(await readFile(overlay, 'utf8')).not.toContain('[services');
  }, 60_000);

  it('applies an operator\'s edit of the overlay file like an edit of the manifest', async () => {
    await writeFile(overlay, `[services.handmade]\ncommand = ${JSON.stringify(ticker)}\n`);
    await waitFor(() => state('handmade'), (service) => service?.origin === 'api', { what: 'handmade supervised', timeoutMs: 30_000 });
    await writeFile(overlay, `[services.handmade]\ncommand = 5\n`);
    const problems = await waitFor(() => orchestrator!.snapshot().problems, (list) => list.length > 0, { what: 'overlay problem shown', timeoutMs: 30_000 });
    expect(problems[0]).toMatchObject({ file: overlay, field: 'services.handmade.command' });
    expect(state('handmade')).toBeDefined();
    expect(await checkManifestFile(file)).toMatchObject({ exitCode: 1, lines: [expect.stringContaining(`${overlay}:2:`)] });
  }, 60_000);
});
