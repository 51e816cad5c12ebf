// The desktop app's local engine keeps a daemon's promises to the outside: a status file for
// watchdogs, `running: false` only after a clean close, and after an app killed with its
// services up, the next start cleans up the orphaned tree and sends the `unclean-exit` alert;
// a daemon started next for the manifest does the same; changes made through the engine's
// sessions and calls land in the manifest's audit file.
// The killed app is a real process (the engine from source, through tsx), killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, sourceCliArgv } from '../../../test/helpers/cli-argv';
import { runCliProcess, stopCliProcesses } from '../../../test/helpers/run-cli-process';
import { stopChild } from '../../../test/helpers/stop-child';
import { waitFor } from '../../../test/helpers/wait-for';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/helpers/webhook-receiver';
import { AuditLog, auditFilePath } from '../attach/audit-log';
import { DESKTOP_ADDRESS } from '../attach/audited-session';
import { statusFilePath } from '../attach/status-file';
import { manifestKey } from '../engine/instance/manifest-key';
import { findFreePort } from '../engine/net/find-free-port';
import { isSignalable as alive } from '../engine/supervisor/proc-table';
import { createLocalEngine, type LocalEngine } from './local-engine';

describe('the desktop app supervising a manifest itself', { timeout: 90_000 }, () => {
  let dir: string;
  let manifest: string;
  let stateDir: string;
  let receiver: WebhookReceiver;
  let engine: LocalEngine | null = null;
  let app: ChildProcess | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-local-engine-'));
    manifest = join(dir, 'services.toml');
    stateDir = join(dir, 'state');
    receiver = await startWebhookReceiver();
    await writeFile(manifest, `[services.ticker]\ncommand = "while true; do sleep 0.2; done"\n\n[alerts]\nwebhook = "${receiver.url}/hook"\n`);
  });

  afterEach(async () => {
    await stopCliProcesses(); // before the folder goes: a daemon may still write into it
    if (app) await stopChild(app);
    app = null;
    await engine?.close();
    engine = null;
    await rm(dir, { recursive: true, force: true });
  });

  const start = () => createLocalEngine({ manifestPath: manifest, stateDir, usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, watchManifest: false, cliArgv: sourceCliArgv, log: () => {} });
  const status = async () => JSON.parse(await readFile(statusFilePath(stateDir, manifestKey(manifest)), 'utf8')) as { running: boolean; pid: number; services: { name: string; state: string; pid: number | null }[] };

  it('writes the status file while it runs and running: false after a clean close; a clean restart sends no alert', async () => {
    engine = await start();
    const running = await waitFor(status, (file) => file.services[0]?.state === 'running', { what: 'ticker running in the status file' });
    expect(running).toMatchObject({ running: true, pid: process.pid });
    await engine.close();
    engine = null;
    expect(await status()).toMatchObject({ running: false });

    engine = await start();
    await waitFor(status, (file) => file.running && file.services[0]?.state === 'running', { what: 'running again' });
    expect(engine.snapshot().alerts).toMatchObject({ queued: 0, delivered: 0 });
    expect(receiver.requests).toEqual([]);
  });

  it("audits the changes made through it (the window's and the tray's sessions, the editor's calls), in the file a daemon of the manifest serves", async () => {
    engine = await start();
    await waitFor(status, (file) => file.services[0]?.state === 'running', { what: 'ticker running' });
    const session = engine.hub.open(() => {});
    expect(await session.call('services.list', {})).toMatchObject({ ok: true });
    expect(await session.call('services.restart', { name: 'ticker' })).toMatchObject({ ok: true });
    expect(await session.call('services.stop', { name: 'no-such-service' })).toMatchObject({ ok: false });
    session.close();
    expect(await engine.call('services.list', {})).toMatchObject({ ok: true });
    expect(await engine.call('monitors.start', { doc: 'notes' })).toMatchObject({ ok: false });
    const logDir = engine.logs.logDir!;
    await engine.close();
    engine = null;
    const file = new AuditLog({ file: auditFilePath(logDir), say: () => {} });
    await file.load();
    expect(file.list()).toEqual([
      expect.objectContaining({ role: 'operator', transport: 'ipc', address: DESKTOP_ADDRESS, action: 'services.restart', args: { name: 'ticker' }, result: 'ok' }),
      expect.objectContaining({ transport: 'ipc', action: 'services.stop', args: { name: 'no-such-service' }, result: 'error', message: expect.stringContaining('no-such-service') }),
      expect.objectContaining({ transport: 'ipc', action: 'monitors.start', args: { doc: 'notes' }, result: 'error' }),
    ]);
  });

  // The app and a daemon keep their state in the same state dir (the lock's), so whichever
  // supervises the manifest next cleans up after the other.
  it.each(['the app', 'a daemon'] as const)('after the app was killed with its services up, %s started next cleans up the orphan and sends unclean-exit', async (next) => {
    // The app, as its own process: the local engine from source; prints the service's pid.
    const script = `
      const loaded = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'src/main/app/local-engine.ts')).href)});
      const { createLocalEngine } = loaded.createLocalEngine ? loaded : loaded.default; // tsx hands CommonJS output over as default
      const engine = await createLocalEngine({ manifestPath: process.env.MANIFEST, stateDir: process.env.STATE_DIR, usbSource: null, deviceRoot: process.env.DEVICE_ROOT, statsIntervalMs: 0, watchManifest: false, cliArgv: [], log: () => {} });
      const timer = setInterval(() => {
        const state = engine.snapshot().services[0]?.state;
        if (state?.kind === 'running') { console.log('pid ' + state.pid); clearInterval(timer); }
      }, 50);`;
    app = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      env: { ...process.env, MANIFEST: manifest, STATE_DIR: stateDir, DEVICE_ROOT: join(dir, 'dev') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const orphanPid = await new Promise<number>((resolve, reject) => {
      createInterface({ input: app!.stdout! }).on('line', (line) => line.startsWith('pid ') && resolve(Number(line.slice(4))));
      app!.once('exit', (code) => reject(new Error(`the app exited (${code}) before its service ran`)));
    });
    await waitFor(status, (file) => file.running && file.services[0]?.state === 'running', { what: "the app's status file" });
    const appPid = app.pid!;
    app.kill('SIGKILL');
    await new Promise((resolve) => app!.once('exit', resolve));
    app = null;
    expect(alive(orphanPid)).toBe(true); // what a crash leaves

    if (next === 'the app') engine = await start();
    else runCliProcess(['serve', '-c', manifest, '--state-dir', stateDir, '-p', String(await findFreePort())]);
    await waitFor(() => alive(orphanPid), (up) => !up, { what: "the dead app's service cleaned up", timeoutMs: 60_000 });
    const [alert] = await waitFor(() => receiver.accepted('/hook'), (posts) => posts.length === 1, { what: 'the unclean-exit alert', timeoutMs: 60_000 });
    expect(alert.body).toMatchObject({ kind: 'unclean-exit', service: null, from: 'running', to: 'restarted', instance: manifestKey(manifest), manifest });
    expect((alert.body as { reason: string }).reason).toContain(`pid ${appPid}`);
  });
});
