// The user's state directory: supervisor state file, fallback logs.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'Showrunner');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Showrunner');
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'showrunner');
}
