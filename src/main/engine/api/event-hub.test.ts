import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract';
import { serviceSnapshot } from '../../../../test/fixtures/service-snapshots';
import type { ContractHandlers } from './contract-dispatcher';
import { EventHub } from './event-hub';

const service = serviceSnapshot('db', { kind: 'disabled' });

function hubWith(overrides: Partial<ContractHandlers>, logged: string[] = []) {
  let hub: EventHub;
  const handlers = {
    'system.subscribe': () => ({
      snapshot: { manifestPath: null, services: [], devices: [], monitors: [], problems: [], notices: [], logProcesses: [] },
      seq: hub.currentSeq,
    }),
    'logs.follow': ({ processes }, context) => ({ processes: context.follow(processes) }),
    ...overrides,
  } as ContractHandlers;
  hub = new EventHub(() => handlers, (line) => logged.push(line));
  return hub;
}

describe('EventHub', () => {
  it('numbers events and answers a subscribe with the sequence it was taken at', async () => {
    const hub = hubWith({});
    const seen: number[] = [];
    const session = hub.open((_name, seq) => seen.push(seq));
    hub.publish('service.removed', { name: 'a' });
    const reply = await session.call('system.subscribe', {});
    hub.publish('service.removed', { name: 'b' });
    expect(reply).toMatchObject({ ok: true, value: { seq: 1 } });
    expect(seen).toEqual([1, 2]);
  });

  it('sends log chunks only to clients that follow the process', async () => {
    const hub = hubWith({});
    const a: string[] = [];
    const b: string[] = [];
    const sessionA = hub.open((name, _seq, payload) => name === 'log.chunk' && a.push((payload as { data: string }).data));
    hub.open((name, _seq, payload) => name === 'log.chunk' && b.push((payload as { data: string }).data));
    await sessionA.call('logs.follow', { processes: ['api'] });
    hub.publish('log.chunk', { process: 'api', offset: 3, data: 'hi\n', dropped: 0 });
    hub.publish('log.chunk', { process: 'db', offset: 3, data: 'no\n', dropped: 0 });
    expect(a).toEqual(['hi\n']);
    expect(b).toEqual([]);
    expect(hub.followedProcesses()).toEqual(new Set(['api']));
  });

  it('turns unknown methods, bad arguments and thrown errors into envelopes', async () => {
    const logged: string[] = [];
    const hub = hubWith(
      {
        'services.start': ({ name }) => {
          if (name === 'boom') throw new Error('kaput');
          throw new ContractError('not-found', `no service ${name}`, { name });
        },
        'services.list': () => [service],
      },
      logged,
    );
    const session = hub.open(() => {});
    expect(await session.call('no.such', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await session.call('services.start', { name: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-args', details: { method: 'services.start' } } });
    expect(await session.call('services.start', null)).toMatchObject({ ok: false, error: { code: 'invalid-args' } });
    expect(await session.call('services.start', { name: 'x' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no service x', details: { name: 'x' } } });
    expect(await session.call('services.start', { name: 'boom' })).toMatchObject({ ok: false, error: { code: 'internal', message: 'kaput' } });
    expect(logged.some((line) => line.includes('kaput'))).toBe(true);
    expect(await session.call('services.list', {})).toEqual({ ok: true, value: [service] });
  });

  it('keeps delivering to other clients when one sink throws', () => {
    const hub = hubWith({});
    const received: string[] = [];
    hub.open(() => {
      throw new Error('socket gone');
    });
    hub.open((name) => received.push(name));
    hub.publish('service.removed', { name: 'a' });
    expect(received).toEqual(['service.removed']);
  });

  it('forgets a closed session', () => {
    const hub = hubWith({});
    const received: string[] = [];
    const session = hub.open((name) => received.push(name));
    session.close();
    hub.publish('service.removed', { name: 'a' });
    expect(received).toEqual([]);
    expect(hub.clientCount).toBe(0);
  });
});
