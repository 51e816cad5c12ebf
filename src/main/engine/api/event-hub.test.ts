import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract';
import { serviceSnapshot } from '../../../../test/fixtures/service-snapshots';
import type { ContractHandlers } from './contract-dispatcher';
import type { LogChunk } from '../../../shared/model';
import { LogStore } from '../logs/log-store';
import { EventHub } from './event-hub';

const service = serviceSnapshot('db', { kind: 'disabled' });

function hubWith(overrides: Partial<ContractHandlers>, logged: string[] = [], logs: LogStore | null = null) {
  let hub: EventHub;
  const handlers = {
    'system.subscribe': () => ({
      snapshot: { manifestPath: null, services: [], devices: [], monitors: [], problems: [], notices: [], logProcesses: [] },
      seq: hub.currentSeq,
    }),
    'logs.follow': ({ processes, from }, context) => ({ processes: context.follow(processes, from) }),
    ...overrides,
  } as ContractHandlers;
  hub = new EventHub(() => handlers, (line) => logged.push(line), logs);
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

  describe('with a log store', () => {
    async function until(condition: () => boolean): Promise<void> {
      for (let waited = 0; !condition(); waited += 5) {
        if (waited > 30_000) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }

    it('follows on the store per client: only what each follows, none for clients that follow nothing', async () => {
      const store = new LogStore({ batchMs: 1 });
      const hub = hubWith({}, [], store);
      const a: LogChunk[] = [];
      const other: string[] = [];
      const session = hub.open((name, _seq, payload) => name === 'log.chunk' && a.push(payload as LogChunk));
      hub.open((name) => other.push(name));
      expect(await session.call('logs.follow', { processes: ['api'] })).toEqual({ ok: true, value: { processes: ['api'] } });
      store.write('db', 'stdout', 'not followed\n');
      store.write('api', 'stdout', 'hi\n');
      await until(() => a.length > 0);
      expect(a).toEqual([{ process: 'api', offset: 3, data: 'hi\n', dropped: 0 }]);
      await session.call('logs.follow', { processes: [] });
      store.write('api', 'stdout', 'gone\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(a).toHaveLength(1);
      expect(other).toEqual([]);
      await store.close();
    });

    it('pauses a client whose sink says it is behind, and resumes it from its cursor with the evicted lines counted', async () => {
      const store = new LogStore({ batchMs: 1, ringBytes: 1024 });
      const hub = hubWith({}, [], store);
      const got: LogChunk[] = [];
      let behind = true;
      const session = hub.open((name, _seq, payload) => {
        if (name !== 'log.chunk') return;
        got.push(payload as LogChunk);
        return !behind;
      });
      await session.call('logs.follow', { processes: ['api', 'db'] });
      store.write('api', 'stdout', 'first\n');
      await until(() => got.length === 1);
      // Paused: for both processes, however much comes.
      for (let i = 0; i < 400; i++) store.write(i % 2 ? 'api' : 'db', 'stdout', `line ${String(i).padStart(3, '0')}\n`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(got).toHaveLength(1);
      behind = false;
      session.resumeLogs();
      await until(() => got.length === 3);
      const api = got.find((chunk, index) => index > 0 && chunk.process === 'api')!;
      // The 200 api lines written meanwhile (1.8 KB): the ring kept the newest 1 KiB, the rest is counted.
      expect(api.offset).toBe(store.stats('api')!.totalBytes);
      expect(api.dropped).toBeGreaterThan(0);
      expect(api.data.endsWith('line 399\n')).toBe(true);
      expect(api.dropped + api.data.split('\n').length - 1).toBe(200);
      await store.close();
    });

    it('starts a newly followed process at the offset the client gives', async () => {
      const store = new LogStore({ batchMs: 1 });
      const hub = hubWith({}, [], store);
      store.write('api', 'stdout', 'seen\nmissed\n');
      const got: LogChunk[] = [];
      const session = hub.open((name, _seq, payload) => name === 'log.chunk' && got.push(payload as LogChunk));
      await session.call('logs.follow', { processes: ['api'], from: { api: 5 } });
      await until(() => got.length === 1);
      expect(got[0]).toEqual({ process: 'api', offset: 12, data: 'missed\n', dropped: 0 });
      await store.close();
    });
  });
});
