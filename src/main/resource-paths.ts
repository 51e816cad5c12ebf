// Where the app's own files are: beside the build output in a checkout (out/main → ../../),
// under process.resourcesPath in a packaged app (electron-builder extraResources).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

function packageRoot(): string {
  return join(__dirname, '..', '..');
}

export function resourcesDir(): string {
  if (process.env.SHOWRUNNER_RESOURCES) return process.env.SHOWRUNNER_RESOURCES;
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'demo'))) return packaged;
  return join(packageRoot(), 'resources');
}

export function demoManifestPath(): string {
  return join(resourcesDir(), 'demo', 'services.toml');
}

/** The built renderer; the daemon serves it over HTTP. */
export function rendererDir(): string {
  return join(__dirname, '..', 'renderer');
}
