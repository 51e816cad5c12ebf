// Runs the CLI from source (through tsx) for tests that start built-in parts as child processes,
// without needing `npm run build` first.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export const sourceCliArgv: string[] = [
  process.execPath,
  '--import',
  pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
  join(repoRoot, 'src', 'main', 'cli.ts'),
];
