// One service's state machine (ARCHITECTURE.md §2, STYLE.md §3). While the service is wanted
// up, one `run` loop owns it: wait for dependencies and devices (blocked), launch (starting,
// running), and on exit apply the restart policy (backoff, exited, completed, failed). A
// stop aborts the run's AbortController; whatever the loop is awaiting (a dependency, the
// backoff timer, the process) races that signal, so a stop always wins and frees the unit at
// once. Every state change goes through `transition`, which records a human reason and emits.
// The launch is launch-once.ts (watched by launch-watch.ts), the restart policy restart-after-exit.ts.
import type { Health, ProbeResult, ProcessStats, ServiceSnapshot, ServiceState, Transition } from '../../../shared/model';
import { ORCHESTRATOR_LOG } from '../../../shared/reserved-names';
import type { ServiceSpec } from '../config/manifest-types';
import type { LogSink } from '../logs/log-sink';
import { deviceLabel } from './device-label';
import { blockedState, describeBlocker, waitForDependencies, type DependencyStatus, type DependencyView } from './dependency-wait';
import { deferred } from './deferred';
import type { ExitInfo, ProcessLauncher } from './launch-request';
import { launchOnce, type Launch, type LaunchSteps, type Run, type StopRequest } from './launch-once';
import { watchLaunch } from './launch-watch';
import type { ProcRef } from './proc-table';
import { probeTarget } from './probes/probe-runner';
import { RestartBackoff } from './restart-backoff';
import { restartAfterExit, type RestartSteps } from './restart-after-exit';
import { killTree } from './stop-tree';
import type { TreeRecord } from './state-file';
import type { TreeSample } from './tree-sampler';

export interface UnitHost {
  logs: LogSink;
  launcher: ProcessLauncher;
  view: DependencyView;
  emit(unit: ServiceUnit, transition: Transition | null): void;
  /** A process tree appeared, grew or ended: persist it for orphan cleanup. */
  treeChanged(): void;
  /** A fresh SHOWRUNNER_LAUNCH value for the next launch of this service (launch-marker.ts). */
  launchMarker(service: string): string;
  /** Reads device presence now, undebounced; what is missing arrives via setMissingDevices. */
  checkDevicesNow(): void;
  /** Opening hours and next daily restart, for the snapshot (schedules/opening-hours.ts). */
  timing(service: string): Pick<ServiceSnapshot, 'schedule' | 'dailyRestart'>;
}

const MAX_TRANSITIONS = 20;
/** States a run only reaches as its last. */
const RUN_ENDS = new Set<ServiceState['kind']>(['exited', 'completed', 'failed', 'disabled', 'closed']);
export class ServiceUnit {
  enabled: boolean;
  private state: ServiceState;
  private health: Health = 'unknown';
  private lastProbe: ProbeResult | null = null;
  private degraded: { reason: string | null; names: string[] } = { reason: null, names: [] };
  private restarts = 0;
  private stats: ProcessStats | null = null;
  private transitions: Transition[] = [];
  private missing: string[] = [];
  private readonly deviceListeners = new Set<() => void>();
  private readonly settleWaiters: (() => void)[] = [];
  private run: Run | null = null;
  private launch: Launch | null = null;
  private reconnectPending = false;
  private lastExit: ExitInfo | null = null;
  private readonly backoff: RestartBackoff;
  private readonly steps: LaunchSteps;
  private readonly restartSteps: RestartSteps;

  constructor(
    public spec: ServiceSpec,
    public origin: ServiceSnapshot['origin'],
    private readonly host: UnitHost,
  ) {
    this.enabled = spec.autostart;
    this.state = spec.autostart ? { kind: 'blocked', waitingOn: { services: spec.dependencies, devices: [] } } : { kind: 'disabled' };
    this.backoff = new RestartBackoff(spec);
    // A getter, not a copy: updateSpec replaces the spec while a launch runs.
    const unit = this;
    this.steps = {
      get spec() {
        return unit.spec;
      },
      logs: host.logs,
      launcher: host.launcher,
      launchMarker: (service) => host.launchMarker(service),
      resetForLaunch: () => {
        this.reconnectPending = false;
        this.health = 'unknown';
        this.markProbeStale();
        this.stats = null;
      },
      transition: (next, reason) => this.transition(next, reason),
      system: (text) => this.system(text),
      began: (launch) => {
        this.launch = launch;
        host.treeChanged();
      },
      watch: (launch, port) =>
        watchLaunch(launch, port, {
          spec: () => this.spec,
          view: host.view,
          // Health belongs to this launch's process: a late answer for an older one is dropped.
          onHealth: (health, result, changed) => {
            if (this.launch !== launch) return;
            const healthChanged = health !== this.health;
            this.health = health;
            this.lastProbe = result;
            if (healthChanged) this.system(`health: ${health} (${result.message})`);
            if (changed) this.host.emit(this, null);
          },
          onDegraded: (down, policy) => {
            if (this.launch !== launch) return false;
            this.degraded = down;
            if (down.reason) this.system(`dependency down: ${down.reason} (on_dependency_down = ${policy})`);
            else this.system('dependencies are back');
            this.host.emit(this, null);
            return true;
          },
        }),
      endLaunch: () => this.endLaunch(),
      exited: (info) => (this.lastExit = info),
      finishStop: (run) => this.finishStop(run),
    };
    this.restartSteps = {
      policy: () => this.spec.restart,
      missingDevices: () => this.missing,
      needsDevices: () => this.spec.requiresDevices.length > 0,
      checkDevicesNow: () => host.checkDevicesNow(),
      backoff: this.backoff,
      countRestart: () => this.restarts++,
      transition: (next, reason) => this.transition(next, reason),
      finishStop: (run) => this.finishStop(run),
    };
  }

  get name(): string {
    return this.spec.name;
  }

  /** Wanted up: a run is under way and not being stopped. */
  get active(): boolean {
    return !!this.run && !this.run.controller.signal.aborted && !this.run.ended;
  }

  status(): DependencyStatus {
    return { state: this.state, health: this.health, active: this.active };
  }

  /** Resolves once the run has settled into something other than `starting`. */
  async start(reason: string, { manual = false } = {}): Promise<void> {
    if (manual) {
      this.enabled = true;
      this.backoff.reset();
    }
    while (this.run) {
      if (this.active) return;
      await this.run.done;
    }
    const run: Run = { controller: new AbortController(), stop: null, forceNow: deferred(), ended: false, done: Promise.resolve() };
    const settled = new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    this.run = run;
    run.done = this.loop(run, reason).finally(() => {
      if (this.run === run) this.run = null;
      this.settle();
    });
    await settled;
  }

  /** Resolves when the unit has stopped. A hard request during a soft stop cuts it short. */
  async stop(request: StopRequest): Promise<void> {
    const run = this.run;
    if (request.final === 'disabled') this.enabled = false;
    if (!run) {
      if (request.final === 'disabled' && this.state.kind !== 'disabled') this.transition({ kind: 'disabled' }, request.reason);
      else if (request.closed && this.enabled) this.transition(request.closed, request.reason);
      return;
    }
    if (!run.stop) {
      run.stop = request;
      run.controller.abort();
      this.launch?.interrupt.resolve({ kind: 'stop' });
    } else if (request.final === 'disabled') {
      run.stop.final = 'disabled';
    }
    if (request.hard) {
      run.stop.hard = true;
      run.forceNow.resolve();
    }
    await run.done;
  }

  /** Shown while the supervisor does something every start must wait for (orphan cleanup). */
  holdFor(what: string): void {
    if (this.run) return;
    this.transition({ kind: 'blocked', waitingOn: { services: [], devices: [], cleanup: what } }, `waiting for ${what}`);
  }

  setMissingDevices(missing: string[]): void {
    this.missing = [...missing];
    for (const listener of [...this.deviceListeners]) listener();
    const launch = this.launch;
    if (!launch) return;
    if (missing.length > 0 && this.spec.deviceRestartPolicy === 'immediate') {
      launch.interrupt.resolve({ kind: 'devices-missing', devices: this.missing });
    } else if (missing.length > 0 && !this.reconnectPending) {
      this.reconnectPending = true;
      this.system(`device ${missing.join(', ')} missing; keeps running and restarts once it is back (device_restart_policy = on_reconnect)`);
    } else if (missing.length === 0 && this.reconnectPending) {
      this.reconnectPending = false;
      launch.interrupt.resolve({ kind: 'devices-back' });
    }
  }

  /** Settings that do not need a new process (names, policies, dependencies) apply in place. */
  updateSpec(spec: ServiceSpec, origin: ServiceSnapshot['origin']): void {
    this.spec = spec;
    this.origin = origin;
    this.backoff.update(spec);
    this.host.emit(this, null);
  }

  tree(): TreeRecord | null {
    if (!this.launch) return null;
    const { main, known, marker } = this.launch;
    return { root: main, members: known, marker, stopSignal: this.spec.stopSignal, stopTimeoutMs: this.spec.stopTimeoutMs };
  }

  /** Stats from the shared sampler; true when the set of tree members changed. */
  applySample(sample: TreeSample): boolean {
    if (!this.launch) return false;
    const others = sample.members.filter((ref) => ref.pid !== this.launch!.main.pid);
    const pids = (refs: ProcRef[]): string => refs.map((ref) => ref.pid).sort((a, b) => a - b).join();
    const changed = pids(others) !== pids(this.launch.known);
    this.launch.known = others;
    // Unchanged figures are not news: an idle service costs no event (and no renderer work) per tick.
    const before = this.stats;
    this.stats = sample.stats;
    const { cpuPercent, rssBytes, processCount } = sample.stats;
    if (!before || before.cpuPercent !== cpuPercent || before.rssBytes !== rssBytes || before.processCount !== processCount) this.host.emit(this, null);
    return changed;
  }

  snapshot(): ServiceSnapshot {
    const { spec } = this;
    return {
      name: spec.name,
      displayName: spec.displayName,
      origin: this.origin,
      command: spec.command,
      workingDir: spec.workingDir,
      dependencies: spec.dependencies,
      requiresDevices: spec.requiresDevices.map(deviceLabel),
      autostart: this.enabled,
      state: this.state,
      health: this.health,
      probe: spec.health ? { type: spec.health.type, target: probeTarget(spec.health) } : null,
      lastProbe: this.lastProbe,
      degraded: this.degraded.reason,
      degradedBy: [...this.degraded.names],
      restarts: this.restarts,
      stats: this.stats,
      transitions: [...this.transitions],
      ...this.host.timing(spec.name),
    };
  }

  private async loop(run: Run, reason: string): Promise<void> {
    let why = reason;
    // Launches of this run: a restart's log file may be pruned, the run's first one is kept.
    let launches = 0;
    this.lastExit = null;
    try {
      for (;;) {
        const ready = await waitForDependencies({
          waiter: this.name,
          dependencies: this.spec.dependencies,
          missingDevices: () => this.missing,
          onDevicesChange: (listener) => {
            this.deviceListeners.add(listener);
            return () => this.deviceListeners.delete(listener);
          },
          view: this.host.view,
          signal: run.controller.signal,
          onBlocked: (blocker) => this.transition(blockedState(blocker), blocker.problem ?? describeBlocker(blocker)),
        });
        if (ready === 'aborted') {
          this.finishStop(run);
          return;
        }
        const outcome = await launchOnce(this.steps, run, why, launches++ > 0);
        if (outcome.kind === 'stopped') return;
        if (outcome.kind === 'relaunch') {
          why = outcome.why;
          continue;
        }
        this.lastExit = outcome.info;
        const next = await restartAfterExit(this.restartSteps, run, outcome);
        if (next === null) return;
        why = next;
      }
    } catch (error) {
      // A bug here must not leave the unit silently stuck in `starting` or `running`.
      if (this.launch) killTree(this.launch.main.pid, this.launch.known, this.launch.marker);
      this.launch = null;
      this.host.treeChanged();
      this.transition({ kind: 'failed', reason: `internal error: ${(error as Error).message}`, restarts: 0, windowMs: 0 }, `internal error: ${(error as Error).stack}`);
    }
  }

  /** The last result stays visible, greyed with its age, but says nothing about a new process. */
  private markProbeStale(): void {
    if (this.lastProbe && !this.lastProbe.stale) this.lastProbe = { ...this.lastProbe, stale: true };
  }

  private endLaunch(): void {
    this.launch = null;
    this.health = 'unknown';
    this.markProbeStale();
    this.degraded = { reason: null, names: [] };
    this.stats = null;
    this.host.treeChanged();
  }

  private finishStop(run: Run): { kind: 'stopped' } {
    const request = run.stop ?? { reason: 'stopped', final: 'exited', hard: false };
    const exit = this.lastExit ?? { code: null, signal: null };
    const stopped: ServiceState = { kind: 'exited', code: exit.code, signal: exit.signal, at: Date.now(), requested: true };
    this.transition(request.final === 'disabled' ? { kind: 'disabled' } : (request.closed ?? stopped), request.reason);
    return { kind: 'stopped' };
  }

  private transition(next: ServiceState, reason: string): void {
    const transition: Transition = { at: Date.now(), from: this.state.kind, to: next.kind, reason };
    this.state = next;
    if (this.run && RUN_ENDS.has(next.kind)) this.run.ended = true;
    this.transitions.push(transition);
    if (this.transitions.length > MAX_TRANSITIONS) this.transitions.splice(0, this.transitions.length - MAX_TRANSITIONS);
    this.system(`${next.kind}: ${reason}`);
    if (next.kind !== 'starting') this.settle();
    this.host.emit(this, transition);
  }

  private settle(): void {
    for (const resolve of this.settleWaiters.splice(0)) resolve();
  }

  /** Supervisor messages go to the service's log and to the orchestrator's. */
  private system(text: string): void {
    this.host.logs.write(this.name, 'system', `${text}\n`);
    this.host.logs.write(ORCHESTRATOR_LOG, 'system', `${this.name}: ${text}\n`);
  }
}
