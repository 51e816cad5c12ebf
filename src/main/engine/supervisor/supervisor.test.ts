import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract';
import { waitFor } from '../../../../test/helpers/wait-for';
import { alivePids, makeSpec, nodeCommand, readPidFile, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import { StateFile } from './state-file';

const harness = supervisorHarness();
const tempDir = harness.tempDir;
const makeSupervisor = harness.supervisor;
const kind = (supervisor: { get(name: string): { state: { kind: string } } | undefined }, name: string) => () => supervisor.get(name)?.state.kind;

describe('Supervisor', () => {
  it('starts a service, passes its output to the log sink and stops it with a reason', async () => {
    const { supervisor, logs, events, transitions } = makeSupervisor();
    await supervisor.apply([makeSpec('echo', `echo hello from echo; exec sleep 30`)]);
    const running = supervisor.get('echo')!;
    expect(running.state.kind).toBe('running');
    expect(running.origin).toBe('manifest');
    await waitFor(() => logs.text('echo', 'stdout'), (text) => text.includes('hello from echo'), { what: 'output in the log' });
    expect(logs.launches.get('echo')).toBe(1);

    const stopped = await supervisor.stop('echo');
    expect(stopped.state).toMatchObject({ kind: 'exited', signal: 'SIGTERM', requested: true });
    const path = transitions();
    expect(path[0]).toBe('echo starting: autostart');
    expect(path[1]).toMatch(/^echo running: started \(pid \d+\)$/);
    expect(path.slice(-2)).toEqual(['echo stopping: stopped by operator', 'echo exited: stopped by operator']);
    expect(events.at(0)?.transition).toBeNull();
    expect(stopped.transitions.map((t) => t.to)).toEqual(['starting', 'running', 'stopping', 'exited']);
    expect(logs.text('orchestrator', 'system')).toContain('echo: exited: stopped by operator');
  });

  it('leaves no process behind when a service that ignores SIGTERM and forks grandchildren is stopped', async () => {
    const { supervisor, logs } = makeSupervisor();
    const pidfile = join(tempDir(), 'pids');
    await supervisor.apply([makeSpec('stubborn', nodeCommand('ignore-sigterm-with-grandchildren.js', pidfile), { stopTimeoutMs: 300 })]);
    const pids = await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });
    expect(alivePids(pids.values())).toHaveLength(3);

    const stopped = await supervisor.stop('stubborn');
    expect(stopped.state).toMatchObject({ kind: 'exited', signal: 'SIGKILL' });
    expect(alivePids(pids.values())).toEqual([]);
    expect(logs.text('stubborn', 'system')).toMatch(/3 processes still running after 300 ms \(SIGTERM\); killed with SIGKILL/);
  });

  it('kills the whole tree at once, cutting short a soft stop under way', async () => {
    const { supervisor } = makeSupervisor();
    const pidfile = join(tempDir(), 'pids');
    await supervisor.apply([makeSpec('stubborn', nodeCommand('ignore-sigterm-with-grandchildren.js', pidfile), { stopTimeoutMs: 60_000 })]);
    const pids = await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });

    const softStop = supervisor.stop('stubborn');
    await waitFor(kind(supervisor, 'stubborn'), (state) => state === 'stopping', { what: 'stopping' });
    const killed = await supervisor.kill('stubborn');
    await softStop;
    expect(killed.state).toMatchObject({ kind: 'exited', signal: 'SIGKILL' });
    expect(alivePids(pids.values())).toEqual([]);
  });

  it('restarts a service as a new process', async () => {
    const { supervisor } = makeSupervisor();
    await supervisor.apply([makeSpec('sleeper', 'exec sleep 30')]);
    const before = supervisor.get('sleeper')!.state;
    const after = (await supervisor.restart('sleeper')).state;
    expect(before.kind).toBe('running');
    expect(after.kind).toBe('running');
    expect(after.kind === 'running' && before.kind === 'running' && after.pid !== before.pid).toBe(true);
  });

  it('answers an unknown service name with a not-found contract error', async () => {
    const { supervisor } = makeSupervisor();
    await supervisor.apply([]);
    await expect(supervisor.start('nope')).rejects.toMatchObject({ code: 'not-found' });
    await expect(supervisor.stop('nope')).rejects.toBeInstanceOf(ContractError);
  });

  it('stops everything on dispose and removes its state file', async () => {
    const { supervisor, stateDir } = makeSupervisor();
    const pidfile = join(tempDir(), 'pids');
    await supervisor.apply([
      makeSpec('stubborn', nodeCommand('ignore-sigterm-with-grandchildren.js', pidfile), { stopTimeoutMs: 200 }),
      makeSpec('sleeper', 'exec sleep 30'),
    ]);
    const pids = await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });
    const sleeper = supervisor.get('sleeper')!.state;
    expect(existsSync(StateFile.forInstance(stateDir, 'test').path)).toBe(true);

    await supervisor.dispose();
    expect(alivePids([...pids.values(), sleeper.kind === 'running' ? sleeper.pid : 0])).toEqual([]);
    expect(existsSync(StateFile.forInstance(stateDir, 'test').path)).toBe(false);
    expect(supervisor.snapshot().map((s) => s.state.kind)).toEqual(['exited', 'exited']);
  });

  it('keeps a disabled service stopped until it is enabled', async () => {
    const { supervisor } = makeSupervisor();
    await supervisor.apply([makeSpec('manual', 'exec sleep 30', { autostart: false })]);
    expect(supervisor.get('manual')!.state.kind).toBe('disabled');
    await supervisor.startAll();
    expect(supervisor.get('manual')!.state.kind).toBe('disabled');
    expect((await supervisor.setEnabled('manual', true)).state.kind).toBe('running');
    const disabled = await supervisor.setEnabled('manual', false);
    expect(disabled.state.kind).toBe('disabled');
    expect(disabled.autostart).toBe(false);
  });
});
