// Inside the desktop app: the preload's `window.showrunner`. IPC cannot drop, so the
// connection is simply open.
import type { ShowrunnerBridge } from '../../../shared/contract';
import type { Transport } from './transport';

export function createIpcTransport(bridge: ShowrunnerBridge): Transport {
  return {
    kind: 'ipc',
    invoke: (method, args) => bridge.invoke(method, args),
    on: (event, listener) => bridge.on(event, listener),
    onConnection(listener) {
      listener('open');
      return () => {};
    },
  };
}
