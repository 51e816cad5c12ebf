// What opening hours do to units (schedules/opening-hours.ts decides when): close them in
// reverse dependency order as an operator's stop-all would, start the closed ones at opening,
// restart a running one at its daily time. Every stop here is requested, never a failure.
import type { HoursTarget, OpeningHours } from '../schedules/opening-hours';
import type { ServiceUnit } from './service-unit';
import { stopInReverse } from './stop-in-reverse';

export function scheduleTarget(units: ReadonlyMap<string, ServiceUnit>, publish: (unit: ServiceUnit) => void, say: (line: string) => void): HoursTarget {
  return {
    async close(closing, reason) {
      const states = new Map(closing.map(({ name, state }) => [name, state]));
      const chosen = [...states.keys()].flatMap((name) => units.get(name) ?? []);
      await stopInReverse(chosen, (unit) => unit.stop({ reason, final: 'exited', hard: false, closed: states.get(unit.name) }));
    },
    reclose(closing, reason) {
      for (const { name, state } of closing) {
        const unit = units.get(name);
        const now = unit?.status().state;
        // Only a unit still shown closed, and only when the opening moved: no closed → closed noise.
        if (!unit || now?.kind !== 'closed' || JSON.stringify(now) === JSON.stringify(state)) continue;
        void unit.stop({ reason, final: 'exited', hard: false, closed: state });
      }
    },
    async open(names, reason) {
      const closed = names.flatMap((name) => units.get(name) ?? []).filter((unit) => unit.status().state.kind === 'closed');
      // Each waits for its own dependencies, as at autostart.
      await Promise.all(closed.map((unit) => unit.start(reason, { manual: true })));
    },
    async restart(name, reason) {
      const unit = units.get(name);
      if (!unit || unit.status().state.kind !== 'running') return;
      await unit.stop({ reason, final: 'exited', hard: false });
      await unit.start(reason);
    },
    changed(names) {
      for (const name of names) {
        const unit = units.get(name);
        if (unit) publish(unit);
      }
    },
    say,
  };
}

/** An autostart outside opening hours: shown closed until the next opening instead of started. */
export function startUnlessClosed(hours: OpeningHours, unit: ServiceUnit, reason: string): Promise<void> {
  const closed = hours.closedState(unit.name);
  if (!closed) return unit.start(reason);
  const schedule = closed.kind === 'closed' ? closed.schedule : 'schedule';
  return unit.stop({ reason: `outside opening hours: ${schedule} closed`, final: 'exited', hard: false, closed });
}
