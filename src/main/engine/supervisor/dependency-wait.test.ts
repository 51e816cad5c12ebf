import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { freePort, makeSpec, nodeCommand, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import type { HealthSpec } from '../config/manifest-types';
import { dependencyProblem, meetsCondition, waitForDependencies, type DependencyStatus } from './dependency-wait';

const harness = supervisorHarness();
const timing = { intervalMs: 50, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 };
const SLEEP = 'exec sleep 30';

describe('dependency conditions', () => {
  it('counts a completed one-shot as started but not as healthy', () => {
    const completed = { state: { kind: 'completed' as const, at: 1 }, health: 'unknown' as const, active: false };
    expect(meetsCondition(completed, 'started')).toBe(true);
    expect(meetsCondition(completed, 'completed')).toBe(true);
    expect(meetsCondition(completed, 'healthy')).toBe(false);
    expect(meetsCondition({ state: { kind: 'running', pid: 1, since: 1 }, health: 'unknown', active: true }, 'healthy')).toBe(false);
  });

  it('names both services and the reason when a dependency cannot come up by itself', () => {
    const dep = { name: 'db', condition: 'healthy' as const };
    const exited = { state: { kind: 'exited' as const, code: 1, signal: null, at: 1 }, health: 'unknown' as const, active: false };
    expect(dependencyProblem('api', dep, exited)).toBe('api waits for db to be healthy, but db exited with 1');
    expect(dependencyProblem('api', dep, { ...exited, active: true })).toBeNull();
    expect(dependencyProblem('api', dep, undefined)).toBe('api waits for db to be healthy, but db is not defined');
    const killed = { state: { kind: 'exited' as const, code: null, signal: 'SIGKILL', at: 1, requested: true }, health: 'unknown' as const, active: false };
    expect(dependencyProblem('api', dep, killed)).toBe('api waits for db to be healthy, but db is stopped');
  });
});

describe('waking a waiter', () => {
  it('listens only to the services it waits on (and itself), so N waiters cost O(N) per start, not O(N²)', async () => {
    const statuses = new Map<string, DependencyStatus>();
    const listeners = new Map<string, Set<() => void>>();
    const view = {
      status: (name: string) => statuses.get(name),
      onChange: (names: readonly string[], listener: () => void) => {
        for (const name of names) (listeners.get(name) ?? listeners.set(name, new Set()).get(name)!).add(listener);
        return () => names.forEach((name) => listeners.get(name)?.delete(listener));
      },
    };
    const blockers: string[] = [];
    const waiting = waitForDependencies({
      waiter: 'api',
      dependencies: [{ name: 'db', condition: 'started' }],
      missingDevices: () => [],
      onDevicesChange: () => () => {},
      view,
      signal: new AbortController().signal,
      onBlocked: (blocker) => blockers.push(blocker.services.map((dep) => dep.name).join()),
    });
    statuses.set('db', { state: { kind: 'starting' }, health: 'unknown', active: true });
    await Promise.resolve();
    expect([...listeners].filter(([, set]) => set.size > 0).map(([name]) => name).sort()).toEqual(['api', 'db']);
    statuses.set('db', { state: { kind: 'running', pid: 1, since: 1 }, health: 'unknown', active: true });
    for (const listener of [...(listeners.get('db') ?? [])]) listener();
    expect(await waiting).toBe('ok');
    expect(blockers).toEqual(['db']);
    expect([...listeners.values()].every((set) => set.size === 0)).toBe(true);
  });
});

describe('starting in dependency order', () => {
  it('starts a chain a → b → c in order and stops it in reverse', async () => {
    const { supervisor, transitions } = harness.supervisor();
    await supervisor.apply([
      makeSpec('c', SLEEP, { dependencies: [{ name: 'b', condition: 'started' }] }),
      makeSpec('b', SLEEP, { dependencies: [{ name: 'a', condition: 'started' }] }),
      makeSpec('a', SLEEP),
    ]);
    await waitFor(() => supervisor.snapshot().map((s) => s.state.kind), (kinds) => kinds.every((k) => k === 'running'), { what: 'all running' });
    const started = transitions().filter((line) => line.includes(' running: ')).map((line) => line[0]);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(transitions()).toContain('c blocked: waiting for b to be started');

    await supervisor.stopAll();
    const stops = transitions().filter((line) => / (stopping|exited): /.test(line)).map((line) => line.split(':')[0]);
    expect(stops).toEqual(['c stopping', 'c exited', 'b stopping', 'b exited', 'a stopping', 'a exited']);
  });

  it('starts independent branches in parallel', async () => {
    const { supervisor, kind } = harness.supervisor();
    const port = await freePort();
    const gated: HealthSpec = { type: 'http', url: `http://127.0.0.1:${port}/`, expectStatus: [200, 299], timing };
    await supervisor.apply([
      makeSpec('slow', nodeCommand('http-gate-server.js', port), { health: gated }),
      makeSpec('after-slow', SLEEP, { dependencies: [{ name: 'slow', condition: 'healthy' }] }),
      makeSpec('fast', SLEEP),
      makeSpec('after-fast', SLEEP, { dependencies: [{ name: 'fast', condition: 'started' }] }),
    ]);
    await waitFor(kind('after-fast'), (state) => state === 'running', { what: 'after-fast running' });
    expect(supervisor.get('after-slow')!.state.kind).toBe('blocked');
  });

  it('holds a healthy condition until the test opens the HTTP gate', async () => {
    const { supervisor, kind } = harness.supervisor();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    await supervisor.apply([
      makeSpec('api', SLEEP, { dependencies: [{ name: 'db', condition: 'healthy' }] }),
      makeSpec('db', nodeCommand('http-gate-server.js', port), { health: { type: 'http', url, expectStatus: [200, 299], timing } }),
    ]);
    // db answers, but 503: api must still wait, for as many probes as we care to watch.
    await waitFor(() => supervisor.get('db')!, (db) => db.lastProbe?.message === 'HTTP 503 (want 200–299)', { what: 'db probed and refused' });
    const api = supervisor.get('api')!;
    expect(api.state).toEqual({ kind: 'blocked', waitingOn: { services: [{ name: 'db', condition: 'healthy' }], devices: [] } });
    expect(api.transitions.at(-1)?.reason).toBe('waiting for db to be healthy');

    await fetch(`${url}open`, { method: 'POST' });
    await waitFor(kind('api'), (state) => state === 'running', { what: 'api running after the gate opened' });
    expect(supervisor.get('db')!.health).toBe('healthy');
  });

  it('starts dependents of a one-shot once it completes with exit 0 under on-failure', async () => {
    const { supervisor, kind } = harness.supervisor();
    await supervisor.apply([
      makeSpec('migrate', nodeCommand('crash-after.js', 50, 0), { restart: 'on-failure' }),
      makeSpec('app', SLEEP, { dependencies: [{ name: 'migrate', condition: 'completed' }] }),
    ]);
    await waitFor(kind('app'), (state) => state === 'running', { what: 'app running' });
    const migrate = supervisor.get('migrate')!;
    expect(migrate.state.kind).toBe('completed');
    expect(migrate.restarts).toBe(0);
    expect(migrate.transitions.at(-1)?.reason).toBe('exited with code 0; done (restart = on-failure)');
  });

  it('says why a waiter is stuck when its dependency exited for good, and goes on when it is started again', async () => {
    const { supervisor, kind } = harness.supervisor();
    await supervisor.apply([
      makeSpec('db', nodeCommand('crash-after.js', 0, 1), { restart: 'never' }),
      makeSpec('api', SLEEP, { dependencies: [{ name: 'db', condition: 'completed' }] }),
    ]);
    const api = await waitFor(() => supervisor.get('api')!, (s) => s.state.kind === 'blocked' && !!s.state.problem, { what: 'a problem' });
    expect(api.state).toMatchObject({ problem: 'api waits for db to be completed, but db exited with 1' });

    await supervisor.apply([
      makeSpec('db', 'exit 0', { restart: 'never' }),
      makeSpec('api', SLEEP, { dependencies: [{ name: 'db', condition: 'completed' }] }),
    ]);
    await supervisor.start('db');
    await waitFor(kind('api'), (state) => state === 'running', { what: 'api running' });
  });

  it('frees a blocked service at once when it is stopped', async () => {
    const { supervisor } = harness.supervisor();
    await supervisor.apply([
      makeSpec('db', SLEEP, { autostart: false }),
      makeSpec('api', SLEEP, { dependencies: [{ name: 'db', condition: 'started' }] }),
    ]);
    expect(supervisor.get('api')!.state).toMatchObject({ kind: 'blocked', problem: 'api waits for db to be started, but db is disabled' });
    const stopped = await supervisor.stop('api');
    expect(stopped.state).toMatchObject({ kind: 'exited', code: null, signal: null });
    expect(stopped.transitions.at(-1)?.reason).toBe('stopped by operator');
  });

  it('blocks a service on missing devices and starts it when they are back', async () => {
    const { supervisor, kind } = harness.supervisor();
    supervisor.setMissingDevices('cam', ['/dev/gradi-cam']);
    await supervisor.apply([makeSpec('cam', SLEEP, { requiresDevices: [{ kind: 'path', path: '/dev/gradi-cam' }] })]);
    expect(supervisor.get('cam')!.state).toEqual({ kind: 'blocked', waitingOn: { services: [], devices: ['/dev/gradi-cam'] } });
    supervisor.setMissingDevices('cam', []);
    await waitFor(kind('cam'), (state) => state === 'running', { what: 'cam running' });

    supervisor.setMissingDevices('cam', ['/dev/gradi-cam']);
    await waitFor(kind('cam'), (state) => state === 'blocked', { what: 'cam stopped and blocked (immediate)' });
    supervisor.setMissingDevices('cam', []);
    const back = await waitFor(() => supervisor.get('cam')!, (s) => s.state.kind === 'running', { what: 'cam running again' });
    expect(back.transitions.map((t) => t.reason)).toContain('device /dev/gradi-cam missing (device_restart_policy = immediate)');
    expect(back.restarts).toBe(0);
  });

  it('does not count an exit while its device is gone as a restart, and starts it once the device is back', async () => {
    const { supervisor, kind } = harness.supervisor();
    await supervisor.apply([makeSpec('cam', SLEEP, { deviceRestartPolicy: 'on_reconnect', requiresDevices: [{ kind: 'path', path: '/dev/cam' }] })]);
    const running = await waitFor(() => supervisor.get('cam')!.state, (state) => state.kind === 'running', { what: 'cam running' });
    supervisor.setMissingDevices('cam', ['/dev/cam']);
    // The program notices the unplug and dies (here: killed from outside).
    process.kill((running as { pid: number }).pid, 'SIGKILL');
    const blocked = await waitFor(() => supervisor.get('cam')!, (s) => s.state.kind === 'blocked', { what: 'cam blocked on its device' });
    expect(blocked.restarts).toBe(0);
    supervisor.setMissingDevices('cam', []);
    await waitFor(kind('cam'), (state) => state === 'running', { what: 'cam running again' });
    expect(supervisor.get('cam')!.restarts).toBe(0);
  });

  it('keeps an on_reconnect service running while its device is gone and restarts it once it is back', async () => {
    const { supervisor } = harness.supervisor();
    await supervisor.apply([makeSpec('cam', SLEEP, { deviceRestartPolicy: 'on_reconnect', requiresDevices: [{ kind: 'path', path: '/dev/cam' }] })]);
    const first = supervisor.get('cam')!.state;
    supervisor.setMissingDevices('cam', ['/dev/cam']);
    expect(supervisor.get('cam')!.state).toEqual(first);
    supervisor.setMissingDevices('cam', []);
    const again = await waitFor(
      () => supervisor.get('cam')!.state,
      (state) => state.kind === 'running' && first.kind === 'running' && state.pid !== first.pid,
      { what: 'cam restarted with a new pid' },
    );
    expect(again.kind).toBe('running');
  });
});
