// A headless Yjs peer for one document: joins it over y-websocket, announces itself in
// awareness as a monitor (`user: { name, color, type: "monitor" }`, plus `monitor: { id }` for
// claim ranking), and hands every change of `Y.Map('executions')` to its ExecutionDriver
// (execution-driver.ts), which speaks seed 001's protocol for each entry.
// Ownership is `claimedBy === monitorId`, an id unique to this peer (monitor-id.ts) and kept
// for its life, so after a reconnect the same peer simply continues. A restarted monitor is a
// new peer: what the old one left unfinished is failed as MonitorRestarted by the monitors
// still present once the old one has been gone from awareness for `goneOwnerMs`
// (ExecutionDriver.recoverFromGoneOwner). Only a peer given the same explicit id again
// (`--id`) resumes what it owned: `claimed` and `ready` entries go on, a `running` one cannot
// be re-attached (MRP streams cannot be resumed) and is failed with a message saying so.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ExecutionSnapshot, MonitorSnapshot } from '../../../shared/model';
import { batchSends, type BatchedSends } from './batched-sends';
import { ExecutionDriver } from './execution-driver';
import { STATUS, executionsOf, isTerminal, readEntry, toExecutionSnapshot, updateEntry } from './execution-entry';
import type { ExecutionRunner } from './execution-runner';
import { newMonitorId } from './monitor-id';
import type { LogLevel } from '../parts/log-level';
import { DEFAULT_PEER_TIMING, type PeerTiming } from './peer-timing';
import { MONITOR_AWARENESS_FIELD, PeerPresence, type MonitorAnnouncement } from './peer-presence';
import { RunQueue } from './run-queue';
import type { RuntimeTable } from './runtime-choice';
import { respondStdin } from './stdin';

export const MONITOR_COLOR = '#10b981';

export interface MonitorPeerOptions {
  doc: string;
  syncUrl: string;
  /** Sent as `?token=` (how the sync server takes it); never shown in snapshots or logs. */
  syncToken?: string;
  /** Written to `claimedBy`; unique to this peer. Default: a new id (monitor-id.ts). */
  monitorId?: string;
  /** Awareness name (mrmd-monitor's default). */
  name?: string;
  runner: ExecutionRunner;
  runtimes: RuntimeTable;
  /** Shared by all peers of a process so runs on one runtime session never overlap. */
  queue?: RunQueue;
  timing?: Partial<PeerTiming>;
  log?: (level: LogLevel, message: string) => void;
}

type Connection = MonitorSnapshot['connection'];

export class MonitorPeer extends EventEmitter<{ state: [MonitorSnapshot]; execution: [ExecutionSnapshot] }> {
  readonly ydoc = new Y.Doc();
  readonly doc: string;
  readonly monitorId: string;
  private readonly timing: PeerTiming;
  private readonly origin = Symbol('monitor-peer');
  private readonly driver: ExecutionDriver;
  private readonly presence = new PeerPresence();
  private announced = '';
  private announceTimer: NodeJS.Immediate | null = null;
  private provider: WebsocketProvider | null = null;
  private sends: BatchedSends | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private connection: Connection = 'stopped';
  private synced = false;
  private lastError: string | null = null;
  private syncWaiters: Array<() => void> = [];

  constructor(private readonly options: MonitorPeerOptions) {
    super();
    this.doc = options.doc;
    this.monitorId = options.monitorId ?? newMonitorId(options.name ?? 'showrunner');
    this.timing = { ...DEFAULT_PEER_TIMING, ...options.timing };
    this.driver = new ExecutionDriver({
      ydoc: this.ydoc,
      doc: this.doc,
      monitorId: this.monitorId,
      runner: options.runner,
      runtimes: options.runtimes,
      queue: options.queue ?? new RunQueue(),
      timing: this.timing,
      origin: this.origin,
      presence: this.presence,
      resumable: options.monitorId !== undefined,
      isSynced: () => this.synced,
      log: (level, message) => this.log(level, message),
    });
    executionsOf(this.ydoc).observe((event) => {
      for (const id of event.keysChanged) {
        const entry = readEntry(this.ydoc, id);
        if (entry) this.emit('execution', toExecutionSnapshot(this.doc, id, entry));
        // Another monitor of ours waits for us to acknowledge its claim (claim.ts, step 3).
        if (typeof entry?.claimedBy === 'string' && entry.claimedBy !== this.monitorId && (entry.status === STATUS.claimed || entry.status === STATUS.ready)) {
          this.scheduleAnnounce();
        }
        this.driver.consider(id, event.transaction.origin === this.origin);
      }
    });
  }

  start(): void {
    if (this.provider !== null) return;
    const provider = new WebsocketProvider(this.options.syncUrl, this.doc, this.ydoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      ...(this.options.syncToken ? { params: { token: this.options.syncToken } } : {}),
      maxBackoffTime: this.timing.maxReconnectBackoffMs,
    });
    this.provider = provider;
    this.sends = batchSends(provider);
    provider.awareness.setLocalStateField('user', { name: this.options.name ?? 'mrmd-monitor', color: MONITOR_COLOR, type: 'monitor' });
    this.announce();
    this.presence.update(provider.awareness.getStates());
    let peers = provider.awareness.getStates().size;
    let members = this.presence.membersKey();
    provider.awareness.on('change', () => {
      this.presence.update(provider.awareness.getStates());
      // Announce again when the monitors present change (step 0 lists them); acknowledgements
      // go out when a claim arrives (the executions observer). Re-announcing on every awareness
      // change made the monitors answer each other's acknowledgements, several messages a cell.
      if (this.presence.membersKey() !== members) {
        members = this.presence.membersKey();
        this.scheduleAnnounce();
      }
      this.driver.presenceChanged();
      // Acknowledgements change awareness all the time; the snapshot only shows the peer count.
      if (provider.awareness.getStates().size === peers) return;
      peers = provider.awareness.getStates().size;
      this.emitState();
    });
    provider.on('status', ({ status }) => {
      this.connection = status;
      if (status !== 'connected') this.synced = false;
      this.log(status === 'disconnected' ? 'warn' : 'info', `sync server ${status} (${this.options.syncUrl})`);
      this.emitState();
    });
    provider.on('connection-error', () => {
      this.lastError = `cannot reach ${this.options.syncUrl}`;
      this.emitState();
    });
    provider.on('sync', (isSynced) => {
      if (!isSynced) return;
      this.synced = true;
      this.presence.synced();
      this.lastError = null;
      this.log('info', 'document synced; checking executions');
      for (const resolve of this.syncWaiters.splice(0)) resolve();
      this.driver.scanAll();
      this.emitState();
    });
    this.connection = 'connecting';
    this.sweepTimer = setInterval(() => this.driver.sweep(), this.timing.sweepMs);
    this.log('info', `monitor ${this.monitorId} joining ${this.doc} at ${this.options.syncUrl}`);
    this.emitState();
  }

  /** Resolves once the document has synced with the server (again). */
  whenSynced(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /**
   * Leaves the document. By default entries we own that have not finished are failed with a
   * message (running ones interrupted), so no cell waits for a monitor that is gone. With
   * `failOwned: false` (a planned restart) they are left as they are: a peer with the same
   * monitor id resumes the `claimed` and `ready` ones and fails the `running` ones.
   */
  async stop({ failOwned = true }: { failOwned?: boolean } = {}): Promise<void> {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    if (this.announceTimer !== null) clearImmediate(this.announceTimer);
    this.announceTimer = null;
    this.driver.stop(failOwned);
    const provider = this.provider;
    this.provider = null;
    if (provider !== null) {
      // The failures just written go out before we leave (awareness flushes them first).
      provider.awareness.setLocalState(null);
      this.sends?.flush();
      // y-websocket schedules a reconnect from the socket's close handler even after
      // disconnect(); detach the socket first so destroy() leaves no timer behind.
      provider.shouldConnect = false;
      const socket = provider.ws;
      if (socket !== null) {
        socket.onclose = socket.onerror = socket.onmessage = socket.onopen = null;
        socket.close();
        provider.ws = null;
        provider.wsconnected = false;
        provider.wsconnecting = false;
      }
      provider.destroy();
      provider.awareness.destroy();
    }
    this.connection = 'stopped';
    this.synced = false;
    this.log('info', 'monitor stopped');
    this.emitState();
    this.removeAllListeners();
    this.ydoc.destroy();
  }

  snapshot(): MonitorSnapshot {
    const counts: Record<string, number> = {};
    executionsOf(this.ydoc).forEach((_value, id) => {
      const status = String(readEntry(this.ydoc, id)?.status ?? 'invalid');
      counts[status] = (counts[status] ?? 0) + 1;
    });
    const states = this.provider?.awareness.getStates();
    const peers = states ? [...states.keys()].filter((client) => client !== this.ydoc.clientID).length : 0;
    return {
      doc: this.doc,
      running: this.connection !== 'stopped',
      connection: this.connection,
      syncUrl: this.options.syncUrl,
      peers,
      counts,
      error: this.lastError,
    };
  }

  executions(): ExecutionSnapshot[] {
    const list: ExecutionSnapshot[] = [];
    executionsOf(this.ydoc).forEach((_value, id) => {
      const entry = readEntry(this.ydoc, id);
      if (entry) list.push(toExecutionSnapshot(this.doc, id, entry));
    });
    return list;
  }

  execution(id: string): ExecutionSnapshot | null {
    const entry = readEntry(this.ydoc, id);
    return entry ? toExecutionSnapshot(this.doc, id, entry) : null;
  }

  /** As the editor does: any unfinished entry becomes `cancelled`; ours is then interrupted. */
  cancel(id: string): ExecutionSnapshot | null {
    updateEntry(this.ydoc, id, (current) => (isTerminal(current.status) ? null : { status: STATUS.cancelled, completedAt: Date.now() }), this.origin);
    return this.execution(id);
  }

  reply(id: string, text: string): ExecutionSnapshot | null {
    respondStdin(this.ydoc, id, text, this.origin);
    return this.execution(id);
  }

  /** Batched: one awareness update for everything integrated in this turn of the event loop. */
  private scheduleAnnounce(): void {
    this.announceTimer ??= setImmediate(() => {
      this.announceTimer = null;
      this.announce();
    });
  }

  /**
   * `monitor: { id, peers, seen }` (peer-presence.ts): which of our monitors we see, and how
   * far we have integrated each one's updates. Sent only when it changed; awareness messages
   * follow our document updates on the same socket, so a monitor reading it here has every
   * claim we made before.
   */
  private announce(): void {
    const provider = this.provider;
    if (provider === null) return;
    const others = this.presence.monitorIds().filter((id) => id !== this.monitorId);
    const seen: Record<string, number> = {};
    for (const client of this.presence.otherClients(this.monitorId)) seen[String(client)] = Y.getState(this.ydoc.store, client);
    const announcement: MonitorAnnouncement = { id: this.monitorId, peers: others.sort(), seen };
    const key = JSON.stringify(announcement);
    if (key === this.announced) return;
    this.announced = key;
    provider.awareness.setLocalStateField(MONITOR_AWARENESS_FIELD, announcement);
  }

  private emitState(): void {
    this.emit('state', this.snapshot());
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }
}
