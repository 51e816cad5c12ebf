// Issue 15, point 1: a probe answered by somebody else's process must not make a service
// healthy. These tests run the "somebody else" as a real, separate Node process.
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { fixture, freePort, makeSpec, nodeCommand, NODE, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import type { HealthSpec } from '../config/manifest-types';
import { describePortHolder, findPortHolder, localProbePort } from './port-holder';

const harness = supervisorHarness();
const timing = { intervalMs: 50, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 2, successThreshold: 1 };
const LINUX = process.platform === 'linux';

const http = (url: string): HealthSpec => ({ type: 'http', url, expectStatus: [200, 299], timing });

/** A plain HTTP server on `port` in its own process, killed after the test. */
async function stranger(port: number): Promise<ChildProcess> {
  const child = spawn(NODE, [fixture('listen-after.js'), String(port), '0', 'http'], { stdio: 'ignore' });
  harness.cleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await waitFor(() => findPortHolder(port)?.pid, (pid) => pid === child.pid, { what: `the stranger (pid ${child.pid}) listening on ${port}`, timeoutMs: 15_000 });
  return child;
}

describe('localProbePort', () => {
  it('takes the port of probes to this machine only', () => {
    expect(localProbePort(http('http://127.0.0.1:8000/health'))).toBe(8000);
    expect(localProbePort(http('http://localhost/'))).toBe(80);
    expect(localProbePort(http('https://[::1]/'))).toBe(443);
    expect(localProbePort(http('http://0.0.0.0:9/'))).toBe(9);
    expect(localProbePort(http('http://example.org:8000/'))).toBeNull();
    expect(localProbePort({ type: 'tcp', host: '127.0.0.1', port: 5432, timing })).toBe(5432);
    expect(localProbePort({ type: 'tcp', host: 'db.local', port: 5432, timing })).toBeNull();
    expect(localProbePort({ type: 'exec', command: 'true', timing })).toBeNull();
    expect(localProbePort(undefined)).toBeNull();
  });
});

describe.skipIf(!LINUX)('port holder (Linux /proc)', { timeout: 60_000 }, () => {
  it('names the pid and command of the process listening on a port, and nobody on a free one', async () => {
    const port = await freePort();
    expect(findPortHolder(port)).toBeNull();
    const child = await stranger(port);
    const holder = findPortHolder(port)!;
    expect(holder).toEqual({ port, pid: child.pid, command: 'node' });
    expect(describePortHolder(holder)).toBe(`port ${port} in use by pid ${child.pid} node`);
    expect(describePortHolder({ port, pid: null, command: null })).toBe(`port ${port} in use by another user's process`);
  });

  it('does not start a service while a stranger holds its probe port, and starts it once the port is free', async () => {
    const port = await freePort();
    const child = await stranger(port);
    const { supervisor, logs } = harness.supervisor();
    const spec = makeSpec('web', nodeCommand('http-gate-server.js', port), { health: http(`http://127.0.0.1:${port}/`), restartDelayMs: 100, maxRestartDelayMs: 400 });
    await supervisor.apply([spec]);

    const backoff = await waitFor(() => supervisor.get('web')!, (web) => web.state.kind === 'backoff', { what: 'web in backoff' });
    expect(backoff.state).toMatchObject({ kind: 'backoff', lastExit: `port ${port} in use by pid ${child.pid} node` });
    expect(backoff.transitions.at(-1)?.reason).toMatch(new RegExp(`^port ${port} in use by pid ${child.pid} node; retry in \\d+ ms$`));
    expect(backoff.health).toBe('unknown');
    // Nothing was launched: no log file, no process for a start that cannot work.
    expect(logs.launches.get('web')).toBeUndefined();

    child.kill('SIGTERM');
    const running = await waitFor(() => supervisor.get('web')!, (web) => web.state.kind === 'running', { what: 'web running after the stranger left', timeoutMs: 15_000 });
    // Our own gate server answers 503 until opened: open it, and the probe is ours.
    await waitFor(() => fetch(`http://127.0.0.1:${port}/open`, { method: 'POST' }).then((response) => response.status), (status) => status === 200, { what: 'our gate server opened', timeoutMs: 15_000 });
    const healthy = await waitFor(() => supervisor.get('web')!, (web) => web.health === 'healthy', { what: 'web healthy', timeoutMs: 15_000 });
    expect(healthy.state).toMatchObject({ kind: 'running', pid: (running.state as { pid: number }).pid });
    expect(healthy.lastProbe).toMatchObject({ ok: true, message: 'HTTP 200' });
  });

  it('keeps a running service from turning healthy when a stranger answers its probe', async () => {
    const port = await freePort();
    const { supervisor } = harness.supervisor();
    // The service itself never listens; the port is free when it starts.
    await supervisor.apply([makeSpec('idle', 'exec sleep 30', { health: http(`http://127.0.0.1:${port}/`) })]);
    expect(supervisor.get('idle')!.state.kind).toBe('running');
    const child = await stranger(port);
    const probed = await waitFor(
      () => supervisor.get('idle')!,
      (idle) => !!idle.lastProbe?.message.includes('outside this service'),
      { what: 'a probe answered by the stranger', timeoutMs: 15_000 },
    );
    expect(probed.lastProbe).toMatchObject({ ok: false, message: `HTTP 200, but answered by a process outside this service: port ${port} in use by pid ${child.pid} node` });
    expect(probed.health).not.toBe('healthy');
    const unhealthy = await waitFor(() => supervisor.get('idle')!, (idle) => idle.health === 'unhealthy', { what: 'idle unhealthy', timeoutMs: 15_000 });
    expect(unhealthy.state.kind).toBe('running');
  });
});
