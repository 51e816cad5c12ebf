// Dependencies after the start (issue 15): a dependency met its condition when its dependent
// started, but may go down later (stopped, killed, unhealthy). While the dependent runs,
// `watchDependencies` says which dependencies no longer meet their condition, in words
// ("api is stopped; db is unhealthy"), on every change; the unit shows it as `degraded` and
// applies `on_dependency_down`.
import type { DependencyRef } from '../../../shared/model';
import { describeExit } from '../../../shared/describe-state';
import { meetsCondition, type DependencyStatus, type DependencyView } from './dependency-wait';

export interface DependencyDown {
  /** Joined reasons, or null while every dependency meets its condition. */
  reason: string | null;
  names: string[];
}

/** Why `dep` no longer meets its condition, or null while it does. */
export function dependencyDown(dep: DependencyRef, status: DependencyStatus | undefined): string | null {
  if (meetsCondition(status, dep.condition)) return null;
  const { name } = dep;
  if (!status) return `${name} is not defined`;
  const { state, health } = status;
  switch (state.kind) {
    case 'running':
      if (dep.condition === 'completed') return `${name} is running, not completed`;
      return health === 'unhealthy' ? `${name} is unhealthy` : `${name} is not healthy yet`;
    case 'exited':
      if (state.requested) return `${name} is stopped`;
      return `${name} ${describeExit(state.code, state.signal)}`;
    case 'backoff':
      return `${name} is restarting (${state.lastExit})`;
    case 'failed':
      return `${name} failed (${state.reason})`;
    case 'completed':
      return `${name} has completed`;
    case 'closed':
      return `${name} is closed (outside the opening hours of ${state.schedule})`;
    case 'disabled':
    case 'blocked':
    case 'starting':
    case 'stopping':
      return `${name} is ${state.kind}`;
  }
}

export function dependenciesDown(dependencies: DependencyRef[], view: DependencyView): DependencyDown {
  const down = dependencies.flatMap((dep) => {
    const reason = dependencyDown(dep, view.status(dep.name));
    return reason ? [{ name: dep.name, reason }] : [];
  });
  return { reason: down.length ? down.map((entry) => entry.reason).join('; ') : null, names: down.map((entry) => entry.name) };
}

/**
 * Calls `onChange` with the current answer now and after every change of it, until the
 * returned function is called. It listens only to its dependencies and to `self` (whose list
 * of dependencies may change with the manifest; then it listens to the new list).
 */
export function watchDependencies(
  self: string,
  dependencies: () => DependencyRef[],
  view: DependencyView,
  onChange: (down: DependencyDown) => void,
): () => void {
  let last = '';
  let watched = '';
  let off: () => void = () => {};
  const check = (): void => {
    const deps = dependencies();
    const names = [self, ...deps.map((dep) => dep.name)];
    if (names.join('\n') !== watched) {
      off();
      watched = names.join('\n');
      off = view.onChange(names, check);
    }
    const down = dependenciesDown(deps, view);
    const key = down.reason ?? '';
    if (key === last) return;
    last = key;
    onChange(down);
  };
  check();
  return () => off();
}
