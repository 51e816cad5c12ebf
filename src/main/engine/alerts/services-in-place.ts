// The heartbeat's condition (issue 18's dead-man switch): every autostarted service is where it
// should be. Running counts (healthy too where a probe is set), a finished one-shot counts, a
// service the operator disabled counts (it is meant to be off), and so does one closed by its
// opening hours (`closed`, schedules); anything else — starting, blocked, backing off,
// exited, failed — stops the heartbeat.
import type { ServiceSnapshot } from '../../../shared/model';

/** Strings, not the union: `closed` comes with opening hours (issue 18, schedules). */
const AT_REST: ReadonlySet<string> = new Set(['completed', 'disabled', 'closed']);

export type InPlace = { ok: true } | { ok: false; why: string };

export function servicesInPlace(services: readonly ServiceSnapshot[]): InPlace {
  for (const service of services) {
    if (!service.autostart) continue;
    const kind = service.state.kind;
    if (AT_REST.has(kind)) continue;
    if (kind === 'running') {
      if (service.probe && service.health !== 'healthy') return { ok: false, why: `${service.name} is running but not healthy (${service.health})` };
      continue;
    }
    return { ok: false, why: `${service.name} is ${kind}` };
  }
  return { ok: true };
}
