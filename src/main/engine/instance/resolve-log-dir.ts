// Logs go beside the manifest (ARCHITECTURE.md §8) unless that folder cannot be written, as for
// the demo manifest inside an installed app; then they go to the user's state directory.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function resolveLogDir(preferred: string, stateDir: string): Promise<string> {
  try {
    await mkdir(preferred, { recursive: true });
    await access(preferred, constants.W_OK);
    return preferred;
  } catch {
    const fallback = join(stateDir, 'logs');
    await mkdir(fallback, { recursive: true });
    return fallback;
  }
}
