// The folder rules of docs/architecture.md §1 and §5 as one pure check over an import graph, so
// test/architecture.test.ts can run it on the real source and on fake graphs that break each
// rule (a rule that never fails proves nothing).
import type { SourceModule } from './import-graph';

export const MAX_MODULE_LINES = 350;

/** The folder a module belongs to, as the rules name it. */
export type Area = 'shared' | 'renderer' | 'preload' | 'engine' | 'attach' | 'app' | 'daemon' | 'cli' | 'entry' | 'main-root' | 'other';

const SHELLS: readonly Area[] = ['app', 'daemon', 'cli'];
/** The three entry points: the Electron main, the plain-Node CLI and the dispatcher both run. */
const ENTRIES = ['src/main/index.ts', 'src/main/cli.ts', 'src/main/run-cli.ts'];

export function areaOf(path: string): Area {
  if (path.startsWith('src/shared/')) return 'shared';
  if (path.startsWith('src/renderer/')) return 'renderer';
  if (path.startsWith('src/preload/')) return 'preload';
  const folder = /^src\/main\/(engine|attach|app|daemon|cli)\//.exec(path);
  if (folder) return folder[1] as Area;
  if (ENTRIES.includes(path)) return 'entry';
  if (/^src\/main\/[^/]+$/.test(path)) return 'main-root';
  return 'other';
}

/** Which areas each area may import (its own always); entries may import anything. */
const MAY_IMPORT: Record<Area, readonly Area[] | 'any'> = {
  shared: [],
  renderer: ['shared'],
  preload: ['shared'],
  engine: ['shared'],
  // What both shells use to find, lock and attach to an instance.
  attach: ['engine', 'shared', 'main-root'],
  app: ['attach', 'engine', 'shared', 'main-root'],
  daemon: ['attach', 'engine', 'shared', 'main-root'],
  cli: ['attach', 'engine', 'shared', 'main-root'],
  // Process-level helpers beside the entries (resource paths, flag parsing, command names).
  'main-root': ['engine', 'shared', 'main-root'],
  entry: 'any',
  other: 'any',
};

const ELECTRON_ALLOWED: readonly Area[] = ['app', 'preload'];
const NODE_FREE: readonly Area[] = ['shared', 'renderer'];

/** Every broken rule, one line each, naming the module and what it must not do. */
export function architectureViolations(modules: readonly SourceModule[], maxLines = MAX_MODULE_LINES): string[] {
  const problems: string[] = [];
  for (const module of modules) {
    const area = areaOf(module.path);
    for (const name of module.packages) {
      const electron = name === 'electron' || name.startsWith('electron/');
      if (electron && !ELECTRON_ALLOWED.includes(area) && module.path !== 'src/main/index.ts') problems.push(`${module.path} imports electron (only src/main/app may)`);
      if (NODE_FREE.includes(area) && (name.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'net', 'http'].includes(name))) problems.push(`${module.path} imports ${name} (${area} runs without Node)`);
    }
    const allowed = MAY_IMPORT[area];
    for (const target of module.imports) {
      const targetArea = areaOf(target);
      if (targetArea === area || allowed === 'any' || allowed.includes(targetArea)) continue;
      const why = SHELLS.includes(area) && SHELLS.includes(targetArea) ? 'shells meet only through src/main/attach' : `${area} may import only ${[area, ...allowed].join(', ')}`;
      problems.push(`${module.path} imports ${target} (${why})`);
    }
    if (module.lines > maxLines) problems.push(`${module.path} has ${module.lines} lines (at most ${maxLines})`);
  }
  for (const cycle of importCycles(modules)) problems.push(`import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  return problems;
}

/** Strongly connected components of more than one module, or a module importing itself (Tarjan). */
export function importCycles(modules: readonly SourceModule[]): string[][] {
  const edges = new Map(modules.map((module) => [module.path, module.imports]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node) ?? []) {
      if (!edges.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || edges.get(node)!.includes(node)) cycles.push(component.reverse());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
