// Log traffic must never re-render the graph (issue 10). zustand re-renders a component exactly
// when its selector's result changes (Object.is), so the test drives the real store with
// contract events through the real event hub and counts changes of the graph's selectors.
import { describe, expect, it } from 'vitest';
import { EventHub } from '../src/main/engine/api/event-hub';
import type { ContractHandlers } from '../src/main/engine/api/contract-dispatcher';
import { createHubTransport } from './helpers/hub-transport';
import { serviceSnapshot } from './fixtures/service-snapshots';
import { waitFor } from './helpers/wait-for';
import { createSystemStore } from '../src/renderer/src/store/system-store';
import { selectService, selectTopologyKey } from '../src/renderer/src/features/graph/graph-selectors';

describe('graph selectors', () => {
  it('change for topology and for their own service only, never for log traffic', async () => {
    const db = serviceSnapshot('db', { kind: 'running', pid: 1, since: 0 });
    const api = { ...serviceSnapshot('api', { kind: 'running', pid: 2, since: 0 }), dependencies: [{ name: 'db', condition: 'started' as const }] };
    let hub: EventHub;
    const handlers = {
      'system.subscribe': () => ({
        snapshot: { manifestPath: null, services: [db, api], devices: [], monitors: [], problems: [], notices: [], logProcesses: ['db', 'api'] },
        seq: hub.currentSeq,
      }),
      'logs.follow': ({ processes }, context) => ({ processes: context.follow(processes) }),
    } as Partial<ContractHandlers> as ContractHandlers;
    hub = new EventHub(() => handlers);
    const transport = createHubTransport(hub);
    const store = createSystemStore(transport);
    await waitFor(() => store.getState().synced, Boolean, { what: 'store synced' });
    await transport.invoke('logs.follow', { processes: ['db', 'api'] });

    const changes = { topology: 0, db: 0, api: 0 };
    let last = { topology: selectTopologyKey(store.getState()), db: selectService('db')(store.getState()), api: selectService('api')(store.getState()) };
    store.subscribe((state) => {
      const next = { topology: selectTopologyKey(state), db: selectService('db')(state), api: selectService('api')(state) };
      for (const key of ['topology', 'db', 'api'] as const) if (!Object.is(next[key], last[key])) changes[key]++;
      last = next;
    });

    for (let i = 0; i < 200; i++) hub.publish('log.chunk', { process: i % 2 ? 'db' : 'api', offset: (i + 1) * 10, data: `line ${i}\n`, dropped: 0 });
    hub.publish('service.changed', { service: { ...db, restarts: 1 }, transition: null });
    hub.publish('service.changed', { service: { ...db, state: { kind: 'backoff', nextTryAt: 5, attempt: 1, lastExit: 'exited with code 1' } }, transition: null });
    await waitFor(() => store.getState().services.db.state.kind, (kind) => kind === 'backoff', { what: 'db backing off' });
    expect(changes).toEqual({ topology: 0, db: 2, api: 0 });

    hub.publish('service.changed', { service: { ...serviceSnapshot('cache', { kind: 'disabled' }) }, transition: null });
    await waitFor(() => changes.topology, (count) => count === 1, { what: 'a new service changes the topology' });
    transport.close();
  });
});
