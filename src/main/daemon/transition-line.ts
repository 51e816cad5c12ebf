// One line per state change for stderr (issue 15): `journalctl --user -u showrunner` shows the
// daemon's stderr, so crash loops and stops appear there as they did in Gradi's console.
//   kiosk: running → backoff: exited with code 1; retry in 4 s
import type { ServiceSnapshot, Transition } from '../../shared/model';

export function transitionLine(service: Pick<ServiceSnapshot, 'name'>, transition: Transition): string {
  // A reason may carry a stack (internal errors); the journal line keeps its first line.
  const reason = transition.reason.split('\n', 1)[0];
  return `${service.name}: ${transition.from} → ${transition.to}: ${reason}`;
}
