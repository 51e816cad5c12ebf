// Executions per document, outside the system store: a busy notebook's traffic re-renders only
// the queue that shows it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExecutionSnapshot } from '../../../../shared/model';
import type { Transport } from '../../transport/transport';

export interface ExecutionState {
  byDoc: Record<string, Record<string, ExecutionSnapshot>>;
  load(doc: string): Promise<void>;
}

export type ExecutionStore = StoreApi<ExecutionState>;

const MAX_PER_DOC = 500;

export function createExecutionStore(transport: Transport): ExecutionStore {
  const store = createStore<ExecutionState>()((set, get) => ({
    byDoc: {},
    async load(doc) {
      const reply = await transport.invoke('executions.list', { doc });
      if (!reply.ok) return;
      set({ byDoc: { ...get().byDoc, [doc]: Object.fromEntries(reply.value.map((execution) => [execution.id, execution])) } });
    },
  }));
  transport.on('execution.changed', (execution) => {
    const byDoc = store.getState().byDoc;
    const entries = { ...(byDoc[execution.doc] ?? {}), [execution.id]: execution };
    const ids = Object.keys(entries);
    if (ids.length > MAX_PER_DOC) {
      // Keep the newest; finished runs age out first.
      const oldest = ids.sort((a, b) => (entries[a].requestedAt ?? 0) - (entries[b].requestedAt ?? 0)).slice(0, ids.length - MAX_PER_DOC);
      for (const id of oldest) delete entries[id];
    }
    store.setState({ byDoc: { ...byDoc, [execution.doc]: entries } });
  });
  return store;
}
