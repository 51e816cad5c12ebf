// One supervisor per manifest, end to end: real orchestrators with real child processes, a real
// daemon server holding the lock, the desktop side attaching to it over WebSocket.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../shared/model';
import { waitFor } from '../../../test/helpers/wait-for';
import { startDaemonServer } from '../daemon/daemon-server';
import { attachToDaemon } from '../attach/remote-orchestrator';
import { acquireSupervisorLock, readSupervisorLock } from '../attach/supervisor-lock';
import { processStartTime } from '../engine/supervisor/proc-table';
import { createOrchestrator, type Orchestrator } from '../engine/orchestrator';
import { isSignalable as alive } from '../engine/supervisor/proc-table';
import { openEngine, SupervisedElsewhereError, type EngineHandle, type OpenedEngine } from './open-engine';
import { switchManifest } from './switch-manifest';

const ticker = `node -e "setInterval(() => {}, 1000)"`;

describe('openEngine and switchManifest', () => {
  let dir: string;
  let stateDir: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'open-engine-'));
    stateDir = join(dir, 'state');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function manifest(name: string, service: string): Promise<string> {
    const file = join(dir, `${name}.toml`);
    await writeFile(file, `[services.${service}]\ncommand = ${JSON.stringify(ticker)}\n`);
    return file;
  }

  function createLocal(manifestPath: string): Promise<Orchestrator> {
    // These manifests have no built-in parts, so the CLI argv for them is never used.
    return createOrchestrator({ manifestPath, stateDir: join(stateDir, 'engine'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, watchManifest: false, cliArgv: [] });
  }

  const options = (manifestPath: string) => ({
    manifestPath,
    stateDir,
    createLocal,
    connectRemote: ({ url, token, manifestPath: path }: { url: string; token: string; manifestPath: string }) => attachToDaemon({ url, token, manifestPath: path, minBackoffMs: 20 }),
    attachWaitMs: 500,
  });

  async function runningPid(engine: EngineHandle, name: string): Promise<number> {
    const service = await waitFor(
      async () => {
        const reply = await engine.call('services.list', {});
        return reply.ok ? reply.value.find((each) => each.name === name) : undefined;
      },
      (each): each is ServiceSnapshot => each?.state.kind === 'running',
      { what: `${name} running`, timeoutMs: 10_000 },
    );
    return (service!.state as { pid: number }).pid;
  }


  it('supervises locally when nobody holds the manifest, and releases the lock after stopping', async () => {
    const file = await manifest('a', 'alpha');
    const opened = await openEngine(options(file));
    cleanups.push(() => opened.close());
    expect(opened).toMatchObject({ mode: 'local', attachedTo: null });
    expect((await readSupervisorLock(file, stateDir))?.holder).toBe('desktop');
    const pid = await runningPid(opened.engine, 'alpha');
    await opened.close();
    expect(alive(pid)).toBe(false);
    expect(await readSupervisorLock(file, stateDir)).toBeNull();
  });

  it('attaches to the daemon that holds the manifest instead of starting a second supervisor', async () => {
    const file = await manifest('a', 'alpha');
    // The daemon's side, as `showrunner serve` does it: lock, engine, server, then the URL.
    const lock = await acquireSupervisorLock({ manifestPath: file, stateDir, holder: 'daemon' });
    if (!lock.ok) throw new Error('want the lock');
    cleanups.push(() => lock.lock.release());
    const daemonEngine = await createLocal(file);
    cleanups.push(() => daemonEngine.close());
    const server = await startDaemonServer({ hub: daemonEngine.hub, call: (m, a) => daemonEngine.call(m as never, a as never), urls: () => ({}), metrics: () => '', token: 'tok', port: 0, rendererDir: null });
    cleanups.push(() => server.close());
    await lock.lock.update({ url: server.url, token: 'tok' });
    const daemonPid = await runningPid(daemonEngine, 'alpha');

    const opened = await openEngine(options(file));
    cleanups.push(() => opened.close());
    expect(opened).toMatchObject({ mode: 'attached', attachedTo: server.url });
    expect(await runningPid(opened.engine, 'alpha')).toBe(daemonPid);
    expect((await opened.engine.call('services.restart', { name: 'alpha' })).ok).toBe(true);
    await waitFor(() => runningPid(daemonEngine, 'alpha'), (pid) => pid !== daemonPid, { what: 'a restarted alpha', timeoutMs: 10_000 });

    // Quitting the desktop app detaches; the daemon keeps supervising.
    await opened.close();
    const pidAfter = await runningPid(daemonEngine, 'alpha');
    expect(alive(pidAfter)).toBe(true);
    expect((await readSupervisorLock(file, stateDir))?.holder).toBe('daemon');
  });

  it('refuses when a live holder serves nothing to attach to', async () => {
    const file = await manifest('a', 'alpha');
    const child: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    await acquireSupervisorLock({ manifestPath: file, stateDir, holder: 'desktop', pid: child.pid! });
    expect((await readSupervisorLock(file, stateDir))?.processStart).toBe(processStartTime(child.pid!));
    await expect(openEngine(options(file))).rejects.toBeInstanceOf(SupervisedElsewhereError);
  });

  it('switches manifests: unbinds, stops the old services, releases the old lock, opens and binds the new', async () => {
    const a = await manifest('a', 'alpha');
    const b = await manifest('b', 'beta');
    const steps: string[] = [];
    let current: OpenedEngine = await openEngine(options(a));
    cleanups.push(() => current.close());
    const alphaPid = await runningPid(current.engine, 'alpha');
    const result = await switchManifest(current, b, {
      open: (path) => openEngine(options(path)),
      unbind: (engine) => steps.push(`unbind ${engine.manifestPath === a ? 'a' : 'b'}`),
      bind: (engine) => steps.push(`bind ${engine.manifestPath === a ? 'a' : 'b'}`),
    });
    current = result.engine;
    expect(result.error).toBeNull();
    expect(steps).toEqual(['unbind a', 'bind b']);
    expect(alive(alphaPid)).toBe(false);
    expect(await readSupervisorLock(a, stateDir)).toBeNull();
    expect((await readSupervisorLock(b, stateDir))?.pid).toBe(process.pid);
    await runningPid(current.engine, 'beta');
  });

  it('reopens the previous manifest when the new one cannot be opened', async () => {
    const a = await manifest('a', 'alpha');
    let current: OpenedEngine = await openEngine(options(a));
    cleanups.push(() => current.close());
    const result = await switchManifest(current, join(dir, 'b.toml'), {
      open: (path) => (path === a ? openEngine(options(path)) : Promise.reject(new Error('held elsewhere'))),
      unbind: () => {},
      bind: () => {},
    });
    current = result.engine;
    expect(result.error?.message).toBe('held elsewhere');
    expect(current.manifestPath).toBe(a);
    await runningPid(current.engine, 'alpha');
  });
});
