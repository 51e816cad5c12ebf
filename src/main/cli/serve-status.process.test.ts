// `serve` for scripts and watchdogs (issue 17), as a real process: `-c`/`-p` short flags, `$PORT`
// (dropped from what services inherit), `--log-format json` (every stderr line one JSON
// object) and status.json in the state dir, per instance, rewritten on change, `running: false`
// after a clean stop.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manifestKey } from '../engine/instance/manifest-key';
import { findFreePort } from '../engine/net/find-free-port';
import { runCliProcess, stopCliProcesses } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';
import { statusFilePath } from '../attach/status-file';

function readStatus(file: string): any {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

describe('serve for scripts: short flags, $PORT, JSON logs, status.json', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-serve-status-'));
  });
  afterEach(async () => {
    await stopCliProcesses(); // before the folder goes: a daemon may still write into it
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on $PORT, writes JSON log lines and a status file that follows the services', { timeout: 120_000 }, async () => {
    const manifest = join(dir, 'services.toml');
    const envFile = join(dir, 'env-port');
    await writeFile(manifest, `[services.worker]\ncommand = 'echo "PORT=$PORT" > ${envFile}; exec node -e "setInterval(() => {}, 1000)"'\n`);
    const port = await findFreePort();
    const state = join(dir, 'state');
    const cli = runCliProcess(['serve', '-c', manifest, '--state-dir', state, '--log-format', 'json'], { env: { PORT: String(port) } });
    await waitFor(() => cli.output(), (text) => text.includes(`listening on http://127.0.0.1:${port}/`), { what: 'listening on $PORT', timeoutMs: 60_000 });
    const file = statusFilePath(state, manifestKey(manifest));
    const running = await waitFor(() => readStatus(file), (status) => status?.services?.[0]?.state === 'running', { what: 'status.json says running', timeoutMs: 60_000 });
    expect(running).toMatchObject({ running: true, manifest, url: `http://127.0.0.1:${port}`, services: [{ name: 'worker', origin: 'manifest', pid: expect.any(Number) }] });
    expect(readFileSync(envFile, 'utf8').trim()).toBe('PORT=');

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(readStatus(file)).toMatchObject({ running: false });
    const stderr = cli.output().split('\n').filter((line) => line && !line.startsWith('Showrunner listening'));
    expect(stderr.length).toBeGreaterThan(2);
    for (const line of stderr) expect(() => JSON.parse(line), line).not.toThrow();
    const transitions = stderr.map((line) => JSON.parse(line)).filter((entry) => entry.service === 'worker');
    expect(transitions.map((entry) => entry.to)).toContain('running');
    expect(transitions[0]).toMatchObject({ level: 'info', time: expect.any(String), from: expect.any(String), msg: expect.stringMatching(/^worker: /) });
  });

  it('takes -p and keeps one status file per manifest', { timeout: 120_000 }, async () => {
    const manifestA = join(dir, 'a.toml');
    const manifestB = join(dir, 'b.toml');
    await writeFile(manifestA, `[services.a]\ncommand = 'exec node -e "setInterval(() => {}, 1000)"'\n`);
    await writeFile(manifestB, `[services.b]\ncommand = 'exec node -e "setInterval(() => {}, 1000)"'\n`);
    const state = join(dir, 'state');
    const portA = await findFreePort();
    const a = runCliProcess(['serve', '-c', manifestA, '-p', String(portA), '--state-dir', state, '--quiet']);
    const b = runCliProcess(['serve', '-c', manifestB, '-p', '0', '--state-dir', state, '--quiet']);
    await waitFor(() => a.output(), (text) => text.includes(`:${portA}/`), { what: 'a on -p', timeoutMs: 60_000 });
    const statusA = await waitFor(() => readStatus(statusFilePath(state, manifestKey(manifestA))), (status) => status?.services?.[0]?.state === 'running', { what: 'a running', timeoutMs: 60_000 });
    const statusB = await waitFor(() => readStatus(statusFilePath(state, manifestKey(manifestB))), (status) => status?.services?.[0]?.state === 'running', { what: 'b running', timeoutMs: 60_000 });
    expect(statusA.services.map((service: { name: string }) => service.name)).toEqual(['a']);
    expect(statusB.services.map((service: { name: string }) => service.name)).toEqual(['b']);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
  });
});
