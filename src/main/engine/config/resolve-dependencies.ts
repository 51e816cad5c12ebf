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
        const names = [...drafts.map((other) => other.spec.name), ...builtins];
        reader.report(dependency.pos, dependency.field, `no service named "${dependency.name}"${didYouMean(dependency.name, names)}`);
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
 * cycle, reported once (at that entry) however many services start it.
 */
function reportCycles(reader: FieldReader, drafts: readonly ServiceDraft[], edges: Map<string, DependencyDraft[]>): void {
  const done = new Set<string>();
  const onPath: string[] = [];
  const reported = new Set<string>();
  const visit = (name: string): void => {
    onPath.push(name);
    for (const dependency of edges.get(name) ?? []) {
      const back = onPath.indexOf(dependency.name);
      if (back >= 0) {
        const cycle = [...onPath.slice(back), dependency.name];
        const key = [...cycle.slice(1)].sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          reader.report(dependency.pos, dependency.field, `dependency cycle: ${cycle.join(' → ')}`);
        }
      } else if (!done.has(dependency.name)) {
        visit(dependency.name);
      }
    }
    onPath.pop();
    done.add(name);
  };
  for (const draft of drafts) if (!done.has(draft.spec.name)) visit(draft.spec.name);
}
