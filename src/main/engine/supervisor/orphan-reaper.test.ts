import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { alivePids, fixture, makeSpec, nodeCommand, readPidFile, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import { readProcess } from './proc-table';
import { StateFile, STATE_FILE_NAME } from './state-file';

const harness = supervisorHarness();

function spawnSleeper(): number {
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  harness.cleanup(() => {
    sleeper.kill('SIGKILL');
  });
  return sleeper.pid!;
}

describe('orphan cleanup', () => {
  it('kills the whole tree a SIGKILLed supervisor left, once a new one starts on the same state dir', async () => {
    const stateDir = harness.tempDir();
    const pidfile = join(harness.tempDir(), 'pids');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('supervisor-in-child.ts'), stateDir, pidfile], { stdio: ['ignore', 'pipe', 'inherit'] });
    harness.cleanup(() => {
      child.kill('SIGKILL');
    });
    let out = '';
    child.stdout!.on('data', (data: Buffer) => (out += data.toString()));
    await waitFor(() => out, (text) => text.includes('running'), { what: 'child supervisor running its service', timeoutMs: 15_000 });
    const pids = await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(alivePids(pids.values())).toHaveLength(3);

    const { supervisor, logs } = harness.supervisor({ stateDir });
    await supervisor.apply([]);
    expect(alivePids(pids.values())).toEqual([]);
    expect(logs.text('orchestrator')).toContain(`killed orphan tree of stubborn (pid ${pids.get('main')}, 3 processes) left by a previous run`);
  });

  it('leaves alone a recorded pid that now belongs to another process', async () => {
    const stateDir = harness.tempDir();
    const pid = spawnSleeper();
    const root = { pid, startTime: 'not-its-start-time' };
    new StateFile(stateDir).write(null, { old: { root, members: [], stopSignal: 'SIGTERM', stopTimeoutMs: 100 } });
    const { supervisor, logs } = harness.supervisor({ stateDir });
    await supervisor.apply([]);
    expect(alivePids([pid])).toEqual([pid]);
    expect(logs.text('orchestrator')).not.toContain('orphan');
  });

  it('leaves alone the trees of a supervisor that is still running', async () => {
    const stateDir = harness.tempDir();
    const owner = spawnSleeper();
    const service = spawnSleeper();
    const ref = (pid: number) => ({ pid, startTime: readProcess(pid)!.startTime });
    new StateFile(stateDir).write(ref(owner), { svc: { root: ref(service), members: [], stopSignal: 'SIGTERM', stopTimeoutMs: 100 } });
    const { supervisor, logs } = harness.supervisor({ stateDir });
    await supervisor.apply([]);
    expect(alivePids([service])).toEqual([service]);
    expect(logs.text('orchestrator')).toContain(`belongs to a supervisor still running (pid ${owner})`);
  });

  it('records every tree member it has seen, so a grandchild that lost its parent is still found', async () => {
    const { supervisor, stateDir } = harness.supervisor({ statsIntervalMs: 50 });
    const pidfile = join(harness.tempDir(), 'pids');
    await supervisor.apply([
      makeSpec('stubborn', nodeCommand('ignore-sigterm-with-grandchildren.js', pidfile), { stopTimeoutMs: 100 }),
    ]);
    const pids = await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });
    const recorded = await waitFor(
      () => JSON.parse(readFileSync(join(stateDir, STATE_FILE_NAME), 'utf8')).services.stubborn,
      (tree) => tree?.members.length === 2,
      { what: 'two members recorded' },
    );
    expect(recorded.members.map((ref: { pid: number }) => ref.pid).sort()).toEqual([pids.get('child'), pids.get('grandchild')].sort());
  });
});
