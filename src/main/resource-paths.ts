// Where the app's own files are: in a checkout, the package root above the build output (the
// bundler may put this code in out/main or out/main/chunks, so we look upward); in a packaged
// app, under process.resourcesPath (electron-builder extraResources).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findUp(start: string, relative: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

export function resourcesDir(): string {
  if (process.env.SHOWRUNNER_RESOURCES) return process.env.SHOWRUNNER_RESOURCES;
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'demo'))) return packaged;
  const root = findUp(__dirname, join('resources', 'demo', 'services.toml'));
  return join(root ?? process.cwd(), 'resources');
}

export function demoManifestPath(): string {
  return join(resourcesDir(), 'demo', 'services.toml');
}

/** The built renderer; the daemon serves it over HTTP and the app over app://. */
export function rendererDir(): string {
  const root = findUp(__dirname, join('out', 'renderer', 'index.html'));
  return join(root ?? process.cwd(), 'out', 'renderer');
}

/** The built main-process output, for preload paths and child entry points. */
export function mainOutDir(): string {
  const root = findUp(__dirname, join('out', 'main'));
  return join(root ?? process.cwd(), 'out', 'main');
}

/**
 * The real mrmd editor's files (mrmd-electron's bundle, fonts, LICENSE), fetched by
 * scripts/fetch-mrmd-editor.mjs into vendor/mrmd-editor; packaged under resources/mrmd-editor.
 */
export function mrmdEditorDir(): string {
  if (process.env.SHOWRUNNER_MRMD_EDITOR_DIR) return process.env.SHOWRUNNER_MRMD_EDITOR_DIR;
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'mrmd-editor'))) return join(packaged, 'mrmd-editor');
  const root = findUp(__dirname, 'package.json');
  return join(root ?? process.cwd(), 'vendor', 'mrmd-editor');
}
