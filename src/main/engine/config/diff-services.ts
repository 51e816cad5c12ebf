// What a reload changes (ARCHITECTURE.md §2, §8), the one diff Supervisor.apply and the manifest
// watcher use: only added, removed and changed services are touched; unchanged ones keep
// running. A service is changed when any field of its spec differs, however small, because every
// field reaches the process or its supervision; only a change to what the process is made of
// (PROCESS_FIELDS) restarts it, the rest applies in place.
import type { ServiceSpec } from './manifest-types';

/** Fields whose change needs a new process; the rest (names, policies, dependencies) apply in place. */
const PROCESS_FIELDS = ['command', 'workingDir', 'venv', 'env', 'pty', 'health'] as const;

export interface ServiceDiff {
  added: string[];
  removed: string[];
  /** Every service whose spec differs in any field. */
  changed: string[];
  /** The changed services that need a new process; the others are updated in place. */
  restart: string[];
  unchanged: string[];
}

export function diffServices(before: readonly ServiceSpec[], after: readonly ServiceSpec[]): ServiceDiff {
  const old = new Map(before.map((spec) => [spec.name, spec]));
  const kept = new Set(after.map((spec) => spec.name));
  const diff: ServiceDiff = { added: [], removed: before.filter((spec) => !kept.has(spec.name)).map((spec) => spec.name), changed: [], restart: [], unchanged: [] };
  for (const spec of after) {
    const previous = old.get(spec.name);
    if (!previous) diff.added.push(spec.name);
    else if (sameValue(previous, spec)) diff.unchanged.push(spec.name);
    else {
      diff.changed.push(spec.name);
      if (PROCESS_FIELDS.some((field) => !sameValue(previous[field], spec[field]))) diff.restart.push(spec.name);
    }
  }
  return diff;
}

/**
 * Deep equality of plain data. Object key order does not matter (an `env` reordered in the
 * file is the same env) and a key holding `undefined` equals a missing key, since specs built
 * in code may spell an absent option either way. Array order matters.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}
