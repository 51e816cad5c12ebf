// A headless Yjs peer for one document: joins it over y-websocket, announces itself in
// awareness as a monitor, and drives every entry of `Y.Map('executions')` through seed 001's
// protocol (claim.ts: who runs; execution-run.ts: the run; output-block.ts: where text goes).
//
// Each entry is handled on its own: every change to the map re-reads the entry and decides what
// to do from its current value (no event is trusted to carry the state), inside a try/catch, so
// a malformed entry is marked failed and never stops the peer or its neighbours.
// Ownership is `claimedBy === monitorId`, a stable id, so after a reconnect the same peer
// simply continues, and after a process restart a new peer with the same id finds what it
// owned: entries still `claimed` or `ready` are resumed; an entry left `running` cannot be
// re-attached (MRP streams cannot be resumed) and is failed with a message saying so.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ExecutionSnapshot, MonitorSnapshot } from '../../../shared/model';
import { DEFAULT_CLAIM_TIMING, MONITOR_AWARENESS_FIELD, claimDelayMs, claimEntry, claimRank, isClaimable, settledAt, type ClaimTiming } from './claim';
import { STATUS, executionsOf, isOwnedBy, isTerminal, readEntry, toExecutionSnapshot, updateEntry, type ExecutionEntry, type ExecutionError } from './execution-entry';
import { ExecutionRun, describe, type RunTiming } from './execution-run';
import type { ExecutionRunner } from './execution-runner';
import { ensureOutputBlock, reconcileOutputBlocks } from './output-block';
import { RunQueue } from './run-queue';
import type { RuntimeTable } from './runtime-choice';
import { pendingStdinResponse, respondStdin } from './stdin';

export const MONITOR_COLOR = '#10b981';
const MAX_REMEMBERED_RUNS = 5000;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PeerTiming extends ClaimTiming, RunTiming {
  /** How long after our claim we wait for an editor to create the output block. */
  headlessBlockMs: number;
  /** How often owned entries are checked for being stuck. */
  sweepMs: number;
  maxReconnectBackoffMs: number;
}

export const DEFAULT_PEER_TIMING: PeerTiming = {
  ...DEFAULT_CLAIM_TIMING,
  headlessBlockMs: 1000,
  sweepMs: 1000,
  maxReconnectBackoffMs: 2500,
  outputFlushMs: 100,
  stuckTimeoutMs: 180_000,
  busyRetryMs: 100,
  maxBusyRetryMs: 2000,
  interruptGraceMs: 5000,
};

export interface MonitorPeerOptions {
  doc: string;
  syncUrl: string;
  /** Stable across restarts; written to `claimedBy`. */
  monitorId: string;
  /** Awareness name (mrmd-monitor's default). */
  name?: string;
  runner: ExecutionRunner;
  runtimes: RuntimeTable;
  /** Shared by all peers of a process so runs on one runtime session never overlap. */
  queue?: RunQueue;
  timing?: Partial<PeerTiming>;
  log?: (level: LogLevel, message: string) => void;
}

interface Tracking {
  /** Set while a claim is scheduled. */
  cancelClaim?: () => void;
  headlessTimer?: NodeJS.Timeout;
  settleTimer?: NodeJS.Timeout;
  run?: ExecutionRun;
}

type Connection = MonitorSnapshot['connection'];

export class MonitorPeer extends EventEmitter<{ state: [MonitorSnapshot]; execution: [ExecutionSnapshot] }> {
  readonly ydoc = new Y.Doc();
  readonly doc: string;
  readonly monitorId: string;
  private readonly timing: PeerTiming;
  private readonly queue: RunQueue;
  private readonly origin = Symbol('monitor-peer');
  private readonly tracking = new Map<string, Tracking>();
  /** Runs this peer started, with their terminal fields once known; never run twice here. */
  private readonly started = new Map<string, Partial<ExecutionEntry> | null>();
  private provider: WebsocketProvider | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private connection: Connection = 'stopped';
  private synced = false;
  private lastError: string | null = null;
  private syncWaiters: Array<() => void> = [];

  constructor(private readonly options: MonitorPeerOptions) {
    super();
    this.doc = options.doc;
    this.monitorId = options.monitorId;
    this.timing = { ...DEFAULT_PEER_TIMING, ...options.timing };
    this.queue = options.queue ?? new RunQueue();
    executionsOf(this.ydoc).observe((event) => {
      for (const id of event.keysChanged) {
        const entry = readEntry(this.ydoc, id);
        if (entry) this.emit('execution', toExecutionSnapshot(this.doc, id, entry));
        this.consider(id);
      }
    });
  }

  start(): void {
    if (this.provider !== null) return;
    const provider = new WebsocketProvider(this.options.syncUrl, this.doc, this.ydoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: this.timing.maxReconnectBackoffMs,
    });
    this.provider = provider;
    provider.awareness.setLocalStateField('user', { name: this.options.name ?? 'mrmd-monitor', color: MONITOR_COLOR, type: 'monitor' });
    provider.awareness.setLocalStateField(MONITOR_AWARENESS_FIELD, { id: this.monitorId });
    provider.awareness.on('change', () => this.emitState());
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
      this.lastError = null;
      this.log('info', 'document synced; checking executions');
      for (const resolve of this.syncWaiters.splice(0)) resolve();
      this.scanAll();
      this.emitState();
    });
    this.connection = 'connecting';
    this.sweepTimer = setInterval(() => this.sweep(), this.timing.sweepMs);
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
    for (const [id, tracking] of this.tracking) {
      this.clearTimers(tracking);
      tracking.run?.dispose({ interrupt: failOwned });
      const entry = readEntry(this.ydoc, id);
      if (failOwned && isOwnedBy(entry, this.monitorId) && !isTerminal(entry?.status)) {
        this.fail(id, { type: 'MonitorStopped', message: `monitor ${this.monitorId} stopped before this cell finished; run it again` });
      }
    }
    this.tracking.clear();
    const provider = this.provider;
    this.provider = null;
    if (provider !== null) {
      provider.awareness.setLocalState(null);
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

  private consider(id: string): void {
    try {
      this.decide(id);
    } catch (error) {
      this.log('error', `${id}: ${describe(error)}`);
      this.fail(id, { type: 'MonitorError', message: describe(error) });
    }
  }

  private decide(id: string): void {
    const entry = readEntry(this.ydoc, id);
    const tracking = this.tracking.get(id);
    if (entry === null) {
      if (tracking) this.release(id, tracking);
      return;
    }
    if (!this.synced) return;
    const ours = isOwnedBy(entry, this.monitorId);
    if (ours && entry.outputBlockReady) reconcileOutputBlocks(this.ydoc, id, entry.outputPosition, this.origin);
    if (ours && !isTerminal(entry.status) && this.repair(id, entry, tracking)) return;
    if (entry.status === STATUS.requested) {
      if (isClaimable(entry, this.monitorId)) this.scheduleClaim(id);
      return;
    }
    if (!ours || isTerminal(entry.status)) {
      if (entry.status === STATUS.cancelled) tracking?.run?.cancel();
      // Backing off: a rival's claim won, or the entry is over.
      if (tracking && !tracking.run) this.release(id, tracking);
      else if (tracking) this.clearTimers(tracking);
      return;
    }
    if (entry.status === STATUS.claimed) this.scheduleHeadless(id);
    else if (entry.status === STATUS.ready) this.scheduleStart(id);
    else if (entry.status === STATUS.running) {
      if (!tracking?.run) {
        this.fail(id, {
          type: 'MonitorRestarted',
          message: `monitor ${this.monitorId} restarted while this cell was running; its output may be incomplete, run it again`,
        });
        return;
      }
      const answer = pendingStdinResponse(entry);
      if (answer !== null) tracking.run.answerStdin(answer);
    }
  }

  /**
   * A concurrent whole-entry write (typically an editor's late `ready`) can undo what we wrote.
   * We know better for runs we started: re-assert `running` while the run goes on, and the
   * terminal fields once it is over. Returns true when the entry was one of ours to repair.
   */
  private repair(id: string, entry: ExecutionEntry, tracking: Tracking | undefined): boolean {
    if (!this.started.has(id)) return false;
    const final = tracking?.run?.finalPatch ?? this.started.get(id) ?? null;
    if (final !== null) {
      this.log('info', `${id}: entry went back to ${String(entry.status)} after our run ended; writing its outcome again`);
      updateEntry(this.ydoc, id, (current) => (isOwnedBy(current, this.monitorId) && !isTerminal(current.status) ? final : null), this.origin);
      return true;
    }
    if (tracking?.run) {
      if (entry.status !== STATUS.running) {
        this.log('info', `${id}: entry went back to ${String(entry.status)} while running; restoring running`);
        updateEntry(this.ydoc, id, (current) => (isOwnedBy(current, this.monitorId) && !isTerminal(current.status) ? { status: STATUS.running } : null), this.origin);
        return true;
      }
      return false;
    }
    this.fail(id, { type: 'MonitorError', message: 'the run of this cell ended without an outcome' });
    return true;
  }

  private track(id: string): Tracking {
    let tracking = this.tracking.get(id);
    if (!tracking) {
      tracking = {};
      this.tracking.set(id, tracking);
    }
    return tracking;
  }

  private scheduleClaim(id: string): void {
    const tracking = this.track(id);
    if (tracking.cancelClaim) return;
    const monitorIds: string[] = [];
    for (const state of this.provider?.awareness.getStates().values() ?? []) {
      const monitor = (state as Record<string, unknown>)[MONITOR_AWARENESS_FIELD] as { id?: unknown } | undefined;
      if (typeof monitor?.id === 'string') monitorIds.push(monitor.id);
    }
    const delayMs = claimDelayMs(claimRank(id, monitorIds, this.monitorId), this.timing);
    const claim = (): void => {
      tracking.cancelClaim = undefined;
      if (this.tracking.get(id) !== tracking) return;
      this.safely(id, () => {
        if (claimEntry(this.ydoc, id, this.monitorId, Date.now(), this.origin)) this.log('info', `${id}: claimed`);
        else if (!tracking.run) this.release(id, tracking);
      });
    };
    if (delayMs > 0) {
      const timer = settledTimeout(delayMs, claim);
      tracking.cancelClaim = () => clearTimeout(timer);
      return;
    }
    // The preferred monitor claims at once (claim latency is what the editor waits on), but
    // outside the observer that told us, so our own write does not re-enter this decision.
    const immediate = setImmediate(claim);
    tracking.cancelClaim = () => clearImmediate(immediate);
  }

  private scheduleHeadless(id: string): void {
    const tracking = this.track(id);
    if (tracking.headlessTimer) return;
    const entry = readEntry(this.ydoc, id);
    const claimedAt = typeof entry?.claimedAt === 'number' ? entry.claimedAt : Date.now();
    const waitMs = Math.max(0, claimedAt + this.timing.headlessBlockMs - Date.now());
    tracking.headlessTimer = settledTimeout(waitMs, () => {
      this.safely(id, () => {
        const current = readEntry(this.ydoc, id);
        if (current?.status !== STATUS.claimed || !isOwnedBy(current, this.monitorId)) return;
        this.log('info', `${id}: no editor made the output block; creating it`);
        const outputPosition = ensureOutputBlock(this.ydoc, id, current, this.origin);
        updateEntry(
          this.ydoc,
          id,
          (now) => (now.status === STATUS.claimed && isOwnedBy(now, this.monitorId) ? { status: STATUS.ready, outputBlockReady: true, outputPosition } : null),
          this.origin,
        );
      });
    });
  }

  private scheduleStart(id: string): void {
    const tracking = this.track(id);
    if (tracking.run || tracking.settleTimer) return;
    const entry = readEntry(this.ydoc, id);
    if (entry === null) return;
    const waitMs = settledAt(entry, this.timing) - Date.now();
    if (waitMs > 0) {
      tracking.settleTimer = settledTimeout(waitMs, () => {
        tracking.settleTimer = undefined;
        this.consider(id);
      });
      return;
    }
    if (tracking.headlessTimer) clearTimeout(tracking.headlessTimer);
    tracking.headlessTimer = undefined;
    const run = new ExecutionRun(
      {
        ydoc: this.ydoc,
        doc: this.doc,
        me: this.monitorId,
        runner: this.options.runner,
        queue: this.queue,
        runtimes: this.options.runtimes,
        timing: this.timing,
        origin: this.origin,
        log: (level, message) => this.log(level, message),
        onStarted: () => this.remember(id, null),
      },
      id,
    );
    tracking.run = run;
    void run.start().finally(() => {
      if (run.hasStarted) this.remember(id, run.finalPatch);
      if (tracking.run !== run) return;
      tracking.run = undefined;
      if (this.tracking.get(id) === tracking) this.release(id, tracking);
    });
  }

  private remember(id: string, final: Partial<ExecutionEntry> | null): void {
    this.started.delete(id);
    this.started.set(id, final);
    // Bounded: only recent runs can still be undone by a late concurrent write.
    if (this.started.size > MAX_REMEMBERED_RUNS) this.started.delete(this.started.keys().next().value as string);
  }

  private sweep(): void {
    if (!this.synced) return;
    const now = Date.now();
    executionsOf(this.ydoc).forEach((_value, id) => {
      this.safely(id, () => {
        const entry = readEntry(this.ydoc, id);
        if (entry === null) return;
        const stale = typeof entry.claimedAt === 'number' && now - entry.claimedAt > this.timing.stuckTimeoutMs;
        if (entry.status === STATUS.claimed && isOwnedBy(entry, this.monitorId) && stale) {
          this.fail(id, { type: 'Stuck', message: `claimed for ${this.timing.stuckTimeoutMs} ms without becoming ready` });
        } else if (!this.tracking.has(id) && !isTerminal(entry.status)) {
          this.consider(id);
        }
      });
    });
  }

  private scanAll(): void {
    executionsOf(this.ydoc).forEach((_value, id) => this.consider(id));
  }

  private fail(id: string, error: ExecutionError): void {
    try {
      updateEntry(
        this.ydoc,
        id,
        (current) => (isOwnedBy(current, this.monitorId) ? { status: STATUS.error, completedAt: Date.now(), error } : null),
        this.origin,
      );
      this.log('warn', `${id}: ${error.type}: ${error.message}`);
    } catch (writeError) {
      this.log('error', `${id}: could not record failure: ${describe(writeError)}`);
    }
  }

  private safely(id: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.log('error', `${id}: ${describe(error)}`);
      this.fail(id, { type: 'MonitorError', message: describe(error) });
    }
  }

  private clearTimers(tracking: Tracking): void {
    tracking.cancelClaim?.();
    clearTimeout(tracking.headlessTimer);
    clearTimeout(tracking.settleTimer);
    tracking.cancelClaim = undefined;
    tracking.headlessTimer = tracking.settleTimer = undefined;
  }

  private release(id: string, tracking: Tracking): void {
    this.clearTimers(tracking);
    this.tracking.delete(id);
  }

  private emitState(): void {
    this.emit('state', this.snapshot());
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }
}

/**
 * A timer for decisions that depend on having heard from the other peers. When the event loop
 * was busy (the timer fires late), messages that arrived meanwhile are not processed yet, so
 * the decision waits one more period instead of acting on a stale view.
 */
function settledTimeout(delayMs: number, action: () => void, retries = 3): NodeJS.Timeout {
  let due = Date.now() + delayMs;
  const handle = setTimeout(() => {
    const lateMs = Date.now() - due;
    if (retries > 0 && delayMs > 0 && lateMs > Math.max(20, delayMs / 2)) {
      due = Date.now() + delayMs;
      handle.refresh();
      retries--;
      return;
    }
    action();
  }, delayMs);
  return handle;
}
