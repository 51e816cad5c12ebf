// A service waits, blocked, until each dependency meets its condition and every required
// device is present (STYLE.md §3). The wait takes the waiter's AbortSignal, so stopping a
// blocked service frees it at once.
//
// A dependency that can no longer meet its condition (failed, exited for good, disabled,
// stopped) does not end the wait: the waiter stays blocked with `problem` saying why, and
// goes on as soon as the operator starts the dependency again.
import type { DependencyCondition, DependencyRef, Health, ServiceState } from '../../../shared/model';
import { describeExit } from '../../../shared/describe-state';

export interface DependencyStatus {
  state: ServiceState;
  health: Health;
  /** Something will bring it (back) up by itself: a run is under way, or a restart scheduled. */
  active: boolean;
}

export interface DependencyView {
  status(name: string): DependencyStatus | undefined;
  /**
   * Called after one of `names` changed (or was added or removed); returns the unsubscribe
   * function. Only those: with every waiter woken by every change, a start of N services was
   * O(N²) (10,000 blocked services took a minute to settle).
   */
  onChange(names: readonly string[], listener: () => void): () => void;
}

export interface Blocker {
  services: DependencyRef[];
  devices: string[];
  problem?: string;
}

export interface WaitOptions {
  waiter: string;
  dependencies: DependencyRef[];
  missingDevices: () => string[];
  /** Device changes wake the wait as service changes do. */
  onDevicesChange: (listener: () => void) => () => void;
  view: DependencyView;
  signal: AbortSignal;
  /** Called with each new set of unmet needs (only when it differs from the last). */
  onBlocked: (blocker: Blocker) => void;
}

export function meetsCondition(status: DependencyStatus | undefined, condition: DependencyCondition): boolean {
  if (!status) return false;
  const { state, health } = status;
  switch (condition) {
    case 'started':
      return state.kind === 'running' || state.kind === 'completed';
    case 'healthy':
      return state.kind === 'running' && health === 'healthy';
    case 'completed':
      return state.kind === 'completed';
  }
}

/** Why `dep` will not meet `condition` without the operator, or null while it still may. */
export function dependencyProblem(waiter: string, dep: DependencyRef, status: DependencyStatus | undefined): string | null {
  const head = `${waiter} waits for ${dep.name} to be ${dep.condition}, but ${dep.name}`;
  if (!status) return `${head} is not defined`;
  if (status.active) return null;
  const { state } = status;
  switch (state.kind) {
    case 'disabled':
      return `${head} is disabled`;
    case 'failed':
      return `${head} failed (${state.reason})`;
    case 'exited':
      // Stopped or killed by the operator is "stopped", as the degraded reason says it.
      if (state.requested || (state.code === null && state.signal === null)) return `${head} is stopped`;
      return `${head} ${describeExit(state.code, state.signal).replace('with code ', 'with ')}`;
    case 'completed':
      return `${head} completed and will not run again`;
    default:
      return null;
  }
}

export function unmetNeeds(options: Pick<WaitOptions, 'waiter' | 'dependencies' | 'missingDevices' | 'view'>): Blocker | null {
  const services = options.dependencies.filter((dep) => !meetsCondition(options.view.status(dep.name), dep.condition));
  const devices = options.missingDevices();
  if (services.length === 0 && devices.length === 0) return null;
  const problems = services.map((dep) => dependencyProblem(options.waiter, dep, options.view.status(dep.name))).filter((p) => p !== null);
  return problems.length > 0 ? { services, devices, problem: problems.join('; ') } : { services, devices };
}

export async function waitForDependencies(options: WaitOptions): Promise<'ok' | 'aborted'> {
  const { signal } = options;
  let lastKey = '';
  for (;;) {
    if (signal.aborted) return 'aborted';
    const blocker = unmetNeeds(options);
    if (!blocker) return 'ok';
    const key = JSON.stringify(blocker);
    if (key !== lastKey) {
      lastKey = key;
      options.onBlocked(blocker);
    }
    await nextChange(options);
  }
}

function nextChange(options: WaitOptions): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      offService();
      offDevices();
      options.signal.removeEventListener('abort', done);
      resolve();
    };
    const offService = options.view.onChange([options.waiter, ...options.dependencies.map((dep) => dep.name)], done);
    const offDevices = options.onDevicesChange(done);
    options.signal.addEventListener('abort', done, { once: true });
  });
}

export function blockedState(blocker: Blocker): ServiceState {
  const waitingOn = { services: blocker.services, devices: blocker.devices };
  return blocker.problem ? { kind: 'blocked', waitingOn, problem: blocker.problem } : { kind: 'blocked', waitingOn };
}

export function describeBlocker(blocker: Blocker): string {
  const waits = [...blocker.services.map((dep) => `${dep.name} to be ${dep.condition}`), ...blocker.devices.map((device) => `device ${device}`)];
  return `waiting for ${waits.join(', ')}`;
}
