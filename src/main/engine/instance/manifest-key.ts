// The one name of a supervised instance in file names: the supervisor lock, the daemon's
// discovery record, its lasting token and the supervisor state file are all keyed by it, so two
// manifests never share one, and one manifest reached by two paths (a symlink) has one.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/** 32 hex characters of sha256 over the manifest's real path (its absolute path if absent). */
export function manifestKey(manifestPath: string): string {
  let real: string;
  try {
    real = realpathSync(manifestPath);
  } catch {
    real = resolve(manifestPath);
  }
  return instanceKey(real);
}

/** The same key for an instance named by something other than a manifest file (`showrunner mrmd`). */
export function instanceKey(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
