// The folder rules of ARCHITECTURE.md §1 and STYLE.md §1, checked on the source: only
// src/main/app (and the Electron entry) may import electron; src/shared imports neither Node
// nor the DOM; the renderer never reaches into main.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli-argv';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3],
  );
}

const src = join(repoRoot, 'src');
const rel = (file: string) => relative(repoRoot, file);

describe('folder rules', () => {
  it('lets only src/main/app, the Electron entry and the preload import electron', () => {
    const offenders = sourceFiles(src)
      .filter((file) => !rel(file).startsWith('src/main/app/') && rel(file) !== 'src/main/index.ts' && rel(file) !== 'src/preload/index.ts')
      .filter((file) => importsOf(file).some((name) => name === 'electron' || name.startsWith('electron/')));
    expect(offenders.map(rel)).toEqual([]);
  });

  it('keeps src/shared free of Node built-ins and app code', () => {
    const offenders = sourceFiles(join(src, 'shared'))
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap((file) => importsOf(file).filter((name) => name.startsWith('node:') || name.startsWith('../')).map((name) => `${rel(file)} → ${name}`));
    expect(offenders).toEqual([]);
  });

  it('keeps the renderer out of main and preload code', () => {
    const offenders = sourceFiles(join(src, 'renderer'))
      .flatMap((file) => importsOf(file).filter((name) => /\/main\/|\/preload\/|^node:/.test(name)).map((name) => `${rel(file)} → ${name}`));
    expect(offenders).toEqual([]);
  });

  it('finds imports at all (the rules above are not vacuous)', () => {
    expect(importsOf(join(src, 'main', 'index.ts'))).toContain('electron');
  });
});
