// One service's state machine (ARCHITECTURE.md §2, STYLE.md §3). While the service is wanted
// up, one `run` loop owns it: wait for dependencies and devices (blocked), launch (starting,
// running), and on exit apply the restart policy (backoff, exited, completed, failed). A
// stop aborts the run's AbortController; whatever the loop is awaiting (a dependency, the
// backoff timer, the process) races that signal, so a stop always wins and frees the unit at
// once. Every state change goes through `transition`, which records a human reason and emits.
import { plural } from '../../../shared/plural';
import type { Health, ProbeResult, ProcessStats, ServiceSnapshot, ServiceState, Transition } from '../../../shared/model';
import { describeExit } from '../../../shared/describe-state';
import type { ServiceSpec } from '../config/manifest-types';
import type { LogSink } from '../logs/log-sink';
import { deviceLabel } from './device-label';
import { blockedState, describeBlocker, waitForDependencies, type DependencyStatus, type DependencyView } from './dependency-wait';
import { deferred, type Deferred } from './deferred';
import { sleep } from './sleep';
import { LaunchError, type ExitInfo, type LaunchedProcess, type ProcessLauncher } from './process-launcher';
import { collectTree, readProcess, readProcTable, walkTree, type ProcRef } from './proc-table';
import { watchDependencies } from './dependency-watch';
import { describePortHolder, findPortHolder, localProbePort } from './port-holder';
import { PortOwnership } from './probes/port-ownership';
import { ProbeRunner, probeTarget } from './probes/probe-runner';
import { RestartBackoff } from './restart-backoff';
import { killTree, stopTree } from './stop-tree';
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
}

export interface StopRequest {
  reason: string;
  /** `disabled` also keeps it from starting with the set. */
  final: 'exited' | 'disabled';
  hard: boolean;
}

type Interrupt =
  | { kind: 'stop' }
  | { kind: 'unhealthy'; message: string }
  | { kind: 'devices-missing'; devices: string[] }
  | { kind: 'devices-back' }
  | { kind: 'dependency-down'; reason: string }
  | { kind: 'dependency-back' };

interface Run {
  controller: AbortController;
  stop: StopRequest | null;
  forceNow: Deferred<void>;
  /** Set with the run's last transition, so waiters see it as over in that same event. */
  ended: boolean;
  done: Promise<void>;
}

interface Launch {
  process: LaunchedProcess;
  main: ProcRef;
  known: ProcRef[];
  marker: string;
  interrupt: Deferred<Interrupt>;
}

type LaunchOutcome = { kind: 'stopped' } | { kind: 'exit'; info: ExitInfo; uptimeMs: number; cause: string } | { kind: 'relaunch'; why: string };

export const ORCHESTRATOR_LOG = 'orchestrator';
const MAX_TRANSITIONS = 20;
/** States a run only reaches as its last. */
const RUN_ENDS = new Set<ServiceState['kind']>(['exited', 'completed', 'failed', 'disabled']);
/** After SIGKILL the exit event follows within milliseconds; this only guards a lost event. */
const EXIT_AFTER_KILL_MS = 5000;
/** A process reading a device fails as the driver lets go, a moment before udev removes the
 *  node: a service that needs devices is judged once at its exit and once this much later. */
export const DEVICE_EXIT_GRACE_MS = 300;

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

  constructor(
    public spec: ServiceSpec,
    public origin: ServiceSnapshot['origin'],
    private readonly host: UnitHost,
  ) {
    this.enabled = spec.autostart;
    this.state = spec.autostart ? { kind: 'blocked', waitingOn: { services: spec.dependencies, devices: [] } } : { kind: 'disabled' };
    this.backoff = new RestartBackoff(spec);
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
        const outcome = await this.launchOnce(run, why, launches++ > 0);
        if (outcome.kind === 'stopped') return;
        if (outcome.kind === 'relaunch') {
          why = outcome.why;
          continue;
        }
        const next = await this.afterExit(run, outcome);
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

  private async launchOnce(run: Run, why: string, restart: boolean): Promise<LaunchOutcome> {
    const { spec, host } = this;
    // Before any log file or process: a port someone else holds would answer our probe.
    const port = localProbePort(spec.health);
    const holder = port === null ? null : findPortHolder(port);
    if (holder) return { kind: 'exit', info: { code: null, signal: null }, uptimeMs: 0, cause: describePortHolder(holder) };
    host.logs.beginLaunch(spec.name, { restart });
    this.reconnectPending = false;
    this.health = 'unknown';
    this.markProbeStale();
    this.stats = null;
    this.transition({ kind: 'starting' }, why);
    let process: LaunchedProcess;
    const marker = host.launchMarker(spec.name);
    try {
      process = await host.launcher.launch({ ...spec, marker }, (stream, data) => {
        if (host.logs.write(spec.name, stream, data) === false) return host.logs.whenWritable?.(spec.name);
      });
    } catch (error) {
      if (run.stop) return this.finishStop(run);
      const reason = (error as Error).message;
      if (error instanceof LaunchError && error.permanent) {
        this.transition({ kind: 'failed', reason, restarts: 0, windowMs: 0 }, reason);
        return { kind: 'stopped' };
      }
      return { kind: 'exit', info: { code: null, signal: null }, uptimeMs: 0, cause: reason };
    }
    const since = Date.now();
    const main = { pid: process.pid, startTime: readProcess(process.pid)?.startTime ?? '' };
    const launch: Launch = { process, main, known: [], marker, interrupt: deferred() };
    // Processes started before the main one cannot carry its marker: not read at stop.
    const marked = { marker, since: main.startTime || undefined };
    this.launch = launch;
    host.treeChanged();
    let first: { kind: 'exit'; info: ExitInfo } | Interrupt = { kind: 'stop' };
    if (!run.stop) {
      this.transition({ kind: 'running', pid: process.pid, since }, `started (pid ${process.pid})`);
      const probe = this.startProbe(launch, port);
      const unwatch = this.watchDependencies(launch);
      first = await Promise.race([process.exited.then((info) => ({ kind: 'exit' as const, info })), launch.interrupt.promise]);
      unwatch();
      probe?.stop();
    }
    if (first.kind === 'exit') {
      // The tree dies with its main process: leftovers would hold ports and files.
      await stopTree({ pid: main.pid, signal: 'SIGKILL', timeoutMs: 0, ...marked, known: launch.known });
      this.endLaunch();
      return { kind: 'exit', info: first.info, uptimeMs: Date.now() - since, cause: describeExit(first.info.code, first.info.signal) };
    }
    const hard = first.kind === 'stop' && !!run.stop?.hard;
    this.transition({ kind: 'stopping', pid: main.pid }, stopReason(first, run));
    const { killed } = await stopTree({
      pid: main.pid,
      signal: hard ? 'SIGKILL' : spec.stopSignal,
      timeoutMs: spec.stopTimeoutMs,
      ...marked,
      known: launch.known,
      exited: process.exited,
      forceNow: run.forceNow.promise,
    });
    if (killed > 0 && !hard) this.system(`${killed} processes still running after ${spec.stopTimeoutMs} ms (${spec.stopSignal}); killed with SIGKILL`);
    const info = await withTimeout(process.exited, EXIT_AFTER_KILL_MS, { code: null, signal: 'SIGKILL' });
    this.endLaunch();
    this.lastExit = info;
    switch (first.kind) {
      case 'stop':
        return this.finishStop(run);
      case 'unhealthy':
        return { kind: 'exit', info, uptimeMs: Date.now() - since, cause: `unhealthy: ${first.message}` };
      case 'devices-missing':
        return { kind: 'relaunch', why: 'required devices are back' };
      case 'devices-back':
        return { kind: 'relaunch', why: 'restarting: required devices reconnected' };
      case 'dependency-down':
        return { kind: 'relaunch', why: 'dependencies are back (on_dependency_down = stop)' };
      case 'dependency-back':
        return { kind: 'relaunch', why: 'restarting: dependencies are back (on_dependency_down = restart)' };
    }
  }

  /** The restart policy: the reason for the next launch, or null when this run is over. */
  private async afterExit(run: Run, outcome: { info: ExitInfo; uptimeMs: number; cause: string }): Promise<string | null> {
    const { info, uptimeMs, cause } = outcome;
    this.lastExit = info;
    const clean = info.code === 0 && info.signal === null && !cause.startsWith('unhealthy');
    const policy = this.spec.restart;
    if (policy === 'never' || (policy === 'on-failure' && clean)) {
      if (clean) this.transition({ kind: 'completed', at: Date.now() }, `${cause}; done (restart = ${policy})`);
      else this.transition({ kind: 'exited', code: info.code, signal: info.signal, at: Date.now() }, `${cause} (restart = ${policy})`);
      return null;
    }
    // Died while a required device was gone: the unplug's doing, not a crash. No restart is
    // counted and no backoff runs; the next launch waits for the device (issue 16).
    const gone = await this.devicesGoneAtExit(run);
    if (gone === 'aborted') {
      this.finishStop(run);
      return null;
    }
    if (gone) return `${cause} while device ${this.missing.join(', ')} was missing; starts when it is back`;
    const decision = this.backoff.next(uptimeMs);
    if (decision.kind === 'give-up') {
      const reason = `crash loop: ${cause} after ${plural(decision.restarts, 'restart')}, none stayed up ${Math.round(decision.windowMs / 1000)} s`;
      this.transition({ kind: 'failed', reason, restarts: decision.restarts, windowMs: decision.windowMs }, reason);
      return null;
    }
    this.restarts++;
    const nextTryAt = Date.now() + decision.delayMs;
    this.transition({ kind: 'backoff', nextTryAt, attempt: decision.attempt, lastExit: cause }, `${cause}; retry in ${formatDelay(decision.delayMs)}`);
    if (!(await sleep(decision.delayMs, run.controller.signal))) {
      this.finishStop(run);
      return null;
    }
    return `restart ${decision.attempt} after ${cause}`;
  }

  /**
   * Whether a required device is gone, asked at the exit itself rather than from the watcher's
   * debounced report, which an unplugged service usually outruns: at once, and again after a
   * short grace for a node removed just after the process died.
   */
  private async devicesGoneAtExit(run: Run): Promise<boolean | 'aborted'> {
    if (this.missing.length > 0) return true;
    if (this.spec.requiresDevices.length === 0) return false;
    this.host.checkDevicesNow();
    if (this.missing.length > 0) return true;
    if (!(await sleep(DEVICE_EXIT_GRACE_MS, run.controller.signal))) return 'aborted';
    this.host.checkDevicesNow();
    return this.missing.length > 0;
  }

  private startProbe(launch: Launch, port: number | null): ProbeRunner | null {
    const { health } = this.spec;
    if (!health) return null;
    const probe = new ProbeRunner({
      health,
      main: launch.main,
      context: { workingDir: this.spec.workingDir, env: this.spec.env },
      ownership: port === null ? undefined : new PortOwnership(port, () => treePids(launch)),
      onResult: (health, result, changed) => {
        // Health belongs to this launch's process: a late answer for an older one is dropped.
        if (this.launch !== launch) return;
        const healthChanged = health !== this.health;
        this.health = health;
        this.lastProbe = result;
        if (healthChanged) this.system(`health: ${health} (${result.message})`);
        if (changed) this.host.emit(this, null);
      },
      onUnhealthy: (message) => launch.interrupt.resolve({ kind: 'unhealthy', message }),
    });
    probe.start();
    return probe;
  }

  /**
   * While the process runs: `degraded` says which dependencies no longer meet their condition,
   * and `on_dependency_down` decides what happens to this one.
   */
  private watchDependencies(launch: Launch): () => void {
    let restartPending = false;
    return watchDependencies(
      this.name,
      () => this.spec.dependencies,
      this.host.view,
      (down) => {
        if (this.launch !== launch) return;
        this.degraded = down;
        const policy = this.spec.onDependencyDown ?? 'keep';
        if (down.reason) this.system(`dependency down: ${down.reason} (on_dependency_down = ${policy})`);
        else this.system('dependencies are back');
        this.host.emit(this, null);
        if (down.reason && policy === 'stop') launch.interrupt.resolve({ kind: 'dependency-down', reason: down.reason });
        if (down.reason && policy === 'restart') restartPending = true;
        if (!down.reason && restartPending) launch.interrupt.resolve({ kind: 'dependency-back' });
      },
    );
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
    if (request.final === 'disabled') {
      this.transition({ kind: 'disabled' }, request.reason);
    } else {
      const exit = this.lastExit ?? { code: null, signal: null };
      this.transition({ kind: 'exited', code: exit.code, signal: exit.signal, at: Date.now(), requested: true }, request.reason);
    }
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

function stopReason(interrupt: Interrupt, run: Run): string {
  switch (interrupt.kind) {
    case 'stop':
      return run.stop?.reason ?? 'stopping';
    case 'unhealthy':
      return `unhealthy: ${interrupt.message}`;
    case 'devices-missing':
      return `device ${interrupt.devices.join(', ')} missing (device_restart_policy = immediate)`;
    case 'devices-back':
      return 'required devices reconnected (device_restart_policy = on_reconnect)';
    case 'dependency-down':
      return `dependency down: ${interrupt.reason} (on_dependency_down = stop)`;
    case 'dependency-back':
      return 'dependencies are back (on_dependency_down = restart)';
  }
}

/** The service's process tree now, for checking who holds its probe's port. */
function treePids(launch: Launch): number[] {
  const walked = walkTree(launch.main.pid, launch.known);
  if (walked) return walked.map((info) => info.pid);
  return collectTree(readProcTable(), launch.main.pid, launch.known).map((ref) => ref.pid);
}

/** "4 s", or "250 ms" for short delays. */
function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
