// Reverse-order shutdown (ARCHITECTURE.md §2): a service stops only after everything that
// depends on it has stopped.
import type { DependencyRef } from '../../../shared/model';

export interface StoppableUnit {
  readonly name: string;
  readonly spec: { dependencies: readonly DependencyRef[] };
}

/**
 * Each unit stops once every unit that depends on it has stopped. Built leaves-first without
 * recursion (a 10,000-deep chain must not exhaust the stack) from a dependents index built
 * once, so the cost is linear in services plus dependencies.
 */
export async function stopInReverse<Unit extends StoppableUnit>(units: Unit[], stop: (unit: Unit) => Promise<void>): Promise<void> {
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const dependents = new Map<string, Set<string>>();
  for (const unit of units) {
    for (const dep of unit.spec.dependencies) {
      if (!byName.has(dep.name) || dep.name === unit.name) continue;
      let set = dependents.get(dep.name);
      if (!set) dependents.set(dep.name, (set = new Set()));
      set.add(unit.name);
    }
  }
  const waiting = new Map(units.map((unit) => [unit.name, dependents.get(unit.name)?.size ?? 0]));
  const ready = units.filter((unit) => waiting.get(unit.name) === 0);
  const stops = new Map<string, Promise<void>>();
  const stopAfterDependents = (unit: Unit): void => {
    const before = [...(dependents.get(unit.name) ?? [])].flatMap((name) => stops.get(name) ?? []);
    stops.set(unit.name, Promise.all(before).then(() => stop(unit)));
  };
  while (ready.length > 0) {
    const unit = ready.pop() as Unit;
    stopAfterDependents(unit);
    for (const dep of new Set(unit.spec.dependencies.map((ref) => ref.name))) {
      const left = waiting.get(dep);
      if (left === undefined || dep === unit.name) continue;
      waiting.set(dep, left - 1);
      if (left - 1 === 0) ready.push(byName.get(dep) as Unit);
    }
  }
  // A cycle cannot pass the manifest check; should one slip through, it must not deadlock.
  for (const unit of units) if (!stops.has(unit.name)) stopAfterDependents(unit);
  await Promise.all(stops.values());
}
