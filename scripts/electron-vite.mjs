#!/usr/bin/env node
// `npm start` / `npm run dev`: electron-vite with an Electron binary it can find (issue 16).
//
// electron-vite does not use the `electron` package's own lookup (which honours
// ELECTRON_OVERRIDE_DIST_PATH and downloads a missing binary): it reads
// node_modules/electron/path.txt, else $ELECTRON_EXEC_PATH, and throws "Electron uninstall"
// with a stack trace when neither exists. And npm 11 runs no install scripts, so `npm ci`
// never downloads the binary. So, before electron-vite runs:
//   1. ELECTRON_EXEC_PATH (electron-vite's own variable) wins when set;
//   2. else ELECTRON_OVERRIDE_DIST_PATH (the `electron` package's) is turned into it;
//   3. else the `electron` package's install step (node_modules/electron/install.js) fetches
//      the binary when path.txt or the binary is missing: once, on a connected machine;
//   4. offline, that fails, and we print one line saying what to set, not a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const binaryName = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';

function fail(message) {
  process.stderr.write(`showrunner: ${message}\n`);
  process.exit(1);
}

function installedBinary(packageDir) {
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function findElectron() {
  if (process.env.ELECTRON_EXEC_PATH) {
    if (!existsSync(process.env.ELECTRON_EXEC_PATH)) fail(`ELECTRON_EXEC_PATH=${process.env.ELECTRON_EXEC_PATH} does not exist; point it at an Electron 45 binary`);
    return process.env.ELECTRON_EXEC_PATH;
  }
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, binaryName);
    if (!existsSync(binary)) fail(`ELECTRON_OVERRIDE_DIST_PATH has no ${binaryName} (${binary}); point it at an unpacked Electron 45 build`);
    return binary;
  }
  const packageDir = dirname(require.resolve('electron/package.json'));
  const present = installedBinary(packageDir);
  if (present) return present;
  process.stderr.write('showrunner: downloading the Electron binary (once; node_modules/electron/install.js)…\n');
  const install = spawnSync(process.execPath, [join(packageDir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  const installed = install.status === 0 ? installedBinary(packageDir) : null;
  if (installed) return installed;
  const why = (install.stderr ?? '').split('\n').find((line) => /error|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|RequestError|HTTPError/i.test(line))?.trim() ?? `install.js exited with ${install.status}`;
  fail(`the Electron binary is not installed and could not be downloaded (${why}); set ELECTRON_EXEC_PATH=/path/to/electron (an Electron 45 binary), or run \`node node_modules/electron/install.js\` once online`);
}

const electron = findElectron();
const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ELECTRON_EXEC_PATH: electron } });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
