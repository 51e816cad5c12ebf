// Issue 16: a service whose device is unplugged usually dies before the device watcher's
// debounced report arrives. Its exit must still read as an unplug (blocked, waiting for the
// device; no restart counted, no backoff), whichever comes first: the node's removal or the
// exit. The debounce here is long (3 s), so only the check made at the exit can get it right.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../../shared/model';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { waitFor } from '../../../../test/helpers/wait-for';
import { createOrchestrator, type Orchestrator } from '../orchestrator';
import { isSignalable as isProcessAlive } from '../supervisor/proc-table';

// Exits with 1 on SIGUSR2, as a program whose serial port failed would.
const READER = `exec node -e "process.on('SIGUSR2', () => process.exit(1)); setInterval(() => {}, 1e9)"`;
const SLOW = { timeoutMs: 60_000, intervalMs: 20 };

describe('a service exiting as its device is unplugged', () => {
  let dir: string;
  let cam: string;
  let orchestrator: Orchestrator | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-unplug-'));
    await mkdir(join(dir, 'dev'));
    cam = join(dir, 'dev', 'cam');
    writeFileSync(cam, '');
    const file = join(dir, 'services.toml');
    await writeFile(file, `[services.reader]\ncommand = ${JSON.stringify(READER)}\nrequires_devices = ["/dev/cam"]\nrestart = "always"\n`);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), deviceDebounceMs: 3000, statsIntervalMs: 0, cliArgv: sourceCliArgv });
  });

  afterEach(async () => {
    await orchestrator?.close();
    orchestrator = null;
    await rm(dir, { recursive: true, force: true });
  });

  async function reader(): Promise<ServiceSnapshot> {
    const reply = await orchestrator!.call('services.list', {});
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value.find((service) => service.name === 'reader')!;
  }

  const runningPid = async (): Promise<number> => {
    const service = await waitFor(reader, (each) => each.state.kind === 'running', { ...SLOW, what: 'reader running' });
    return (service.state as { pid: number }).pid;
  };

  async function expectWaitingForDevice(): Promise<void> {
    const service = await waitFor(reader, (each) => each.state.kind === 'blocked', { ...SLOW, what: 'reader blocked on its device' });
    expect(service.state).toMatchObject({ kind: 'blocked', waitingOn: { devices: ['/dev/cam'] } });
    expect(service.restarts).toBe(0);
    expect(service.transitions.map((each) => each.to)).not.toContain('backoff');
    expect(service.transitions.at(-1)?.reason).toMatch(/device \/dev\/cam/);
    // Back when the device is: a new launch, still no restart counted.
    writeFileSync(cam, '');
    const pid = await runningPid();
    expect(isProcessAlive(pid)).toBe(true);
    expect((await reader()).restarts).toBe(0);
  }

  it('node removed, then the process exits: waiting for the device, not a crash', async () => {
    const pid = await runningPid();
    rmSync(cam);
    process.kill(pid, 'SIGUSR2');
    await expectWaitingForDevice();
  });

  it('process exits (and is reaped), then the node is removed: still not a crash', async () => {
    const pid = await runningPid();
    process.kill(pid, 'SIGUSR2');
    // Gone from the process table means the supervisor has had its exit event.
    await waitFor(() => isProcessAlive(pid), (alive) => !alive, { ...SLOW, what: 'reader reaped' });
    rmSync(cam);
    await expectWaitingForDevice();
  });

  it('device still there: the exit is a crash (restart counted, backoff)', async () => {
    const pid = await runningPid();
    process.kill(pid, 'SIGUSR2');
    const service = await waitFor(reader, (each) => each.restarts === 1, { ...SLOW, what: 'one restart counted' });
    expect(service.transitions.map((each) => each.to)).toContain('backoff');
    expect(existsSync(cam)).toBe(true);
  });
});
