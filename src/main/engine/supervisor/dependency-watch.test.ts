// Issue 15, points 1 and 2: after `kill kiosk` a service that needed kiosk healthy stayed green,
// and kiosk kept its green "ok: HTTP 200". Real processes throughout.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { freePort, makeSpec, nodeCommand, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import type { ServiceSnapshot } from '../../../shared/model';
import type { ServiceSpec } from '../config/manifest-types';
import { dependencyDown } from './dependency-watch';

const harness = supervisorHarness();
const timing = { intervalMs: 50, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 2, successThreshold: 1 };
const SLEEP = 'exec sleep 30';

/** kiosk: an HTTP server that is healthy once opened; show needs kiosk healthy. */
async function kioskAndShow(policy: ServiceSpec['onDependencyDown']) {
  const port = await freePort();
  const sut = harness.supervisor();
  const url = `http://127.0.0.1:${port}/`;
  const specs = [
    makeSpec('kiosk', nodeCommand('http-gate-server.js', port), { health: { type: 'http', url, expectStatus: [200, 299], timing } }),
    makeSpec('show', SLEEP, { dependencies: [{ name: 'kiosk', condition: 'healthy' }], onDependencyDown: policy }),
  ];
  await sut.supervisor.apply(specs);
  const open = (): Promise<unknown> =>
    waitFor(() => fetch(`${url}open`, { method: 'POST' }).then((r) => r.status), (status) => status === 200, { what: 'kiosk opened', timeoutMs: 15_000 });
  await open();
  const show = await waitFor(() => sut.supervisor.get('show')!, (s) => s.state.kind === 'running', { what: 'show running', timeoutMs: 15_000 });
  return { ...sut, open, specs, showPid: pid(show) };
}

function pid(service: ServiceSnapshot): number {
  return (service.state as { pid: number }).pid;
}

describe('dependencyDown', () => {
  it('says in words why a dependency no longer meets its condition', () => {
    const dep = { name: 'api', condition: 'healthy' as const };
    const at = 1;
    expect(dependencyDown(dep, { state: { kind: 'running', pid: 1, since: at }, health: 'healthy', active: true })).toBeNull();
    expect(dependencyDown(dep, { state: { kind: 'running', pid: 1, since: at }, health: 'unhealthy', active: true })).toBe('api is unhealthy');
    expect(dependencyDown(dep, { state: { kind: 'exited', code: null, signal: 'SIGKILL', at, requested: true }, health: 'unknown', active: false })).toBe('api is stopped');
    expect(dependencyDown(dep, { state: { kind: 'exited', code: 3, signal: null, at }, health: 'unknown', active: false })).toBe('api exited with code 3');
    expect(dependencyDown(dep, { state: { kind: 'backoff', nextTryAt: at, attempt: 1, lastExit: 'exited with code 1' }, health: 'unknown', active: true })).toBe(
      'api is restarting (exited with code 1)',
    );
    expect(dependencyDown({ name: 'db', condition: 'started' }, undefined)).toBe('db is not defined');
  });
});

describe('a killed dependency', { timeout: 60_000 }, () => {
  it('turns health unknown with the last probe kept as stale, and marks its dependent degraded (keep)', async () => {
    const { supervisor, showPid, open } = await kioskAndShow('keep');
    expect(supervisor.get('show')).toMatchObject({ degraded: null, degradedBy: [] });

    const killed = await supervisor.kill('kiosk');
    expect(killed.health).toBe('unknown');
    expect(killed.lastProbe).toMatchObject({ ok: true, message: 'HTTP 200', stale: true });
    const show = await waitFor(() => supervisor.get('show')!, (s) => s.degraded !== null, { what: 'show degraded' });
    expect(show).toMatchObject({ degraded: 'kiosk is stopped', degradedBy: ['kiosk'], state: { kind: 'running', pid: showPid } });

    await supervisor.start('kiosk');
    await open();
    const back = await waitFor(() => supervisor.get('show')!, (s) => s.degraded === null, { what: 'show no longer degraded', timeoutMs: 15_000 });
    expect(back.state).toMatchObject({ kind: 'running', pid: showPid });
    expect(supervisor.get('kiosk')!.lastProbe?.stale).toBeUndefined();
  });

  it('clears degraded in place when a manifest change drops the dependency', async () => {
    const { supervisor, showPid, specs } = await kioskAndShow('keep');
    await supervisor.kill('kiosk');
    await waitFor(() => supervisor.get('show')!, (s) => s.degraded === 'kiosk is stopped', { what: 'show degraded' });
    await supervisor.apply([specs[0], { ...specs[1], dependencies: [] }]);
    expect(supervisor.get('show')).toMatchObject({ degraded: null, degradedBy: [], state: { kind: 'running', pid: showPid } });
  });

  it('stops the dependent and keeps it blocked until the dependency is back (stop)', async () => {
    const { supervisor, showPid, open, transitions } = await kioskAndShow('stop');
    await supervisor.kill('kiosk');
    const blocked = await waitFor(() => supervisor.get('show')!, (s) => s.state.kind === 'blocked', { what: 'show blocked', timeoutMs: 15_000 });
    expect(blocked.degraded).toBeNull();
    await waitFor(() => supervisor.get('show')!.state, (s) => s.kind === 'blocked' && s.problem === 'show waits for kiosk to be healthy, but kiosk is stopped', {
      what: 'show blocked on the stopped kiosk',
    });
    // The dependent reacts as soon as kiosk stops meeting its condition: already while it stops.
    expect(transitions()).toContainEqual(expect.stringMatching(/^show stopping: dependency down: kiosk is (stopping|stopped) \(on_dependency_down = stop\)$/));

    await supervisor.start('kiosk');
    await open();
    const again = await waitFor(() => supervisor.get('show')!, (s) => s.state.kind === 'running', { what: 'show running again', timeoutMs: 15_000 });
    expect(pid(again)).not.toBe(showPid);
  });

  it('keeps the dependent running while the dependency is down and restarts it once it is back (restart)', async () => {
    const { supervisor, showPid, open, transitions } = await kioskAndShow('restart');
    await supervisor.kill('kiosk');
    await waitFor(() => supervisor.get('show')!, (s) => s.degraded === 'kiosk is stopped', { what: 'show degraded' });
    expect(supervisor.get('show')!.state).toMatchObject({ kind: 'running', pid: showPid });

    await supervisor.start('kiosk');
    await open();
    const restarted = await waitFor(
      () => supervisor.get('show')!,
      (s) => s.state.kind === 'running' && pid(s) !== showPid,
      { what: 'show restarted', timeoutMs: 15_000 },
    );
    expect(restarted.degraded).toBeNull();
    expect(transitions()).toContain('show stopping: dependencies are back (on_dependency_down = restart)');
  });
});
