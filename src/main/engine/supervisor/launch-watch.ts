// What looks on while one launch runs: its health probe (readiness, and liveness failures that
// interrupt it as unhealthy) and the watch on its dependencies, where `on_dependency_down`
// decides whether a dependency going down stops this launch or restarts it once it is back.
// The unit keeps the state (health, last probe, degraded); this module decides the interrupts.
import type { Health, ProbeResult } from '../../../shared/model';
import type { ServiceSpec } from '../config/manifest-types';
import type { DependencyView } from './dependency-wait';
import { watchDependencies, type DependencyDown } from './dependency-watch';
import { treePids, type Launch } from './launch-once';
import { PortOwnership } from './probes/port-ownership';
import { ProbeRunner } from './probes/probe-runner';

export interface LaunchWatchHost {
  /** Read at each change: policies apply in place (updateSpec). */
  spec(): ServiceSpec;
  view: DependencyView;
  onHealth(health: Health, result: ProbeResult, changed: boolean): void;
  /** False when the launch is no longer the unit's: then nothing is interrupted. */
  onDegraded(down: DependencyDown, policy: 'keep' | 'stop' | 'restart'): boolean;
}

/** Starts both watches; the result ends them. */
export function watchLaunch(launch: Launch, port: number | null, host: LaunchWatchHost): () => void {
  const spec = host.spec();
  let probe: ProbeRunner | null = null;
  if (spec.health) {
    probe = new ProbeRunner({
      health: spec.health,
      main: launch.main,
      context: { workingDir: spec.workingDir, env: spec.env },
      ownership: port === null ? undefined : new PortOwnership(port, () => treePids(launch)),
      onResult: (health, result, changed) => host.onHealth(health, result, changed),
      onUnhealthy: (message) => launch.interrupt.resolve({ kind: 'unhealthy', message }),
    });
    probe.start();
  }
  let restartPending = false;
  const unwatch = watchDependencies(
    spec.name,
    () => host.spec().dependencies,
    host.view,
    (down) => {
      const policy = host.spec().onDependencyDown ?? 'keep';
      if (!host.onDegraded(down, policy)) return;
      if (down.reason && policy === 'stop') launch.interrupt.resolve({ kind: 'dependency-down', reason: down.reason });
      if (down.reason && policy === 'restart') restartPending = true;
      if (!down.reason && restartPending) launch.interrupt.resolve({ kind: 'dependency-back' });
    },
  );
  return () => {
    unwatch();
    probe?.stop();
  };
}
