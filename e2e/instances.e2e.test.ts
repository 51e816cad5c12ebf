// Daemons in company (issue 14): two or three built daemons of different manifests under one
// HOME, as separate OS processes. Each has its own discovery record and lasting token; client
// commands list them all, refuse to guess, act on the one named; a dead daemon's record goes,
// the others' stay; the desktop attach path finds the daemon of its own manifest.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../src/main/app/open-engine';
import { listDaemonRecords } from '../src/main/attach/daemon-record';
import { attachToDaemon } from '../src/main/attach/remote-orchestrator';
import { manifestKey } from '../src/main/engine/instance/manifest-key';
import { waitFor } from '../test/helpers/wait-for';
import { cliPath, homeEnv, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const run = promisify(execFile);
const ticker = `node -e "setInterval(() => {}, 1000)"`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('daemons of several manifests under one HOME', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let recordsDir: string;
  let manifestA: string;
  let manifestB: string;
  let a: DaemonProcess;
  let b: DaemonProcess;
  const extra: DaemonProcess[] = [];

  const cli = async (args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [cliPath, ...args], { env: options.env ?? env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  };

  const servicesOf = async (config: string) => JSON.parse((await cli(['status', '--config', config, '--json'])).stdout) as { name: string; state: { kind: string } }[];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-company-'));
    env = homeEnv(home);
    recordsDir = join(home, 'run', 'showrunner', 'daemons');
    manifestA = join(home, 'a.toml');
    manifestB = join(home, 'b.toml');
    await writeFile(manifestA, `[services.alpha]\ncommand = ${JSON.stringify(ticker)}\n`);
    await writeFile(manifestB, `[services.beta]\ncommand = ${JSON.stringify(ticker)}\n`);
    [a, b] = await Promise.all([startDaemon(['--config', manifestA], { home }), startDaemon(['--config', manifestB], { home })]);
  });

  afterAll(async () => {
    for (const daemon of [...extra, a, b]) await daemon?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('keeps one record per daemon, keyed by manifest, each with its own token', async () => {
    expect((await readdir(recordsDir)).sort()).toEqual([`${manifestKey(manifestA)}.json`, `${manifestKey(manifestB)}.json`].sort());
    const records = await listDaemonRecords(recordsDir);
    expect(records.map((record) => [record.manifest, record.url, record.token, record.pid])).toEqual([
      [manifestA, a.origin, a.token, a.child.pid],
      [manifestB, b.origin, b.token, b.child.pid],
    ]);
    expect(a.token).not.toBe(b.token);
  });

  it('a second daemon of the same manifest exits 1 and leaves the first daemon\'s record alone', async () => {
    await expect(startDaemon(['--config', manifestB], { home })).rejects.toThrow(/exited with 1[\s\S]*already supervised by the daemon \(pid \d+\) at .*showrunner url --config/);
    const records = await listDaemonRecords(recordsDir);
    expect(records.find((record) => record.manifest === manifestB)).toMatchObject({ pid: b.child.pid, token: b.token, url: b.origin });
    expect((await cli(['url', '--config', manifestB])).stdout.trim()).toBe(b.url);
  });

  it('status without --config shows every daemon: manifest, URL and services', async () => {
    await waitFor(async () => (await servicesOf(manifestA))[0]?.state.kind, (kind) => kind === 'running', { what: 'alpha running', timeoutMs: 20_000 });
    const status = await cli(['status']);
    expect(status.code).toBe(0);
    const blocks = status.stdout.split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(new RegExp(`^${manifestA}  ${a.origin}  \\(pid ${a.child.pid}\\)\\nNAME\\s+STATE[^\\n]*\\nalpha\\s`));
    expect(blocks[1]).toMatch(new RegExp(`^${manifestB}  ${b.origin}  \\(pid ${b.child.pid}\\)\\nNAME\\s+STATE[^\\n]*\\nbeta\\s`));
    const json = JSON.parse((await cli(['status', '--json'])).stdout) as { daemons: { manifest: string; url: string; services: { name: string }[] }[] };
    expect(json.daemons.map((daemon) => [daemon.manifest, daemon.url, daemon.services.map((service) => service.name)])).toEqual([
      [manifestA, a.origin, ['alpha']],
      [manifestB, b.origin, ['beta']],
    ]);
  });

  it('refuses an action without --config (exit 2, listing the daemons), and acts on the one named', async () => {
    const ambiguous = await cli(['stop', 'alpha']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('--config');
    expect(ambiguous.stderr).toContain(`${manifestA}  ${a.origin}`);
    expect(ambiguous.stderr).toContain(`${manifestB}  ${b.origin}`);
    expect((await cli(['url'])).code).toBe(2);
    // Nothing was stopped by the refused command.
    expect((await servicesOf(manifestA))[0].state.kind).toBe('running');

    expect((await cli(['stop', '--config', manifestB, 'alpha'])).code).toBe(1); // B has no alpha
    const stopped = await cli(['stop', '--config', manifestA, 'alpha']);
    expect(stopped).toMatchObject({ code: 0, stdout: expect.stringMatching(/^alpha: /) });
    await waitFor(async () => (await servicesOf(manifestA))[0].state.kind, (kind) => kind === 'exited', { what: 'alpha stopped (exited)', timeoutMs: 20_000 });
    expect((await servicesOf(manifestB))[0].state.kind).toBe('running');
    expect((await cli(['start', '--config', manifestA, 'alpha'])).code).toBe(0);
    expect((await cli(['status', '--config', join(home, 'none.toml')])).code).toBe(1);
  });

  it('prints the panel URL with `url --config`, and `--url` takes it as printed, with no record to help', async () => {
    const printed = (await cli(['url', '--config', manifestB])).stdout.trim();
    expect(printed).toBe(b.url);
    // An environment with no records at all: the token can only come from the URL.
    const elsewhere = homeEnv(join(home, 'elsewhere'));
    const status = await cli(['status', '--url', printed, '--json'], { env: elsewhere });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).map((service: { name: string }) => service.name)).toEqual(['beta']);
    expect((await cli(['status', '--url', b.origin], { env: elsewhere })).code).toBe(1);
    expect((await cli(['status', '--url', b.origin], { env: { ...elsewhere, SHOWRUNNER_TOKEN: b.token } })).code).toBe(0);
  });

  it('the desktop attach path finds the daemon of its own manifest', async () => {
    for (const [manifestPath, daemon, service] of [
      [manifestA, a, 'alpha'],
      [manifestB, b, 'beta'],
    ] as const) {
      const opened = await openEngine({
        manifestPath,
        stateDir: join(home, 'state'),
        createLocal: () => Promise.reject(new Error('must attach, not supervise a second time')),
        connectRemote: ({ url, token, manifestPath: path }) => attachToDaemon({ url, token, manifestPath: path, minBackoffMs: 20 }),
      });
      try {
        expect([opened.mode, opened.attachedTo]).toEqual(['attached', daemon.origin]);
        const reply = await opened.engine.call('services.list', {});
        expect(reply.ok && reply.value.map((each) => each.name)).toEqual([service]);
      } finally {
        await opened.close();
      }
    }
  });

  it('a daemon that exits removes only its record; one killed leaves a record that readers remove', async () => {
    // A third daemon whose only service exits at once, so killing it -9 orphans nothing.
    const manifestC = join(home, 'c.toml');
    await writeFile(manifestC, `[services.once]\ncommand = "true"\nrestart = "never"\n`);
    const c = await startDaemon(['--config', manifestC], { home });
    extra.push(c);
    expect((await listDaemonRecords(recordsDir)).map((record) => record.manifest)).toEqual([manifestA, manifestB, manifestC]);
    const killed = new Promise((resolve) => c.child.once('exit', resolve));
    c.child.kill('SIGKILL');
    await killed;
    expect(await readdir(recordsDir)).toContain(`${manifestKey(manifestC)}.json`);
    const status = await cli(['status', '--json']);
    expect((JSON.parse(status.stdout) as { daemons: { manifest: string }[] }).daemons.map((daemon) => daemon.manifest)).toEqual([manifestA, manifestB]);
    expect(await readdir(recordsDir)).not.toContain(`${manifestKey(manifestC)}.json`);

    // A clean exit of A: its record goes, B's stays and B still answers.
    expect(await a.stop()).toBe(0);
    expect(await readdir(recordsDir)).toEqual([`${manifestKey(manifestB)}.json`]);
    const only = await cli(['status']);
    expect(only.stdout).toContain(manifestB);
    expect(only.stdout).not.toContain(manifestA);
    // With one daemon left no --config is needed.
    expect((await cli(['url'])).stdout.trim()).toBe(b.url);
  });

  it('a restarted daemon keeps its token; --new-token rotates it; SHOWRUNNER_TOKEN stays out of ps', async () => {
    const before = a.token;
    a = await startDaemon(['--config', manifestA], { home });
    expect(a.token).toBe(before);
    expect((await fetch(`${a.origin}/api/status`, { headers: { Authorization: `Bearer ${before}` } })).status).toBe(200);
    expect(await a.stop()).toBe(0);

    a = await startDaemon(['--config', manifestA, '--new-token'], { home });
    expect(a.token).not.toBe(before);
    const rotated = a.token;
    expect(await a.stop()).toBe(0);

    const secret = 'from-the-environment-0123456789';
    a = await startDaemon(['--config', manifestA], { home, env: { SHOWRUNNER_TOKEN: secret } });
    expect(a.token).toBe(secret);
    expect(await readFile(`/proc/${a.child.pid}/cmdline`, 'utf8').catch(() => '')).not.toContain(secret);
    // …nor in the environment its services inherit.
    const alpha = await waitFor(async () => (await servicesOf(manifestA))[0], (service) => service?.state.kind === 'running', { what: 'alpha running', timeoutMs: 20_000 });
    const servicePid = (alpha.state as unknown as { pid: number }).pid;
    const environ = await readFile(`/proc/${servicePid}/environ`, 'utf8').catch(() => null);
    if (environ !== null) expect(environ).not.toContain(secret);
    expect((await cli(['url', '--config', manifestA])).stdout.trim()).toBe(`${a.origin}/?token=${secret}`);
    expect(await a.stop()).toBe(0);

    // The override was not stored: the next plain start has the rotated token again.
    a = await startDaemon(['--config', manifestA], { home });
    expect(a.token).toBe(rotated);
  });

  it('showrunner mrmd keeps its token per documents folder and port', async () => {
    const docs = join(home, 'docs');
    const args = ['--docs', docs, '--no-sync', '--no-runtime', '--no-monitors', '--no-editor'];
    const first = await startDaemon(args, { home, command: 'mrmd' });
    const records = await listDaemonRecords(recordsDir);
    expect(records.map((record) => record.manifest)).toContain(`mrmd --docs ${docs} --port 0`);
    expect(await first.stop()).toBe(0);
    const second = await startDaemon(args, { home, command: 'mrmd' });
    extra.push(second);
    expect(second.token).toBe(first.token);
    const other = await startDaemon(['--docs', join(home, 'other-docs'), '--no-sync', '--no-runtime', '--no-monitors', '--no-editor'], { home, command: 'mrmd' });
    extra.push(other);
    expect(other.token).not.toBe(first.token);
  });
});
