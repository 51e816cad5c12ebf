// In a browser against the daemon: the contract over one WebSocket to the server that served
// the page. Browsers cannot set headers on a WebSocket, so the token travels as a subprotocol
// (shared/wire.ts). Reconnects with capped exponential backoff; calls made while disconnected
// fail fast with an `unavailable` envelope instead of hanging.
import type { EventName, MethodArgs, MethodName, MethodResult, Reply } from '../../../shared/contract';
import { ContractCalls } from '../../../shared/contract-calls';
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
  const calls = new ContractCalls(callTimeoutMs);
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let backoffMs = 250;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) listener(state);
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
        calls.settle(message.id, message.reply as Reply<unknown>);
      } else {
        for (const listener of listeners.get(message.name) ?? []) listener(message.payload, message.seq);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      calls.failAll('the connection to the daemon closed');
      setState('closed');
      setTimeout(connect, backoffMs);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    };
  };
  connect();

  return {
    kind: 'websocket',
    invoke<M extends MethodName>(method: M, args: MethodArgs<M>) {
      const send = (text: string): boolean => {
        if (!socket || socket.readyState !== WebSocket.OPEN) return false;
        socket.send(text);
        return true;
      };
      return calls.call(method, args, send, { notConnected: 'not connected to the daemon', timedOut: `${method} timed out` }) as Promise<Reply<MethodResult<M>>>;
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
