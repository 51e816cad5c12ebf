// Roll-out runs (issue 19), outside the system store like executions: `runs.list` once the
// panel opens (and again after a reconnect), then `run.changed` events keep every run live,
// step by step.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RolloutRun } from '../../../../shared/rollout-run';
import type { Transport } from '../../transport/transport';

export interface RolloutRunState {
  byId: Record<string, RolloutRun>;
  loaded: boolean;
  load(): Promise<void>;
}

export type RolloutRunStore = StoreApi<RolloutRunState>;

const MAX_RUNS = 200;

export function createRolloutRunStore(transport: Transport): RolloutRunStore {
  const store = createStore<RolloutRunState>()((set) => ({
    byId: {},
    loaded: false,
    async load() {
      const reply = await transport.invoke('runs.list', {});
      if (!reply.ok) return;
      set({ byId: Object.fromEntries(reply.value.slice(0, MAX_RUNS).map((run) => [run.id, run])), loaded: true });
    },
  }));
  transport.on('run.changed', (run) => {
    const byId = { ...store.getState().byId, [run.id]: run };
    const ids = Object.keys(byId);
    if (ids.length > MAX_RUNS) for (const id of ids.sort().slice(0, ids.length - MAX_RUNS)) delete byId[id];
    store.setState({ byId });
  });
  return store;
}

/** Newest first. */
export function sortedRuns(byId: Record<string, RolloutRun>): RolloutRun[] {
  return Object.values(byId).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}
