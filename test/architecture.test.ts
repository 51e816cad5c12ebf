// The folder rules of docs/architecture.md §1 and §5, checked on the import graph of src/ (read
// with TypeScript's own preProcessFile): only src/main/app imports electron; the engine imports
// only itself and shared/; the shells (app, daemon, cli) meet only through src/main/attach;
// the renderer imports only itself and shared/; no import cycles; no module over 350 lines.
// Each rule is also shown failing on a fake graph, so a broken reader cannot pass vacuously.
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli-argv';
import { architectureViolations, areaOf, importCycles } from './helpers/architecture-rules';
import { readImportGraph, type SourceModule } from './helpers/import-graph';

const mod = (path: string, imports: string[] = [], packages: string[] = [], lines = 10): SourceModule => ({ path, imports, packages, lines });

describe('the source tree', () => {
  const graph = readImportGraph(repoRoot);

  it('keeps every folder rule', () => {
    expect(architectureViolations(graph)).toEqual([]);
  });

  it('is read for real: imports, packages and every area are found', () => {
    const byPath = new Map(graph.map((module) => [module.path, module]));
    expect(byPath.get('src/main/index.ts')?.packages).toContain('electron');
    expect(byPath.get('src/main/engine/orchestrator.ts')?.imports.length).toBeGreaterThan(5);
    expect(byPath.get('src/main/app/open-engine.ts')?.imports).toContain('src/main/attach/supervisor-lock.ts');
    const areas = new Set(graph.map((module) => areaOf(module.path)));
    for (const area of ['shared', 'renderer', 'preload', 'engine', 'attach', 'app', 'daemon', 'cli', 'entry', 'main-root']) expect(areas).toContain(area);
    expect(graph.some((module) => module.path.endsWith('.test.ts'))).toBe(false);
  });
});

describe('architectureViolations on fake graphs', () => {
  it('accepts a graph that keeps the rules', () => {
    const ok = [
      mod('src/main/index.ts', ['src/main/app/tray.ts', 'src/main/attach/remote-orchestrator.ts', 'src/main/run-cli.ts'], ['electron']),
      mod('src/main/app/tray.ts', ['src/main/engine/orchestrator.ts', 'src/shared/model.ts'], ['electron']),
      mod('src/main/attach/remote-orchestrator.ts', ['src/main/engine/api/event-hub.ts']),
      mod('src/main/engine/orchestrator.ts', ['src/shared/model.ts'], ['node:fs']),
      mod('src/renderer/src/App.tsx', ['src/shared/model.ts'], ['react']),
    ];
    expect(architectureViolations(ok)).toEqual([]);
  });

  it('refuses electron outside src/main/app', () => {
    expect(architectureViolations([mod('src/main/engine/supervisor/x.ts', [], ['electron'])])).toEqual([
      'src/main/engine/supervisor/x.ts imports electron (only src/main/app may)',
    ]);
    expect(architectureViolations([mod('src/main/daemon/x.ts', [], ['electron/main'])])).toHaveLength(1);
  });

  it('refuses the engine importing a shell or attach', () => {
    for (const target of ['src/main/cli/parse.ts', 'src/main/daemon/run-daemon.ts', 'src/main/app/tray.ts', 'src/main/attach/supervisor-lock.ts', 'src/main/resource-paths.ts']) {
      const problems = architectureViolations([mod('src/main/engine/mrp/main.ts', [target]), mod(target)]);
      expect(problems).toEqual([`src/main/engine/mrp/main.ts imports ${target} (engine may import only engine, shared)`]);
    }
  });

  it('refuses one shell importing another, naming the attach folder as the way', () => {
    expect(architectureViolations([mod('src/main/app/open-engine.ts', ['src/main/daemon/supervisor-lock.ts']), mod('src/main/daemon/supervisor-lock.ts')])).toEqual([
      'src/main/app/open-engine.ts imports src/main/daemon/supervisor-lock.ts (shells meet only through src/main/attach)',
    ]);
    expect(architectureViolations([mod('src/main/cli/a.ts', ['src/main/daemon/b.ts']), mod('src/main/daemon/b.ts', ['src/main/app/c.ts']), mod('src/main/app/c.ts')])).toHaveLength(2);
  });

  it('refuses attach importing a shell', () => {
    expect(architectureViolations([mod('src/main/attach/a.ts', ['src/main/daemon/b.ts']), mod('src/main/daemon/b.ts')])).toHaveLength(1);
  });

  it('keeps the renderer to itself and shared/, without Node', () => {
    expect(architectureViolations([mod('src/renderer/src/x.ts', ['src/main/engine/orchestrator.ts']), mod('src/main/engine/orchestrator.ts')])).toHaveLength(1);
    expect(architectureViolations([mod('src/renderer/src/x.ts', ['src/preload/index.ts']), mod('src/preload/index.ts')])).toHaveLength(1);
    expect(architectureViolations([mod('src/renderer/src/x.ts', [], ['node:fs'])])).toEqual(['src/renderer/src/x.ts imports node:fs (renderer runs without Node)']);
  });

  it('keeps shared/ free of Node and of every other folder', () => {
    expect(architectureViolations([mod('src/shared/x.ts', [], ['node:path'])])).toHaveLength(1);
    expect(architectureViolations([mod('src/shared/x.ts', ['src/main/engine/y.ts']), mod('src/main/engine/y.ts')])).toHaveLength(1);
  });

  it('finds import cycles, long and short', () => {
    const cycle = [mod('src/main/engine/a.ts', ['src/main/engine/b.ts']), mod('src/main/engine/b.ts', ['src/main/engine/c.ts']), mod('src/main/engine/c.ts', ['src/main/engine/a.ts'])];
    expect(importCycles(cycle)).toEqual([['src/main/engine/a.ts', 'src/main/engine/b.ts', 'src/main/engine/c.ts']]);
    expect(architectureViolations(cycle)).toEqual(['import cycle: src/main/engine/a.ts → src/main/engine/b.ts → src/main/engine/c.ts → src/main/engine/a.ts']);
    expect(importCycles([mod('src/main/engine/a.ts', ['src/main/engine/a.ts'])])).toHaveLength(1);
    expect(importCycles([mod('src/main/engine/a.ts', ['src/main/engine/b.ts']), mod('src/main/engine/b.ts')])).toEqual([]);
  });

  it('refuses a module over 350 lines', () => {
    expect(architectureViolations([mod('src/main/engine/big.ts', [], [], 351)])).toEqual(['src/main/engine/big.ts has 351 lines (at most 350)']);
    expect(architectureViolations([mod('src/main/engine/ok.ts', [], [], 350)])).toEqual([]);
  });
});
