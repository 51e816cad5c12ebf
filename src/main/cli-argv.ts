// How the supervisor starts our own CLI for the built-in parts (mrmd-sync, mrmd-runtime).
// Plain Node: `node out/main/cli.js`. From a checkout, the Electron binary runs it as Node
// (ELECTRON_RUN_AS_NODE). A packaged app has that fuse off and its code inside app.asar, which
// plain node cannot read, so the app binary itself runs the command windowless (index.ts):
// heavier than Node (a whole Electron process per part), but it needs nothing installed.
import { join } from 'node:path';
import { mainOutDir } from './resource-paths';

export function builtinCliArgv(): string[] {
  // Run from source (tests start `cli.ts` through tsx's loader): the parts run the same way, so
  // nothing depends on a build being present or current.
  if (__filename.endsWith('.ts')) return [process.execPath, ...process.execArgv, join(__dirname, 'cli.ts')];
  if (!process.versions.electron) return [process.execPath, join(mainOutDir(), 'cli.js')];
  const packaged = !process.defaultApp && !/[\\/]electron(\.exe)?$/i.test(process.execPath);
  if (packaged) return [process.execPath, '--ozone-platform=headless', '--disable-gpu'];
  return ['env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, join(mainOutDir(), 'cli.js')];
}
