// The one zustand store, fed by contract events (ARCHITECTURE.md §1). On every (re)connection it
// asks for a snapshot and applies only events newer than it (STYLE.md §6); events that arrive
// before the snapshot wait in a queue.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { eventNames, type EventName, type EventPayload, type MethodArgs, type MethodName, type MethodResult, type Reply } from '../../../shared/contract';
import type { ConnectionState, Transport } from '../transport/transport';
import { applyEvent, viewFromSnapshot } from './apply-event';
import { emptyView, type SystemView } from './system-view';
import type { Role } from '../../../shared/method-access';

export interface Toast {
  id: number;
  level: 'info' | 'error';
  message: string;
}

export interface SystemState extends SystemView {
  /** Which shell the page runs in: some actions (open a log file) exist only in the app. */
  transportKind: Transport['kind'];
  connection: ConnectionState;
  /** True once a snapshot has been applied on the current connection. */
  synced: boolean;
  /** When the page lost its daemon: clocks (uptimes, countdowns) stop here until it is back. */
  frozenAt: number | null;
  seq: number;
  /** What the server says this page may do (null until it has answered): a viewer reads only. */
  role: Role | null;
  toasts: Toast[];
  /** The service whose side panel is open. */
  selected: string | null;
  select(name: string | null): void;
  /** Calls a contract method; a failure becomes a toast and resolves to null. */
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M> | null>;
  /** The whole reply, for a form that shows a failure's details beside its fields. */
  request<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Reply<MethodResult<M>>>;
  dismissToast(id: number): void;
}

export type SystemStore = StoreApi<SystemState>;

export function createSystemStore(transport: Transport): SystemStore {
  let toastId = 0;
  let queue: { name: EventName; payload: unknown; seq: number }[] = [];

  const store = createStore<SystemState>()((set, get) => ({
    ...emptyView,
    transportKind: transport.kind,
    connection: 'connecting',
    synced: false,
    frozenAt: null,
    seq: 0,
    role: null,
    toasts: [],
    selected: null,
    select(name) {
      set({ selected: name });
    },
    async call(method, args) {
      const reply = await transport.invoke(method, args);
      if (reply.ok) return reply.value;
      toast(reply.error.message);
      return null;
    },
    request(method, args) {
      return transport.invoke(method, args);
    },
    dismissToast(id) {
      set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
    },
  }));

  function toast(message: string): void {
    const entry: Toast = { id: ++toastId, level: 'error', message };
    store.setState({ toasts: [...store.getState().toasts, entry].slice(-5) });
    setTimeout(() => store.getState().dismissToast(entry.id), 8000);
  }

  const apply = (name: EventName, payload: unknown, seq: number) => {
    const state = store.getState();
    if (seq <= state.seq) return;
    if (name === 'service.changed') {
      // A crash loop that gave up must not go unnoticed on a panel watched from across the room.
      const { service, transition } = payload as EventPayload<'service.changed'>;
      if (transition?.to === 'failed' && transition.from !== 'failed') toast(`${service.displayName} failed: ${transition.reason}`);
    }
    const change = applyEvent(state, name, payload as never);
    store.setState(change ? { ...change, seq } : { seq });
  };

  for (const name of eventNames) {
    transport.on(name, (payload, seq) => {
      if (!store.getState().synced) queue.push({ name, payload, seq });
      else apply(name, payload, seq);
    });
  }

  const resync = async () => {
    store.setState({ synced: false });
    const [reply, access] = await Promise.all([transport.invoke('system.subscribe', {}), transport.invoke('access.role', {})]);
    if (!reply.ok) return;
    // A daemon from before roles existed does not know the method: it had only the operator.
    const role = access.ok ? access.value.role : access.error.code === 'unknown-method' ? 'operator' : null;
    store.setState({ ...viewFromSnapshot(reply.value.snapshot), seq: reply.value.seq, role, synced: true, frozenAt: null });
    const waiting = queue;
    queue = [];
    for (const event of waiting) apply(event.name, event.payload, event.seq);
  };

  transport.onConnection((connection) => {
    store.setState({ connection });
    if (connection === 'open') void resync();
    else {
      queue = [];
      store.setState({ synced: false, frozenAt: store.getState().frozenAt ?? Date.now() });
    }
  });

  return store;
}
