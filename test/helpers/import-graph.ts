// The import graph of src/, read the way TypeScript reads it (ts.preProcessFile: static imports,
// re-exports, dynamic import() and require), for the folder rules in test/architecture.test.ts.
// Test code (*.test.ts, *.test-kit.ts) is left out: tests may reach across folders.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface SourceModule {
  /** Repository-relative path with forward slashes, e.g. `src/main/engine/orchestrator.ts`. */
  path: string;
  lines: number;
  /** Resolved repository-relative paths of relative imports. */
  imports: string[];
  /** Bare specifiers (`electron`, `node:fs`, `yjs`) as written. */
  packages: string[];
}

export function isTestCode(path: string): boolean {
  return /\.test\.tsx?$|\.test-kit\.tsx?$/.test(path);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

function resolveRelative(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.d.ts`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every non-test module under `root/src`; an unresolvable relative import is kept as written. */
export function readImportGraph(root: string): SourceModule[] {
  const rel = (file: string) => relative(root, file).split('\\').join('/');
  return sourceFiles(join(root, 'src'))
    .filter((file) => !isTestCode(file))
    .map((file) => {
      const text = readFileSync(file, 'utf8');
      const specs = ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName);
      const relativeSpecs = specs.filter((spec) => spec.startsWith('.'));
      return {
        path: rel(file),
        lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
        imports: relativeSpecs.map((spec) => {
          const target = resolveRelative(file, spec);
          return target ? rel(target) : `${rel(dirname(file))}/${spec}`;
        }),
        packages: specs.filter((spec) => !spec.startsWith('.')),
      };
    });
}
