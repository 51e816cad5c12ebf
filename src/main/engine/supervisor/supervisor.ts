// The process supervisor (issue 5): one ServiceUnit per service, started as a DAG (every
// unit starts at once and waits, blocked, for its own dependencies, so independent branches
// run in parallel), stopped in reverse (a unit stops after everything that depends on it).
// It owns what units share: the state file for orphan cleanup, and one stats timer for all.
import { EventEmitter } from 'node:events';
import { ContractError } from '../../../shared/contract';
import type { ServiceSnapshot, Transition } from '../../../shared/model';
import { ORCHESTRATOR_LOG } from '../../../shared/reserved-names';
import { diffServices } from '../config/diff-services';
import type { ServiceSpec } from '../config/manifest-types';
import type { LogSink } from '../logs/log-sink';
import type { DependencyView } from './dependency-wait';
import { deferred } from './deferred';
import { launchMarker, newSessionId } from './launch-marker';
import { reapOrphans } from './orphan-reaper';
import { defaultLauncher } from './process-launcher';
import { readProcess, type ProcRef } from './proc-table';
import { ServiceUnit, type UnitHost } from './service-unit';
import { StateFile, type TreeRecord } from './state-file';
import { StateWriter } from './state-writer';
import type { SupervisorOptions } from './supervisor-options';
import { stopInReverse } from './stop-in-reverse';
import { WaiterIndex } from './waiter-index';
import { TreeSampler } from './tree-sampler';
import { StatsClock } from './stats-clock';
import { OpeningHours, systemClock } from '../schedules/opening-hours';
import { scheduleTarget, startUnlessClosed } from './schedule-target';

export type ServiceOrigin = ServiceSnapshot['origin'];

/** The orphan cleanup of a previous run, when starts had to wait for it. */
export type CleanupEvent = { phase: 'started' } | { phase: 'done'; count: number };

const CLEANUP_WAIT = 'the cleanup of processes left by a previous run';
const START_BATCH = 100;

export class Supervisor extends EventEmitter {
  private readonly units = new Map<string, ServiceUnit>();
  private order: string[] = [];
  private readonly missingDevices = new Map<string, string[]>();
  /** Re-reads device presence at once (the orchestrator's device registry); see checkDevicesWith. */
  private deviceCheck: () => void = () => {};
  private readonly waiters = new WaiterIndex();
  private readonly logs: LogSink;
  private readonly stateFile: StateFile;
  private readonly state: StateWriter;
  private readonly self: ProcRef | null;
  private readonly instanceKey: string;
  private readonly session = newSessionId();
  private launches = 0;
  private readonly recovery: Promise<unknown>;
  /** Set once the orphan cleanup has finished; until then no service starts. */
  private recovered = false;
  private readonly sampler = new TreeSampler();
  private readonly statsClock: StatsClock | null = null;
  private readonly host: UnitHost;
  private readonly hours: OpeningHours;
  private applied = false;
  private sampling = false;
  private disposing: Promise<void> | null = null;
  private cleanupAnnounced = false;
  /** Resolved when stopping: the orphan cleanup then kills at once instead of waiting. */
  private readonly cutCleanupShort = deferred<void>();

  constructor(options: SupervisorOptions) {
    super();
    this.logs = options.logs;
    this.instanceKey = options.instanceKey;
    this.stateFile = StateFile.forInstance(options.stateDir, options.instanceKey);
    const startTime = readProcess(process.pid)?.startTime;
    this.self = startTime ? { pid: process.pid, startTime } : null;
    this.state = new StateWriter(this.stateFile, { instance: this.instanceKey, session: this.session, supervisor: this.self }, () => this.trees(), (line) => this.say(line));
    // The cleanup runs in the background (it may wait out a stubborn tree's stop timeout), so
    // the daemon listens at once; starts wait for it, and say so (`cleanup` event, holdFor).
    this.recovery = this.recover(StateFile.legacy(options.stateDir)).then((count) => {
      if (this.cleanupAnnounced) this.emit('cleanup', { phase: 'done', count });
      this.recovered = true;
    });
    const view: DependencyView = {
      status: (name) => this.units.get(name)?.status(),
      onChange: (names, listener) => this.waiters.add(names, listener),
    };
    this.host = {
      logs: this.logs,
      launcher: options.launcher ?? defaultLauncher,
      view,
      emit: (unit, transition) => this.publish(unit, transition),
      treeChanged: () => this.state.schedule(),
      launchMarker: (service) => launchMarker(this.instanceKey, service, this.session, ++this.launches).value,
      checkDevicesNow: () => this.deviceCheck(),
      timing: (name) => this.hours.timing(name),
    };
    this.hours = new OpeningHours(options.clock ?? systemClock, scheduleTarget(this.units, (unit) => this.publish(unit, null), (line) => this.say(line)));
    const statsIntervalMs = options.statsIntervalMs ?? 5000;
    if (statsIntervalMs > 0) this.statsClock = new StatsClock(statsIntervalMs, () => void this.sampleStats());
  }

  override on(event: 'service', listener: (snapshot: ServiceSnapshot, transition: Transition | null) => void): this;
  override on(event: 'removed', listener: (name: string) => void): this;
  override on(event: 'cleanup', listener: (event: CleanupEvent) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  /**
   * Apply a whole new set of specs: add new ones (and start them if autostart), stop and
   * remove gone ones, restart changed ones, leave unchanged ones running. `origins` marks
   * built-in services; every name it leaves out is `manifest`.
   */
  async apply(specs: ServiceSpec[], origins: ReadonlyMap<string, ServiceOrigin> = new Map()): Promise<void> {
    this.assertOpen();
    const held = await this.cleanupPending();
    const first = !this.applied;
    this.applied = true;
    const diff = diffServices([...this.units.values()].map((unit) => unit.spec), specs);
    const removed = diff.removed.map((name) => this.unit(name));
    const restart = new Set(diff.restart);
    const inPlace = new Set(diff.changed);
    const changed: { unit: ServiceUnit; spec: ServiceSpec; origin: ServiceOrigin; wasActive: boolean }[] = [];
    const toStart: { unit: ServiceUnit; reason: string }[] = [];
    for (const spec of specs) {
      const origin = origins.get(spec.name) ?? 'manifest';
      const unit = this.units.get(spec.name);
      if (!unit) {
        const added = new ServiceUnit(spec, origin, this.host);
        added.setMissingDevices(this.missingDevices.get(spec.name) ?? []);
        this.units.set(spec.name, added);
        this.publish(added, null);
        if (spec.autostart) toStart.push({ unit: added, reason: first ? 'autostart' : 'added to the manifest' });
      } else if (restart.has(spec.name)) {
        changed.push({ unit, spec, origin, wasActive: unit.active });
      } else if (inPlace.has(spec.name) || unit.origin !== origin) {
        const nowAutostart = spec.autostart && !unit.spec.autostart;
        unit.updateSpec(spec, origin);
        if (nowAutostart && !unit.active) toStart.push({ unit, reason: 'autostart turned on in the manifest' });
      }
    }
    this.order = specs.map((spec) => spec.name);
    this.hours.update(specs);
    if (held) {
      for (const { unit } of toStart) unit.holdFor(CLEANUP_WAIT);
      await this.recovery;
      if (this.disposing) return;
    }
    await stopInReverse(removed, (unit) => unit.stop({ reason: 'removed from the manifest', final: 'exited', hard: false }));
    for (const unit of removed) {
      this.units.delete(unit.name);
      this.emit('removed', unit.name);
      this.waiters.wake(unit.name);
    }
    const restarting = changed.filter((entry) => entry.wasActive).map((entry) => entry.unit);
    await stopInReverse(restarting, (unit) => unit.stop({ reason: 'restarting: manifest changed', final: 'exited', hard: false }));
    for (const { unit, spec, origin, wasActive } of changed) {
      unit.updateSpec(spec, origin);
      if (wasActive) toStart.push({ unit, reason: 'restarting: manifest changed' });
    }
    // In batches, one event-loop turn apart: a start is mostly synchronous work (a transition, a
    // log line, a file opened), and thousands at once would keep the API from answering.
    const starts: Promise<void>[] = [];
    for (let i = 0; i < toStart.length; i++) {
      if (i > 0 && i % START_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.disposing) break;
      starts.push(startUnlessClosed(this.hours, toStart[i].unit, toStart[i].reason));
    }
    await Promise.all(starts);
  }

  /** Manual start: clears `failed`; a unit with unmet dependencies waits for them, blocked. */
  async start(name: string): Promise<ServiceSnapshot> {
    const unit = this.unit(name);
    if (await this.cleanupPending()) {
      unit.holdFor(CLEANUP_WAIT);
      await this.recovery;
    }
    await unit.start('started by operator', { manual: true });
    return unit.snapshot();
  }

  async stop(name: string): Promise<ServiceSnapshot> {
    const unit = this.unit(name);
    await unit.stop({ reason: 'stopped by operator', final: 'exited', hard: false });
    return unit.snapshot();
  }

  async restart(name: string): Promise<ServiceSnapshot> {
    const unit = this.unit(name);
    await unit.stop({ reason: 'restarting by operator', final: 'exited', hard: false });
    await unit.start('restarted by operator', { manual: true });
    return unit.snapshot();
  }

  /** SIGKILL for the whole tree now, also cutting short a soft stop under way. */
  async kill(name: string): Promise<ServiceSnapshot> {
    const unit = this.unit(name);
    await unit.stop({ reason: 'killed by operator', final: 'exited', hard: true });
    return unit.snapshot();
  }

  async setEnabled(name: string, enabled: boolean): Promise<ServiceSnapshot> {
    const unit = this.unit(name);
    if (!enabled) await unit.stop({ reason: 'disabled by operator', final: 'disabled', hard: false });
    else if (!unit.active) await unit.start('enabled by operator', { manual: true });
    return unit.snapshot();
  }

  async startAll(): Promise<ServiceSnapshot[]> {
    this.assertOpen();
    const waiting = [...this.units.values()].filter((unit) => unit.enabled && !unit.active);
    if (await this.cleanupPending()) {
      for (const unit of waiting) unit.holdFor(CLEANUP_WAIT);
      await this.recovery;
    }
    const units = [...this.units.values()].filter((unit) => unit.enabled && !unit.active);
    await Promise.all(units.map((unit) => unit.start('started by operator (start all)', { manual: true })));
    return this.snapshot();
  }

  /** Reverse dependency order: each service stops after everything that depends on it. */
  async stopAll(): Promise<ServiceSnapshot[]> {
    await stopInReverse([...this.units.values()], (unit) => unit.stop({ reason: 'stopped by operator (stop all)', final: 'exited', hard: false }));
    return this.snapshot();
  }

  async restartAll(): Promise<ServiceSnapshot[]> {
    this.assertOpen();
    await stopInReverse([...this.units.values()], (unit) => unit.stop({ reason: 'restarting all by operator', final: 'exited', hard: false }));
    return this.startAll();
  }

  /** How to read device presence now, undebounced; it reports back through setMissingDevices. */
  checkDevicesWith(check: () => void): void {
    this.deviceCheck = check;
  }

  setMissingDevices(name: string, missing: string[]): void {
    this.missingDevices.set(name, [...missing]);
    this.units.get(name)?.setMissingDevices(missing);
  }

  get(name: string): ServiceSnapshot | undefined {
    return this.units.get(name)?.snapshot();
  }

  snapshot(): ServiceSnapshot[] {
    return this.order.flatMap((name) => this.units.get(name)?.snapshot() ?? []);
  }

  /** Whether a client (panel, event socket) is connected: stats are sampled faster then. */
  setWatched(watched: boolean): void {
    this.statsClock?.setWatched(watched);
  }

  /** Stop everything (reverse order), clear timers, remove the state file. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.statsClock?.stop();
      this.hours.dispose();
      // The orphans had their stop signal when the cleanup began; a stopping supervisor does
      // not wait out their stop timeout (up to minutes) for processes no service owns.
      this.cutCleanupShort.resolve();
      await this.recovery;
      await stopInReverse([...this.units.values()], (unit) => unit.stop({ reason: 'supervisor shutting down', final: 'exited', hard: false }));
      this.state.remove();
    })();
    return this.disposing;
  }

  /** A second stop request: SIGKILL every tree now, cutting short soft stops and the orphan cleanup (dispose then ends soon). */
  hurry(): void {
    this.cutCleanupShort.resolve();
    for (const unit of this.units.values()) void unit.stop({ reason: 'supervisor shutting down (forced)', final: 'exited', hard: true });
  }

  /** True while the orphan cleanup runs; one with nothing to do is given one turn to end before anything waits. */
  private async cleanupPending(): Promise<boolean> {
    if (!this.recovered) await Promise.race([this.recovery, new Promise((resolve) => setImmediate(resolve))]);
    if (this.recovered) return false;
    if (!this.cleanupAnnounced) {
      this.cleanupAnnounced = true;
      this.emit('cleanup', { phase: 'started' });
    }
    return true;
  }

  private unit(name: string): ServiceUnit {
    this.assertOpen();
    const unit = this.units.get(name);
    if (!unit) throw new ContractError('not-found', `no service named "${name}"`, { service: name });
    return unit;
  }

  private assertOpen(): void {
    if (this.disposing) throw new ContractError('unavailable', 'the supervisor is shutting down');
  }

  private publish(unit: ServiceUnit, transition: Transition | null): void {
    this.emit('service', unit.snapshot(), transition);
    this.waiters.wake(unit.name);
  }

  /** Orphans of a crashed predecessor go before anything starts; then our session is on disk before our first launch. Resolves to how many were killed. */
  private async recover(legacy: StateFile): Promise<number> {
    const say = (line: string) => this.say(line);
    let count = 0;
    try {
      count += await reapOrphans(legacy, say, this.cutCleanupShort.promise);
      count += await reapOrphans(this.stateFile, say, this.cutCleanupShort.promise);
    } catch (error) {
      say(`orphan cleanup failed: ${(error as Error).message}`);
    }
    // Now, not on the next turn: a crash from here on must find our session in the file.
    this.state.writeNow();
    return count;
  }

  private async sampleStats(): Promise<void> {
    if (this.sampling || this.disposing) return;
    const trees = [...this.units.values()].flatMap((unit) => {
      const tree = unit.tree();
      return tree ? [{ unit, name: unit.name, rootPid: tree.root.pid, known: tree.members, marker: tree.marker, since: tree.root.startTime }] : [];
    });
    if (trees.length === 0) return;
    this.sampling = true;
    try {
      const samples = await this.sampler.sample(trees);
      let membersChanged = false;
      for (const { unit, rootPid } of trees) {
        const sample = samples.get(unit.name);
        // The unit may have relaunched while pidusage was busy: never pin old figures on it.
        if (sample && unit.tree()?.root.pid === rootPid) membersChanged = unit.applySample(sample) || membersChanged;
      }
      if (membersChanged) this.state.schedule();
    } finally {
      this.sampling = false;
    }
  }

  private trees(): Record<string, TreeRecord> {
    const services: Record<string, TreeRecord> = {};
    for (const unit of this.units.values()) {
      const tree = unit.tree();
      if (tree) services[unit.name] = tree;
    }
    return services;
  }

  private say(line: string): void {
    this.logs.write(ORCHESTRATOR_LOG, 'system', `${line}\n`);
  }
}
