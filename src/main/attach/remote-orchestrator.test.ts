import { afterEach, describe, expect, it } from 'vitest';
import { ContractError, methodNames, type EventName } from '../../shared/contract';
import type { AlertsStatus, ServiceSnapshot, SystemSnapshot } from '../../shared/model';
import { running, serviceSnapshot } from '../../../test/fixtures/service-snapshots';
import { waitFor } from '../../../test/helpers/wait-for';
import type { ContractHandlers } from '../engine/api/contract-dispatcher';
import { EventHub } from '../engine/api/event-hub';
import { startDaemonServer, type DaemonServer } from '../daemon/daemon-server';
import { attachToDaemon, connectRemoteOrchestrator, type RemoteOrchestrator } from './remote-orchestrator';

const TOKEN = 'test-token';

/** A daemon with a small in-memory engine: services by name, restart publishes a change. */
async function startFakeDaemon(names: string[], port = 0, alerts: AlertsStatus | null = null) {
  const services = new Map<string, ServiceSnapshot>(names.map((name) => [name, serviceSnapshot(name, running(1))]));
  const followed: string[][] = [];
  const snapshot = (): SystemSnapshot => ({ manifestPath: '/srv/services.toml', services: [...services.values()], devices: [], monitors: [], problems: [], notices: [], logProcesses: [], alerts });
  const handlers = Object.fromEntries(
    methodNames.map((method) => [
      method,
      () => {
        throw new ContractError('unavailable', `${method} is not in this test daemon`);
      },
    ]),
  ) as unknown as ContractHandlers;
  handlers['system.subscribe'] = () => ({ snapshot: snapshot(), seq: hub.currentSeq });
  handlers['services.list'] = () => [...services.values()];
  handlers['services.restart'] = ({ name }) => {
    const service = services.get(name);
    if (!service) throw new ContractError('not-found', `no service named ${name}`, { service: name });
    const next = { ...service, restarts: service.restarts + 1 };
    services.set(name, next);
    hub.publish('service.changed', { service: next, transition: { at: 0, from: 'running', to: 'running', reason: 'restart' } });
    return next;
  };
  handlers['logs.follow'] = ({ processes }, context) => {
    followed.push(processes);
    return { processes: context.follow(processes) };
  };
  const hub: EventHub = new EventHub(() => handlers);
  const server = await startDaemonServer({ hub, call: () => Promise.reject(new Error('unused')), urls: () => ({}), metrics: () => '', token: TOKEN, port, rendererDir: null });
  return { hub, server, services, followed };
}

describe('RemoteOrchestrator against a real daemon server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function attach(server: DaemonServer, token = TOKEN): Promise<RemoteOrchestrator> {
    const remote = connectRemoteOrchestrator({ url: server.url, token, manifestPath: '/srv/services.toml', minBackoffMs: 20, maxBackoffMs: 100 });
    cleanups.push(() => remote.close());
    return remote;
  }

  async function daemon(names: string[], port = 0, alerts: AlertsStatus | null = null) {
    const started = await startFakeDaemon(names, port, alerts);
    cleanups.push(() => started.server.close());
    return started;
  }

  it('relays calls with their replies and error codes', async () => {
    const { server } = await daemon(['api', 'display']);
    const remote = await attach(server);
    await remote.ready();
    const list = await remote.call('services.list', {});
    expect(list.ok && list.value.map((service) => service.name)).toEqual(['api', 'display']);
    expect(await remote.call('services.restart', { name: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found', details: { service: 'nope' } } });
    // Arguments are checked here, before they travel.
    expect(await remote.call('services.restart', { name: '' })).toMatchObject({ ok: false, error: { code: 'invalid-args' } });
  });

  it('republishes daemon events to local sessions, numbered so a snapshot and later events line up', async () => {
    const { server } = await daemon(['api']);
    const remote = await attach(server);
    await remote.ready();
    const seen: { name: EventName; seq: number; payload: unknown }[] = [];
    const session = remote.hub.open((name, seq, payload) => seen.push({ name, seq, payload }));
    cleanups.push(async () => session.close());
    const subscribed = (await session.call('system.subscribe', {})) as { ok: true; value: { snapshot: SystemSnapshot; seq: number } };
    expect(subscribed.value.snapshot.services.map((service) => service.name)).toEqual(['api']);
    await remote.call('services.restart', { name: 'api' });
    const event = await waitFor(() => seen.find((each) => each.name === 'service.changed'), Boolean, { what: 'the restart event' });
    expect(event!.seq).toBeGreaterThan(subscribed.value.seq);
    expect((event!.payload as { service: ServiceSnapshot }).service.restarts).toBe(1);
  });

  it('asks the daemon for the log chunks any local session follows, and delivers them only to that session', async () => {
    const { server, hub, followed } = await daemon(['api']);
    const remote = await attach(server);
    await remote.ready();
    const chunksA: unknown[] = [];
    const chunksB: unknown[] = [];
    const a = remote.hub.open((name, _seq, payload) => name === 'log.chunk' && chunksA.push(payload));
    const b = remote.hub.open((name, _seq, payload) => name === 'log.chunk' && chunksB.push(payload));
    cleanups.push(async () => (a.close(), b.close()));
    expect(await a.call('logs.follow', { processes: ['api'] })).toEqual({ ok: true, value: { processes: ['api'] } });
    expect(followed.at(-1)).toEqual(['api']);
    hub.publish('log.chunk', { process: 'api', offset: 5, data: 'hello', dropped: 0 });
    await waitFor(() => chunksA.length, (count) => count === 1, { what: 'one chunk for the follower' });
    expect(chunksB).toEqual([]);
  });

  it('reports unavailable while the daemon is gone, then reconnects and catches local clients up', async () => {
    const first = await daemon(['api', 'old']);
    const port = first.server.port;
    const remote = await attach(first.server);
    await remote.ready();
    const changes: boolean[] = [];
    remote.onConnectionChange((connected) => changes.push(connected));
    const seen: { name: EventName; payload: unknown }[] = [];
    const session = remote.hub.open((name, _seq, payload) => seen.push({ name, payload }));
    cleanups.push(async () => session.close());

    await first.server.close();
    await waitFor(() => remote.connected, (connected) => !connected, { what: 'the connection to drop' });
    expect(await remote.call('services.list', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(seen.find((each) => each.name === 'notice')?.payload).toMatchObject({ level: 'warning', id: 'daemon-connection' });

    // The daemon that comes back has alerts failing: the window must hear it, not keep the old picture.
    const failing: AlertsStatus = { webhook: true, queued: 2, dropped: 0, suppressed: 0, delivered: 0, lastDeliveryAt: null, lastError: 'HTTP 500', lastErrorAt: 1, nextAttemptAt: 2, heartbeat: null };
    await daemon(['api', 'new'], port, failing);
    await waitFor(() => remote.connected, Boolean, { what: 'a reconnection' });
    await waitFor(() => seen.some((each) => each.name === 'manifest.changed'), Boolean, { what: 'the catch-up events' });
    expect(seen.filter((each) => each.name === 'service.removed').map((each) => each.payload)).toEqual([{ name: 'old' }]);
    expect(seen.filter((each) => each.name === 'alerts.changed').map((each) => each.payload)).toEqual([{ alerts: failing }]);
    expect(seen.filter((each) => each.name === 'service.changed').map((each) => (each.payload as { service: ServiceSnapshot }).service.name)).toEqual(['api', 'new']);
    const list = await remote.call('services.list', {});
    expect(list.ok && list.value.map((service) => service.name)).toEqual(['api', 'new']);
    expect(changes).toEqual([false, true]);
  });

  it('never connects with a wrong token, and ready() says so', async () => {
    const { server } = await daemon(['api']);
    const remote = await attach(server, 'wrong');
    await expect(remote.ready(400)).rejects.toThrow(/could not connect/);
    expect(remote.connected).toBe(false);
    await expect(attachToDaemon({ url: server.url, token: 'wrong', manifestPath: '/srv/services.toml', minBackoffMs: 20 }, 300)).rejects.toThrow(/could not connect/);
    const attached = await attachToDaemon({ url: server.url, token: TOKEN, manifestPath: '/srv/services.toml' });
    expect(attached.connected).toBe(true);
    await attached.close();
  });

  it('detaches on close: later calls are unavailable and the daemon keeps serving others', async () => {
    const { server } = await daemon(['api']);
    const remote = await attach(server);
    const other = await attach(server);
    await Promise.all([remote.ready(), other.ready()]);
    await remote.close();
    expect(await remote.call('services.list', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect((await other.call('services.list', {})).ok).toBe(true);
  });
});
