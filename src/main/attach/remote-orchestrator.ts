// The desktop app attached to a daemon that already supervises the manifest (issue 11): the
// same `hub` / `call` surface as a local Orchestrator, relayed over the daemon's WebSocket
// (`/ws` with `Authorization: Bearer`, messages in shared/wire.ts). Local clients (the
// window's IPC session, the tray) open sessions on a local EventHub as they would on the
// engine's; its handlers forward each call, and remote events are republished on it with
// local sequence numbers.
//
// Sequence numbers: a local `system.subscribe` must answer with the local seq that matches the
// remote snapshot, so we keep recent (remote seq, local seq) pairs. On every (re)connect we ask
// for a snapshot and publish it as change events (services, devices, monitors, alerts, manifest), with
// removals for what vanished, so an open window catches up without knowing there was a gap;
// events that arrive while that snapshot is on its way are held and replayed after it.
import WebSocket from 'ws';
import { ContractError, errorReply, isEventName, methodNames, type EventName, type EventPayload, type MethodArgs, type MethodName, type MethodResult, type Reply } from '../../shared/contract';
import type { SystemSnapshot } from '../../shared/model';
import { ContractCalls } from '../../shared/contract-calls';
import { CONTRACT_WS_PATH, ServerMessage } from '../../shared/wire';
import type { ContractHandlers } from '../engine/api/contract-dispatcher';
import { EventHub, type ClientSession } from '../engine/api/event-hub';

export interface RemoteOrchestratorOptions {
  /** The daemon's base URL, `http://127.0.0.1:7420`. */
  url: string;
  token: string;
  manifestPath: string;
  /** For an https daemon: the certificates to trust (attach/tls-trust.ts). */
  ca?: string[];
  minBackoffMs?: number;
  maxBackoffMs?: number;
  callTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RemoteOrchestrator {
  readonly hub: EventHub;
  readonly manifestPath: string;
  readonly url: string;
  readonly connected: boolean;
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Reply<MethodResult<M>>>;
  /** Resolves on the first successful connection; rejects after `timeoutMs` without one. */
  ready(timeoutMs?: number): Promise<void>;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  /** Detaches: the daemon and its services keep running. */
  close(): Promise<void>;
}

type RawEvent = { name: string; seq: number; payload: unknown };

export function connectRemoteOrchestrator(options: RemoteOrchestratorOptions): RemoteOrchestrator {
  const { url, token, manifestPath, minBackoffMs = 250, maxBackoffMs = 5000, callTimeoutMs = 30_000, log = () => {} } = options;
  const socketUrl = `${url.replace(/^http/, 'ws').replace(/\/+$/, '')}${CONTRACT_WS_PATH}`;
  const hub: EventHub = new EventHub(() => handlers, log);
  const calls = new ContractCalls(callTimeoutMs);
  const listeners = new Set<(connected: boolean) => void>();
  let socket: WebSocket | null = null;
  let connected = false;
  let everConnected = false;
  let closed = false;
  let backoffMs = minBackoffMs;
  let reconnectTimer: NodeJS.Timeout | null = null;
  /** (remote seq, local seq) of recent events; reset per connection (a new daemon counts anew). */
  let seqPairs: [number, number][] = [];
  /** Events held while the (re)connect snapshot is on its way. */
  let held: RawEvent[] | null = null;
  let known = { services: new Set<string>(), monitors: new Set<string>() };
  let connectedOnce!: () => void;
  const firstConnection = new Promise<void>((resolve) => (connectedOnce = resolve));

  function send(text: string): boolean {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(text);
    return true;
  }

  function remoteCall(method: string, args: unknown): Promise<Reply<unknown>> {
    if (closed) return Promise.resolve(errorReply('unavailable', 'detached from the daemon'));
    return calls.call(method, args, send, {
      timedOut: `the daemon at ${url} did not answer ${method} within ${callTimeoutMs} ms`,
      notConnected: `not connected to the daemon at ${url}; reconnecting`,
    });
  }

  async function forward(method: string, args: unknown): Promise<unknown> {
    const reply = await remoteCall(method, args);
    if (!reply.ok) throw new ContractError(reply.error.code, reply.error.message, reply.error.details);
    return reply.value;
  }

  const handlers = Object.fromEntries(methodNames.map((method) => [method, (args: unknown) => forward(method, args)])) as unknown as ContractHandlers;
  handlers['system.subscribe'] = async () => {
    const value = (await forward('system.subscribe', {})) as { snapshot: SystemSnapshot; seq: number };
    return { snapshot: value.snapshot, seq: localSeqFor(value.seq) };
  };
  handlers['logs.follow'] = async ({ processes, from }, context) => {
    const mine = context.follow(processes);
    // The daemon sends chunks for the union of what our local clients follow; the hub filters.
    await forward('logs.follow', { processes: [...hub.followedProcesses()], from });
    return { processes: mine };
  };

  function localSeqFor(remoteSeq: number): number {
    let match: number | null = null;
    for (const [remote, local] of seqPairs) {
      if (remote > remoteSeq) return match ?? local - 1;
      match = local;
    }
    return match ?? hub.currentSeq;
  }

  function publish<E extends EventName>(name: E, payload: EventPayload<E>, remoteSeq: number): void {
    hub.publish(name, payload);
    seqPairs.push([remoteSeq, hub.currentSeq]);
    if (seqPairs.length > 2000) seqPairs = seqPairs.slice(-1000);
  }

  function relay(event: RawEvent): void {
    if (!isEventName(event.name)) return;
    if (held) held.push(event);
    else publish(event.name, event.payload as never, event.seq);
  }

  async function resync(): Promise<void> {
    held = [];
    seqPairs = [];
    const reply = await remoteCall('system.subscribe', {});
    // The socket may have closed meanwhile (which drops what was held).
    const events = held ?? [];
    held = null;
    if (!reply.ok) {
      log(`daemon: resync failed: ${reply.error.message}`);
      for (const event of events) relay(event);
      return;
    }
    const { snapshot, seq } = reply.value as { snapshot: SystemSnapshot; seq: number };
    const services = new Set(snapshot.services.map((service) => service.name));
    const monitors = new Set(snapshot.monitors.map((monitor) => monitor.doc));
    for (const name of known.services) if (!services.has(name)) publish('service.removed', { name }, seq);
    for (const doc of known.monitors) if (!monitors.has(doc)) publish('monitor.removed', { doc }, seq);
    for (const service of snapshot.services) publish('service.changed', { service, transition: null }, seq);
    for (const monitor of snapshot.monitors) publish('monitor.changed', monitor, seq);
    publish('devices.changed', { devices: snapshot.devices }, seq);
    publish('alerts.changed', { alerts: snapshot.alerts ?? null }, seq);
    publish('manifest.changed', { manifestPath: snapshot.manifestPath, problems: snapshot.problems }, seq);
    known = { services, monitors };
    for (const event of events) if (event.seq > seq) relay(event);
    const followed = [...hub.followedProcesses()];
    if (followed.length) void remoteCall('logs.follow', { processes: followed });
  }

  function track(event: RawEvent): void {
    if (event.name === 'service.changed') known.services.add((event.payload as EventPayload<'service.changed'>).service.name);
    else if (event.name === 'service.removed') known.services.delete((event.payload as EventPayload<'service.removed'>).name);
    else if (event.name === 'monitor.changed') known.monitors.add((event.payload as EventPayload<'monitor.changed'>).doc);
    else if (event.name === 'monitor.removed') known.monitors.delete((event.payload as EventPayload<'monitor.removed'>).doc);
  }

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    for (const listener of listeners) listener(value);
  }

  function connect(): void {
    reconnectTimer = null;
    if (closed) return;
    const ws = new WebSocket(socketUrl, { handshakeTimeout: 5000, headers: { Authorization: `Bearer ${token}` }, ...(options.ca ? { ca: options.ca } : {}) });
    socket = ws;
    ws.on('open', () => {
      backoffMs = minBackoffMs;
      const again = everConnected;
      everConnected = true;
      setConnected(true);
      log(`daemon: connected to ${url}`);
      resync()
        .then(() => {
          if (again) hub.publish('notice', { id: 'daemon-connection', level: 'info', message: `Reconnected to the daemon at ${url}`, at: Date.now() });
          connectedOnce();
        })
        .catch((error: unknown) => log(`daemon: resync failed: ${String(error)}`));
    });
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let message: ServerMessage;
      try {
        message = ServerMessage.parse(JSON.parse(raw.toString()));
      } catch {
        log('daemon: dropped a malformed message');
        return;
      }
      if (message.type === 'reply') {
        calls.settle(message.id, message.reply as Reply<unknown>);
      } else {
        track(message);
        relay(message);
      }
    });
    ws.on('error', (error) => log(`daemon: ${error.message}`));
    ws.on('close', () => {
      if (socket === ws) socket = null;
      calls.failAll(`lost the connection to the daemon at ${url}`);
      held = null;
      const wasConnected = connected;
      setConnected(false);
      if (closed) return;
      if (wasConnected) hub.publish('notice', { id: 'daemon-connection', level: 'warning', message: `Lost the connection to the daemon at ${url}; reconnecting`, at: Date.now() });
      // Capped exponential backoff with jitter, so many clients do not reconnect in step.
      const delay = Math.min(maxBackoffMs, backoffMs) * (0.8 + Math.random() * 0.4);
      backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
      reconnectTimer = setTimeout(connect, delay);
    });
  }

  connect();
  const internal: ClientSession = hub.open(() => {}, { watches: false });

  return {
    hub,
    manifestPath,
    url,
    get connected() {
      return connected;
    },
    call: (method, args) => internal.call(method, args) as never,
    ready(timeoutMs = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`could not connect to the daemon at ${url} within ${timeoutMs} ms`)), timeoutMs);
      });
      return Promise.race([firstConnection, timeout]).finally(() => clearTimeout(timer));
    },
    onConnectionChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      internal.close();
      const ws = socket;
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close();
        });
      }
      calls.failAll('detached from the daemon');
      setConnected(false);
    },
  };
}

/** Connects and waits for the first connection; on failure stops retrying and rethrows. */
export async function attachToDaemon(options: RemoteOrchestratorOptions, timeoutMs = 5000): Promise<RemoteOrchestrator> {
  const remote = connectRemoteOrchestrator(options);
  try {
    await remote.ready(timeoutMs);
    return remote;
  } catch (error) {
    await remote.close();
    throw error;
  }
}
