import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { alivePids, daemonized, makeSpec, nodeCommand, readPidFile, SLOW_MS, supervisorHarness, supervisorInChild } from '../../../../test/fixtures/supervisor-test-kit';
import { LAUNCH_ENV } from './launch-marker';
import { readProcess } from './proc-table';
import { StateFile } from './state-file';

const harness = supervisorHarness();

function spawnSleeper(marker?: string): number {
  const env = marker ? { ...process.env, [LAUNCH_ENV]: marker } : process.env;
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore', env });
  harness.cleanup(() => {
    sleeper.kill('SIGKILL');
  });
  return sleeper.pid!;
}

const ref = (pid: number) => ({ pid, startTime: readProcess(pid)!.startTime });

describe('orphan cleanup', () => {
  it('kills the whole tree a SIGKILLed supervisor left, once a new one starts for the same manifest', async () => {
    const stateDir = harness.tempDir();
    const { sigkill, pidfile } = await supervisorInChild(harness, stateDir, 'child', 'ignore-sigterm-with-grandchildren.js');
    const pids = await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });
    await sigkill();
    expect(alivePids(pids.values())).toHaveLength(3);

    const { supervisor, logs } = harness.supervisor({ stateDir, instanceKey: 'child' });
    await supervisor.apply([]);
    expect(alivePids(pids.values())).toEqual([]);
    expect(logs.text('orchestrator')).toContain(`killed orphan tree of stubborn (pid ${pids.get('main')}, 3 processes) left by a previous run`);
  }, 2 * SLOW_MS);

  it('after a kill -9 of one of two supervisors on one state dir, cleans up its trees (double-forked daemons too) and never the other\'s', async () => {
    const stateDir = harness.tempDir();
    const [alpha, beta] = await Promise.all([supervisorInChild(harness, stateDir, 'alpha', 'double-fork.js'), supervisorInChild(harness, stateDir, 'beta', 'double-fork.js')]);
    const [alphaPids, betaPids] = await Promise.all([daemonized(alpha.pidfile), daemonized(beta.pidfile)]);
    const betaState = StateFile.forInstance(stateDir, 'beta');
    expect(betaState.read()?.services.stubborn?.root.pid).toBe(betaPids.get('main'));
    await alpha.sigkill();
    const alphaLeft = [alphaPids.get('main')!, alphaPids.get('daemon')!];
    expect(alivePids(alphaLeft)).toEqual(alphaLeft);

    const { supervisor, logs } = harness.supervisor({ stateDir, instanceKey: 'alpha' });
    await supervisor.apply([]);
    expect(alivePids(alphaLeft)).toEqual([]);
    const betaRunning = [betaPids.get('main')!, betaPids.get('daemon')!];
    expect(alivePids(betaRunning)).toEqual(betaRunning);
    expect(betaState.read()?.services.stubborn?.root.pid).toBe(betaPids.get('main'));
    expect(logs.text('orchestrator')).toContain(`killed orphan tree of stubborn (pid ${alphaPids.get('main')}, 2 processes) left by a previous run`);
    expect(logs.text('orchestrator')).not.toContain('still running');
  }, 3 * SLOW_MS);

  it('kills what carries a marker of the dead run even if its state file never recorded it, and nothing of other runs', async () => {
    const stateDir = harness.tempDir();
    StateFile.forInstance(stateDir, 'alpha').write({ instance: 'alpha', session: 's1', supervisor: null }, {});
    const doomed = [spawnSleeper('alpha/web/s1-7'), spawnSleeper('alpha/a/b/s1-12')];
    const others = ['alpha/web/s10-7', 'alpha/web/xs1-7', 'alph/web/s1-7', 'alpha2/web/s1-7', 'beta/web/s1-7', 'alpha/web/s1'].map(spawnSleeper);
    const unmarked = spawnSleeper();
    const { supervisor, logs } = harness.supervisor({ stateDir, instanceKey: 'alpha' });
    await supervisor.apply([]);
    expect(alivePids(doomed)).toEqual([]);
    expect(alivePids([...others, unmarked])).toEqual([...others, unmarked]);
    expect(logs.text('orchestrator')).toContain(`killed 1 orphan processes of web (pids ${doomed[0]}) marked by a previous run`);
    expect(logs.text('orchestrator')).toContain(`killed 1 orphan processes of a/b (pids ${doomed[1]}) marked by a previous run`);
  });

  it('cleans up after a dead supervisor of an older version, from the one shared state file, then removes it', async () => {
    const stateDir = harness.tempDir();
    const legacy = StateFile.legacy(stateDir);
    const pid = spawnSleeper();
    legacy.write({ instance: 'ignored', session: 'old', supervisor: null }, { old: { root: ref(pid), members: [], stopSignal: 'SIGTERM', stopTimeoutMs: 100 } });
    const { supervisor } = harness.supervisor({ stateDir });
    await supervisor.apply([]);
    expect(alivePids([pid])).toEqual([]);
    expect(existsSync(legacy.path)).toBe(false);
  });

  it('leaves alone a recorded pid that now belongs to another process', async () => {
    const stateDir = harness.tempDir();
    const pid = spawnSleeper();
    const root = { pid, startTime: 'not-its-start-time' };
    StateFile.forInstance(stateDir, 'test').write({ instance: 'test', session: 'old', supervisor: null }, { old: { root, members: [], stopSignal: 'SIGTERM', stopTimeoutMs: 100 } });
    const { supervisor, logs } = harness.supervisor({ stateDir });
    await supervisor.apply([]);
    expect(alivePids([pid])).toEqual([pid]);
    expect(logs.text('orchestrator')).not.toContain('orphan');
  });

  it('leaves alone the trees of a supervisor that is still running', async () => {
    const stateDir = harness.tempDir();
    const owner = spawnSleeper();
    const service = spawnSleeper();
    StateFile.forInstance(stateDir, 'test').write({ instance: 'test', session: 'old', supervisor: ref(owner) }, { svc: { root: ref(service), members: [], stopSignal: 'SIGTERM', stopTimeoutMs: 100 } });
    const { supervisor, logs } = harness.supervisor({ stateDir });
    await supervisor.apply([]);
    expect(alivePids([service])).toEqual([service]);
    expect(logs.text('orchestrator')).toContain(`belongs to a supervisor still running (pid ${owner})`);
  });

  it('records every tree member it has seen, and the launch marker, so a grandchild that lost its parent is still found', async () => {
    const { supervisor, stateDir } = harness.supervisor({ statsIntervalMs: 50 });
    const pidfile = join(harness.tempDir(), 'pids');
    await supervisor.apply([
      makeSpec('stubborn', nodeCommand('ignore-sigterm-with-grandchildren.js', pidfile), { stopTimeoutMs: 100 }),
    ]);
    const pids = await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });
    const recorded = await waitFor(
      () => JSON.parse(readFileSync(StateFile.forInstance(stateDir, 'test').path, 'utf8')).services.stubborn,
      (tree) => tree?.members.length === 2,
      { what: 'two members recorded' },
    );
    expect(recorded.members.map((member: { pid: number }) => member.pid).sort()).toEqual([pids.get('child'), pids.get('grandchild')].sort());
    expect(recorded.marker).toMatch(/^test\/stubborn\/[0-9a-f]+-\d+$/);
  });
});
