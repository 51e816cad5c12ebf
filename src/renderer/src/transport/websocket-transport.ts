// In a browser against the daemon: the contract over one WebSocket to the server that served
// the page. Browsers cannot set headers on a WebSocket, so the token travels as a subprotocol
// (shared/wire.ts). Reconnects with capped exponential backoff; calls made while disconnected
// fail fast with an `unavailable` envelope instead of hanging.
import type { EventName, Reply } from '../../../shared/contract';
import { CONTRACT_WS_PATH, CONTRACT_WS_PROTOCOL, tokenSubprotocol, type ServerMessage } from '../../../shared/wire';
import type { ConnectionState, Transport } from './transport';

export interface WebSocketTransportOptions {
  /** The daemon's token (transport/page-token.ts). */
  token: string;
  url?: string;
  maxBackoffMs?: number;
  callTimeoutMs?: number;
}

export function createWebSocketTransport({
  token,
  url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${CONTRACT_WS_PATH}`,
  maxBackoffMs = 5000,
  callTimeoutMs = 30_000,
}: WebSocketTransportOptions): Transport {
  const listeners = new Map<string, Set<(payload: unknown, seq: number) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, { resolve: (reply: Reply<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let nextId = 1;
  let backoffMs = 250;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) listener(state);
  };

  const failPending = (message: string) => {
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      call.resolve({ ok: false, error: { code: 'unavailable', message } });
      pending.delete(id);
    }
  };

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(url, [CONTRACT_WS_PROTOCOL, tokenSubprotocol(token)]);
    socket = ws;
    ws.onopen = () => {
      backoffMs = 250;
      setState('open');
    };
    ws.onmessage = (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'reply') {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        clearTimeout(call.timer);
        call.resolve(message.reply as Reply<unknown>);
      } else {
        for (const listener of listeners.get(message.name) ?? []) listener(message.payload, message.seq);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failPending('the connection to the daemon closed');
      setState('closed');
      setTimeout(connect, backoffMs);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    };
  };
  connect();

  return {
    kind: 'websocket',
    invoke(method, args) {
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'not connected to the daemon' } });
      }
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'unavailable', message: `${method} timed out` } });
        }, callTimeoutMs);
        pending.set(id, { resolve: resolve as (reply: Reply<unknown>) => void, timer });
        ws.send(JSON.stringify({ type: 'call', id, method, args }));
      });
    },
    on(event: EventName, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown, seq: number) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
