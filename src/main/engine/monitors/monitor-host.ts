// Many monitor peers in one process, one per document (ARCHITECTURE.md §2): the object the
// orchestrator and the CLI hold. mrmd-orchestrator starts one Node process per document
// (about 60 MiB each); peers here share the process, the MRP runner and the run queue, so
// runs on one runtime session never overlap even across documents. Each peer's log lines go to
// the LogSink as process `monitor:<doc>`; a peer that fails is reported in its snapshot and
// never touches the others.
import { EventEmitter } from 'node:events';
import { ContractError } from '../../../shared/contract';
import type { ExecutionSnapshot, MonitorSnapshot } from '../../../shared/model';
import type { LogSink } from '../logs/log-sink';
import type { ExecutionRunner } from './execution-runner';
import { monitorProcessName } from './monitor-process-name';
import { MonitorPeer } from './monitor-peer';
import { LOG_LEVELS, type LogLevel } from '../parts/log-level';
import type { PeerTiming } from './peer-timing';
import { RunQueue } from './run-queue';
import type { RuntimeTable } from './runtime-choice';

export interface MonitorHostOptions {
  syncUrl: string;
  /** Sent as `?token=` when joining the sync server. */
  syncToken?: string;
  runner: ExecutionRunner;
  runtimes: RuntimeTable;
  logs?: LogSink;
  logLevel?: LogLevel;
  /** Awareness name. */
  name?: string;
  /**
   * Written to `claimedBy` by every peer of this host. Only for tests and `--id`: it must differ
   * from every other monitor's. Default: each peer makes its own (monitor-id.ts).
   */
  monitorId?: string;
  timing?: Partial<PeerTiming>;
}


export { monitorProcessName };

export class MonitorHost extends EventEmitter<{
  monitor: [MonitorSnapshot];
  removed: [{ doc: string }];
  execution: [ExecutionSnapshot];
}> {
  private readonly peers = new Map<string, MonitorPeer>();
  private readonly queue = new RunQueue();
  private readonly minLevel: number;

  constructor(private readonly options: MonitorHostOptions) {
    super();
    this.minLevel = LOG_LEVELS[options.logLevel ?? 'info'];
  }

  /** Starts the document's peer, or returns the running one's snapshot. */
  start(doc: string): MonitorSnapshot {
    const existing = this.peers.get(doc);
    if (existing) return existing.snapshot();
    const processName = monitorProcessName(doc);
    this.options.logs?.beginLaunch(processName);
    const peer = new MonitorPeer({
      doc,
      syncUrl: this.options.syncUrl,
      syncToken: this.options.syncToken,
      monitorId: this.options.monitorId,
      name: this.options.name,
      runner: this.options.runner,
      runtimes: this.options.runtimes,
      queue: this.queue,
      timing: this.options.timing,
      log: (level, message) => this.write(processName, level, message),
    });
    peer.on('state', (snapshot) => this.emit('monitor', snapshot));
    peer.on('execution', (snapshot) => this.emit('execution', snapshot));
    this.peers.set(doc, peer);
    // Each y-websocket provider adds a process 'exit' listener; many peers are expected here.
    process.setMaxListeners(Math.max(process.getMaxListeners(), this.peers.size + 10));
    peer.start();
    return peer.snapshot();
  }

  async stop(doc: string): Promise<MonitorSnapshot> {
    const peer = this.peerFor(doc);
    this.peers.delete(doc);
    await peer.stop();
    const snapshot = peer.snapshot();
    this.emit('monitor', snapshot);
    this.emit('removed', { doc });
    return snapshot;
  }

  list(): MonitorSnapshot[] {
    return [...this.peers.values()].map((peer) => peer.snapshot());
  }

  has(doc: string): boolean {
    return this.peers.has(doc);
  }

  /** The id each running peer writes to `claimedBy`, by document. */
  monitorIds(): Record<string, string> {
    return Object.fromEntries([...this.peers].map(([doc, peer]) => [doc, peer.monitorId]));
  }

  /** The peer itself, for tests and benchmarks that need its Y.Doc. */
  peer(doc: string): MonitorPeer | undefined {
    return this.peers.get(doc);
  }

  whenSynced(doc: string): Promise<void> {
    return this.peerFor(doc).whenSynced();
  }

  executions(doc: string): ExecutionSnapshot[] {
    return this.peerFor(doc).executions();
  }

  cancel(doc: string, id: string): ExecutionSnapshot {
    return this.found(this.peerFor(doc).cancel(id), doc, id);
  }

  reply(doc: string, id: string, text: string): ExecutionSnapshot {
    return this.found(this.peerFor(doc).reply(id, text), doc, id);
  }

  async close(): Promise<void> {
    await Promise.all([...this.peers.keys()].map((doc) => this.stop(doc)));
  }

  private peerFor(doc: string): MonitorPeer {
    const peer = this.peers.get(doc);
    if (!peer) throw new ContractError('not-found', `no monitor is running for document "${doc}"`, { doc });
    return peer;
  }

  private found(snapshot: ExecutionSnapshot | null, doc: string, id: string): ExecutionSnapshot {
    if (snapshot === null) throw new ContractError('not-found', `document "${doc}" has no execution "${id}"`, { doc, id });
    return snapshot;
  }

  private write(processName: string, level: LogLevel, message: string): void {
    if (LOG_LEVELS[level] < this.minLevel) return;
    this.options.logs?.write(processName, level === 'warn' || level === 'error' ? 'stderr' : 'stdout', `${level.toUpperCase().padEnd(5)} ${message}\n`);
  }
}
