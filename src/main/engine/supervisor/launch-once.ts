// One launch of a service, from its process starting to its tree gone (the "launch" half of
// service-unit.ts, which keeps the run loop and the restart policy): refuse a port a stranger
// holds, start the process, run while probes and dependency watches look on, and on an exit or
// an interrupt (stop, unhealthy, devices, dependencies) stop the whole tree and say what next.
import { describeExit } from '../../../shared/describe-state';
import type { ServiceState } from '../../../shared/model';
import type { ServiceSpec } from '../config/manifest-types';
import type { LogSink } from '../logs/log-sink';
import { deferred, type Deferred } from './deferred';
import { LaunchError, type ExitInfo, type LaunchedProcess, type ProcessLauncher } from './launch-request';
import { describePortHolder, findPortHolder, localProbePort } from './port-holder';
import { collectTree, readProcess, readProcTable, walkTree, type ProcRef } from './proc-table';
import { sleep } from './sleep';
import { stopTree } from './stop-tree';

/** A blocked service (no docker CLI or engine) looks again this often. */
export const BLOCKER_RETRY_MS = 10_000;
/** The blocker a run last showed, so a retry that finds the same one adds no transition. */
const shownBlocker = new WeakMap<Run, string>();

export interface StopRequest {
  reason: string;
  /** `disabled` also keeps it from starting with the set. */
  final: 'exited' | 'disabled';
  hard: boolean;
  /** Opening hours: end in this `closed` state instead (also from idle, if the unit is enabled). */
  closed?: ServiceState;
}

export type Interrupt =
  | { kind: 'stop' }
  | { kind: 'unhealthy'; message: string }
  | { kind: 'devices-missing'; devices: string[] }
  | { kind: 'devices-back' }
  | { kind: 'dependency-down'; reason: string }
  | { kind: 'dependency-back' };

export interface Run {
  controller: AbortController;
  stop: StopRequest | null;
  forceNow: Deferred<void>;
  /** Set with the run's last transition, so waiters see it as over in that same event. */
  ended: boolean;
  done: Promise<void>;
}

export interface Launch {
  process: LaunchedProcess;
  main: ProcRef;
  known: ProcRef[];
  marker: string;
  interrupt: Deferred<Interrupt>;
}

export type LaunchOutcome = { kind: 'stopped' } | { kind: 'exit'; info: ExitInfo; uptimeMs: number; cause: string } | { kind: 'relaunch'; why: string };

/** After SIGKILL the exit event follows within milliseconds; this only guards a lost event. */
const EXIT_AFTER_KILL_MS = 5000;

/** What a launch needs from its unit: its spec and host, and the unit's own bookkeeping. */
export interface LaunchSteps {
  readonly spec: ServiceSpec;
  readonly logs: LogSink;
  readonly launcher: ProcessLauncher;
  launchMarker(service: string): string;
  /** A new process says nothing yet: health unknown, the last probe stale, no stats. */
  resetForLaunch(): void;
  transition(next: ServiceState, reason: string): void;
  system(text: string): void;
  /** The process is up: the unit holds the launch, the tree is persisted. */
  began(launch: Launch): void;
  /** Probes and dependency watches while it runs; the result ends them. */
  watch(launch: Launch, port: number | null): () => void;
  endLaunch(): void;
  exited(info: ExitInfo): void;
  finishStop(run: Run): { kind: 'stopped' };
}

export async function launchOnce(unit: LaunchSteps, run: Run, why: string, restart: boolean): Promise<LaunchOutcome> {
  const { spec } = unit;
  const blocker = (await unit.launcher.blocker?.({ ...spec })) ?? null;
  if (blocker !== null) {
    if (run.stop) return unit.finishStop(run);
    if (shownBlocker.get(run) !== blocker) unit.transition({ kind: 'blocked', waitingOn: { services: [], devices: [] }, problem: blocker }, blocker);
    shownBlocker.set(run, blocker);
    if (!(await sleep(BLOCKER_RETRY_MS, run.controller.signal))) return unit.finishStop(run);
    return { kind: 'relaunch', why: `looking again after: ${blocker}` };
  }
  shownBlocker.delete(run);
  // Before any log file or process: a port someone else holds would answer our probe.
  const port = localProbePort(spec.health);
  const holder = port === null ? null : findPortHolder(port);
  if (holder) return { kind: 'exit', info: { code: null, signal: null }, uptimeMs: 0, cause: describePortHolder(holder) };
  unit.logs.beginLaunch(spec.name, { restart });
  unit.resetForLaunch();
  unit.transition({ kind: 'starting' }, why);
  let process: LaunchedProcess;
  const marker = unit.launchMarker(spec.name);
  try {
    process = await unit.launcher.launch({ ...spec, marker }, (stream, data) => {
      if (unit.logs.write(spec.name, stream, data) === false) return unit.logs.whenWritable?.(spec.name);
    });
  } catch (error) {
    if (run.stop) return unit.finishStop(run);
    const reason = (error as Error).message;
    if (error instanceof LaunchError && error.permanent) {
      unit.transition({ kind: 'failed', reason, restarts: 0, windowMs: 0 }, reason);
      return { kind: 'stopped' };
    }
    return { kind: 'exit', info: { code: null, signal: null }, uptimeMs: 0, cause: reason };
  }
  const since = Date.now();
  const main = { pid: process.pid, startTime: readProcess(process.pid)?.startTime ?? '' };
  const launch: Launch = { process, main, known: [], marker, interrupt: deferred() };
  // Processes started before the main one cannot carry its marker: not read at stop.
  const marked = { marker, since: main.startTime || undefined };
  unit.began(launch);
  let first: { kind: 'exit'; info: ExitInfo } | Interrupt = { kind: 'stop' };
  if (!run.stop) {
    unit.transition({ kind: 'running', pid: process.pid, since }, `started (pid ${process.pid})`);
    const unwatch = unit.watch(launch, port);
    first = await Promise.race([process.exited.then((info) => ({ kind: 'exit' as const, info })), launch.interrupt.promise]);
    unwatch();
  }
  if (first.kind === 'exit') {
    // The tree dies with its main process: leftovers would hold ports and files.
    await stopTree({ pid: main.pid, signal: 'SIGKILL', timeoutMs: 0, ...marked, known: launch.known });
    unit.endLaunch();
    return { kind: 'exit', info: first.info, uptimeMs: Date.now() - since, cause: describeExit(first.info.code, first.info.signal) };
  }
  const hard = first.kind === 'stop' && !!run.stop?.hard;
  unit.transition({ kind: 'stopping', pid: main.pid }, stopReason(first, run));
  const { killed } = await stopTree({
    pid: main.pid,
    signal: hard ? 'SIGKILL' : spec.stopSignal,
    timeoutMs: spec.stopTimeoutMs,
    ...marked,
    known: launch.known,
    exited: process.exited,
    forceNow: run.forceNow.promise,
  });
  if (killed > 0 && !hard) unit.system(`${killed} processes still running after ${spec.stopTimeoutMs} ms (${spec.stopSignal}); killed with SIGKILL`);
  const info = await withTimeout(process.exited, EXIT_AFTER_KILL_MS, { code: null, signal: 'SIGKILL' });
  unit.endLaunch();
  unit.exited(info);
  switch (first.kind) {
    case 'stop':
      return unit.finishStop(run);
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
export function treePids(launch: Launch): number[] {
  const walked = walkTree(launch.main.pid, launch.known);
  if (walked) return walked.map((info) => info.pid);
  return collectTree(readProcTable(), launch.main.pid, launch.known).map((ref) => ref.pid);
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
