// How the supervisor starts our own CLI for the built-in parts (mrmd-sync, mrmd-runtime).
// Plain Node: `node out/main/cli.js`. In the desktop app, the Electron binary runs as Node with
// ELECTRON_RUN_AS_NODE; packaged builds turn that fuse off, so they use `node` from PATH.
import { join } from 'node:path';
import { mainOutDir } from './resource-paths';

export function builtinCliArgv(): string[] {
  const cli = join(mainOutDir(), 'cli.js');
  if (!process.versions.electron) return [process.execPath, cli];
  const packaged = !process.defaultApp && !/[\\/]electron(\.exe)?$/i.test(process.execPath);
  return packaged ? ['node', cli] : ['env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, cli];
}
