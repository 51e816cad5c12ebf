// The renderer's Transport over an engine EventHub in the same process (VS Code's
// createProtocolPair): the whole contract end to end without sockets. Payloads are cloned
// through JSON as they would be on a wire.
import type { EventHub } from '../../src/main/engine/api/event-hub';
import type { EventName } from '../../src/shared/contract';
import type { ConnectionState, Transport } from '../../src/renderer/src/transport/transport';

export function createHubTransport(hub: EventHub): Transport & { close(): void } {
  const listeners = new Map<string, Set<(payload: unknown, seq: number) => void>>();
  const session = hub.open((name, seq, payload) => {
    const copy = JSON.parse(JSON.stringify(payload));
    queueMicrotask(() => {
      for (const listener of listeners.get(name) ?? []) listener(copy, seq);
    });
  });
  return {
    kind: 'websocket',
    invoke: async (method, args) => JSON.parse(JSON.stringify(await session.call(method, JSON.parse(JSON.stringify(args))))),
    on(event: EventName, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown, seq: number) => void);
      return () => set.delete(listener as (payload: unknown, seq: number) => void);
    },
    onConnection(listener: (state: ConnectionState) => void) {
      queueMicrotask(() => listener('open'));
      return () => {};
    },
    close: () => session.close(),
  };
}
