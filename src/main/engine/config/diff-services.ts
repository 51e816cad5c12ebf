// What a reload changes (ARCHITECTURE.md §2, §8): only added, removed and changed services are
// touched; unchanged ones keep running. A service is changed when any field of its spec
// differs, however small, because every field reaches the process or its supervision.
import type { Manifest } from './manifest-types';

export interface ManifestDiff {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
  syncChanged: boolean;
  monitorsChanged: boolean;
}

export function diffManifests(prev: Manifest, next: Manifest): ManifestDiff {
  const before = new Map(prev.services.map((service) => [service.name, service]));
  const after = new Set(next.services.map((service) => service.name));
  const diff: ManifestDiff = {
    added: [],
    removed: prev.services.filter((service) => !after.has(service.name)).map((service) => service.name),
    changed: [],
    unchanged: [],
    syncChanged: !sameValue(prev.sync, next.sync),
    monitorsChanged: !sameValue(prev.monitors, next.monitors),
  };
  for (const service of next.services) {
    const old = before.get(service.name);
    if (!old) diff.added.push(service.name);
    else if (sameValue(old, service)) diff.unchanged.push(service.name);
    else diff.changed.push(service.name);
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
