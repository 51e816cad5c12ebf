// Dependencies can only be judged with every service read: unknown names, default
// conditions (which depend on the other service's probe) and cycles, each reported at the
// dependency entry that causes it.
import { didYouMean } from './did-you-mean';
import type { FieldReader } from './field-reader';
import type { DependencyDraft, ServiceDraft } from './read-service';

/**
 * Fills in `spec.dependencies` of every draft and reports what is wrong with them. `builtins`
 * are the built-in parts the manifest turns on (`mrmd-sync`, `mrmd-runtime`): a service may
 * wait for them like any other; they have health probes, so the default condition is healthy.
 */
export function resolveDependencies(reader: FieldReader, drafts: readonly ServiceDraft[], builtins: readonly string[] = []): void {
  const byName = new Map(drafts.map((draft) => [draft.spec.name, draft]));
  const edges = new Map<string, DependencyDraft[]>();
  let allNames: string[] | undefined;
  for (const draft of drafts) {
    const seen = new Set<string>();
    const known: DependencyDraft[] = [];
    for (const dependency of draft.dependencies) {
      const target = byName.get(dependency.name);
      if (!seen.has(dependency.name) && !target && builtins.includes(dependency.name)) {
        draft.spec.dependencies.push({ name: dependency.name, condition: dependency.condition ?? 'healthy' });
        seen.add(dependency.name);
        continue;
      }
      if (seen.has(dependency.name)) {
        reader.report(dependency.pos, dependency.field, `"${dependency.name}" is listed twice`);
      } else if (!target) {
        allNames ??= [...drafts.map((other) => other.spec.name), ...builtins];
        reader.report(dependency.pos, dependency.field, `no service named "${dependency.name}"${didYouMean(dependency.name, allNames)}`);
      } else {
        known.push(dependency);
        const condition = dependency.condition ?? (target.spec.health ? 'healthy' : 'started');
        draft.spec.dependencies.push({ name: dependency.name, condition });
      }
      seen.add(dependency.name);
    }
    edges.set(draft.spec.name, known);
  }
  reportCycles(reader, drafts, edges);
}

/**
 * Depth-first in file order; a dependency that leads back onto the current path closes a
 * cycle, reported once (at that entry) however many services start it. Iterative, with the
 * path indexed by name, so a 10,000-deep chain costs linear time and no call stack.
 */
function reportCycles(reader: FieldReader, drafts: readonly ServiceDraft[], edges: Map<string, DependencyDraft[]>): void {
  const done = new Set<string>();
  const path: string[] = [];
  const indexOnPath = new Map<string, number>();
  const reported = new Set<string>();
  // Each frame: a service on the path and the next of its dependencies to look at.
  const stack: { name: string; next: number }[] = [];
  const enter = (name: string): void => {
    indexOnPath.set(name, path.length);
    path.push(name);
    stack.push({ name, next: 0 });
  };
  for (const draft of drafts) {
    if (done.has(draft.spec.name)) continue;
    enter(draft.spec.name);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const dependencies = edges.get(frame.name) ?? [];
      if (frame.next >= dependencies.length) {
        stack.pop();
        path.pop();
        indexOnPath.delete(frame.name);
        done.add(frame.name);
        continue;
      }
      const dependency = dependencies[frame.next++];
      const back = indexOnPath.get(dependency.name);
      if (back !== undefined) {
        const cycle = [...path.slice(back), dependency.name];
        const key = [...cycle.slice(1)].sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          reader.report(dependency.pos, dependency.field, `dependency cycle: ${describeCycle(cycle)}`);
        }
      } else if (!done.has(dependency.name)) {
        enter(dependency.name);
      }
    }
  }
}

/** A long cycle is named by its ends and its length; thousands of names help nobody. */
function describeCycle(cycle: readonly string[]): string {
  const MAX_SHOWN = 12;
  if (cycle.length <= MAX_SHOWN) return cycle.join(' → ');
  const services = cycle.length - 1;
  return `${cycle.slice(0, 6).join(' → ')} → … (${services - 8} more) → ${cycle.slice(-3).join(' → ')} (${services} services)`;
}
