// Paths in the manifest are relative to `root`; a leading `~/` is the user's home, as in the
// shell the operator copied them from.
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

export function resolveManifestPath(base: string, path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(base, path);
}
