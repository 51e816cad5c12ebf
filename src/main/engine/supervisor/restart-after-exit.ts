// The restart policy after a launch ended (the run loop's decision in service-unit.ts):
// `restart = never | on-failure | always`, no restart counted for an exit while a required
// device was unplugged, the crash-loop limit, and the backoff sleep a stop cuts short.
import { plural } from '../../../shared/plural';
import type { ServiceState } from '../../../shared/model';
import type { ServiceSpec } from '../config/manifest-types';
import type { ExitInfo } from './launch-request';
import type { Run } from './launch-once';
import type { RestartBackoff } from './restart-backoff';
import { sleep } from './sleep';

/** A process reading a device fails as the driver lets go, a moment before udev removes the
 *  node: a service that needs devices is judged once at its exit and once this much later. */
export const DEVICE_EXIT_GRACE_MS = 300;

export interface RestartSteps {
  policy(): ServiceSpec['restart'];
  missingDevices(): readonly string[];
  /** Whether the service requires any device at all. */
  needsDevices(): boolean;
  /** Reads device presence now, undebounced; what is missing arrives via missingDevices. */
  checkDevicesNow(): void;
  backoff: RestartBackoff;
  countRestart(): void;
  transition(next: ServiceState, reason: string): void;
  finishStop(run: Run): unknown;
}

/** The reason for the next launch, or null when this run is over. */
export async function restartAfterExit(unit: RestartSteps, run: Run, outcome: { info: ExitInfo; uptimeMs: number; cause: string }): Promise<string | null> {
  const { info, uptimeMs, cause } = outcome;
  const clean = info.code === 0 && info.signal === null && !cause.startsWith('unhealthy');
  const policy = unit.policy();
  if (policy === 'never' || (policy === 'on-failure' && clean)) {
    if (clean) unit.transition({ kind: 'completed', at: Date.now() }, `${cause}; done (restart = ${policy})`);
    else unit.transition({ kind: 'exited', code: info.code, signal: info.signal, at: Date.now() }, `${cause} (restart = ${policy})`);
    return null;
  }
  // Died while a required device was gone: the unplug's doing, not a crash. No restart is
  // counted and no backoff runs; the next launch waits for the device (issue 16).
  const gone = await devicesGoneAtExit(unit, run);
  if (gone === 'aborted') {
    unit.finishStop(run);
    return null;
  }
  if (gone) return `${cause} while device ${unit.missingDevices().join(', ')} was missing; starts when it is back`;
  const decision = unit.backoff.next(uptimeMs);
  if (decision.kind === 'give-up') {
    const reason = `crash loop: ${cause} after ${plural(decision.restarts, 'restart')}, none stayed up ${Math.round(decision.windowMs / 1000)} s`;
    unit.transition({ kind: 'failed', reason, restarts: decision.restarts, windowMs: decision.windowMs }, reason);
    return null;
  }
  unit.countRestart();
  const nextTryAt = Date.now() + decision.delayMs;
  unit.transition({ kind: 'backoff', nextTryAt, attempt: decision.attempt, lastExit: cause }, `${cause}; retry in ${formatDelay(decision.delayMs)}`);
  if (!(await sleep(decision.delayMs, run.controller.signal))) {
    unit.finishStop(run);
    return null;
  }
  return `restart ${decision.attempt} after ${cause}`;
}

/**
 * Whether a required device is gone, asked at the exit itself rather than from the watcher's
 * debounced report, which an unplugged service usually outruns: at once, and again after a
 * short grace for a node removed just after the process died.
 */
async function devicesGoneAtExit(unit: RestartSteps, run: Run): Promise<boolean | 'aborted'> {
  if (unit.missingDevices().length > 0) return true;
  if (!unit.needsDevices()) return false;
  unit.checkDevicesNow();
  if (unit.missingDevices().length > 0) return true;
  if (!(await sleep(DEVICE_EXIT_GRACE_MS, run.controller.signal))) return 'aborted';
  unit.checkDevicesNow();
  return unit.missingDevices().length > 0;
}

/** "4 s", or "250 ms" for short delays. */
function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
