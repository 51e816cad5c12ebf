// Electron entry: the desktop shell around the same engine the daemon runs. Only this file and
// src/main/app/ import electron. The same binary is also `showrunner` for the CLI: a command
// word (`serve`, `status`, …) or `--headless` runs windowless instead (packaged builds turn
// the RunAsNode fuse off, so this is how the installed app runs the daemon and built-ins).
import { app, dialog } from 'electron';
import { join, resolve } from 'node:path';
import { createLocalEngine, type LocalEngine } from './app/local-engine';
import { defaultStateDir } from './engine/instance/state-dir';
import { registerAppScheme, serveRendererOverAppScheme } from './app/app-protocol';
import { parseDesktopArgs } from './app/desktop-args';
import { startDesktopShell } from './app/desktop-shell';
import { runWindowless } from './app/headless-mode';
import { bindContractToIpc } from './app/ipc';
import { parseLaunchFlags } from './app/launch-flags';
import { createMainWindow } from './app/main-window';
import { openEngine } from './app/open-engine';
import { denyAllPermissions, hardenWebContents } from './app/security';
import { builtinCliArgv } from './cli-argv';
import { runCli } from './run-cli';
import { attachToDaemon } from './attach/remote-orchestrator';
import { tlsTrust } from './attach/tls-trust';
import { demoManifestPath, mrmdEditorDir, rendererDir, resourcesDir } from './resource-paths';
import { openEditorWindow } from './app/editor-window';
import type { EditorParts } from './app/editor-window-url';
import { APP_ORIGIN } from './app/sender-policy';

const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const log = (line: string) => process.stderr.write(`${line}\n`);
const argv = process.argv.slice(app.isPackaged ? 1 : 2);
const launch = parseLaunchFlags(argv);

process.on('uncaughtException', (error) => log(`uncaught exception: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${String(reason)}`));

/** The engine this app runs itself (null while attached to a daemon): the editor window's parts. */
let localEngine: LocalEngine | null = null;

function editorParts(): EditorParts | null {
  const urls = localEngine?.urls();
  return urls?.sync ? { sync: urls.sync, runtimes: urls.runtimes } : null;
}

async function prepareEditor(doc: string): Promise<EditorParts | null> {
  if (!localEngine || !editorParts()) return null;
  const started = await localEngine.call('monitors.start', { doc });
  if (!started.ok) log(`editor window for ${doc}: no monitor: ${started.error.message}`);
  return editorParts();
}

if (launch.cliArgv) {
  // Windowless: no single-instance lock, so the desktop app can still start and attach to
  // a daemon run this way. Servers keep running until their own signal handling exits.
  const cliArgv = launch.cliArgv;
  runWindowless(() => runCli(cliArgv).then((code) => (code === 'running' ? new Promise<number>(() => {}) : code)), log);
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  hardenWebContents(devServerUrl, log, (doc) => void openEditorWindow(doc, { prepare: prepareEditor, iconPath: join(resourcesDir(), 'icon.png'), log }).catch((error: unknown) => log(`editor window for ${doc}: ${String(error)}`)));
  void main();
}


async function main(): Promise<void> {
  const args = parseDesktopArgs(argv);
  await app.whenReady();
  denyAllPermissions();
  serveRendererOverAppScheme(rendererDir(), { dir: mrmdEditorDir(), parts: editorParts });
  const stateDir = defaultStateDir();
  const open = (manifestPath: string) =>
    openEngine({
      manifestPath,
      stateDir,
      createLocal: async (path) => {
        localEngine = await createLocalEngine({
          manifestPath: path,
          services: args.services,
          testing: args.testing,
          // The lock's state dir, as a daemon's: whichever supervises the manifest next finds
          // the other's status file and orphaned trees (one instance at a time, by the lock).
          stateDir,
          cliArgv: builtinCliArgv(),
          // The mrmd editor window's page (app://showrunner/editor/) opens documents and asks
          // the runtime for its capabilities.
          pageOrigins: () => [APP_ORIGIN],
          log,
        });
        return localEngine;
      },
      connectRemote: async ({ url, token, manifestPath: path, certificate }) => {
        localEngine = null;
        return attachToDaemon({ url, token, manifestPath: path, log, ...(await tlsTrust(url, certificate)) });
      },
    });
  let initial;
  try {
    initial = await open(args.config ? resolve(args.config) : demoManifestPath());
  } catch (error) {
    dialog.showErrorBox('Showrunner cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  await startDesktopShell({
    initial,
    open,
    bindIpc: (opened) => bindContractToIpc(opened.engine.hub, devServerUrl, log),
    createWindow: () => createMainWindow(devServerUrl, join(resourcesDir(), 'icon.png')),
    startHidden: launch.hidden,
    resourcesDir: resourcesDir(),
    demoManifestPath: demoManifestPath(),
    log,
  });
}
