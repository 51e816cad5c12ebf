// Electron entry: the desktop shell around the same engine the daemon runs. Only this file and
// src/main/app/ import electron.
import { app, BrowserWindow } from 'electron';
import { join, resolve } from 'node:path';
import { createOrchestrator, type Orchestrator } from './engine/orchestrator';
import { defaultStateDir } from './engine/state-dir';
import { registerAppScheme, serveRendererOverAppScheme } from './app/app-protocol';
import { bindContractToIpc } from './app/ipc';
import { createMainWindow } from './app/main-window';
import { denyAllPermissions, hardenWebContents } from './app/security';
import { builtinCliArgv } from './cli-argv';
import { demoManifestPath, rendererDir, resourcesDir } from './resource-paths';
import { parseDesktopArgs } from './app/desktop-args';

const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  hardenWebContents(devServerUrl, log);
  void main();
}

async function main(): Promise<void> {
  const args = parseDesktopArgs(process.argv.slice(app.isPackaged ? 1 : 2));
  await app.whenReady();
  denyAllPermissions();
  serveRendererOverAppScheme(rendererDir());

  const orchestrator: Orchestrator = await createOrchestrator({
    manifestPath: args.config ? resolve(args.config) : demoManifestPath(),
    services: args.services,
    testing: args.testing,
    stateDir: join(defaultStateDir(), 'desktop'),
    cliArgv: builtinCliArgv(),
    log,
  });
  const unbind = bindContractToIpc(orchestrator.hub, devServerUrl, log);
  let window: BrowserWindow | null = createMainWindow(devServerUrl, join(resourcesDir(), 'icon.png'));
  window.on('closed', () => (window = null));

  app.on('second-instance', () => {
    if (!window) window = createMainWindow(devServerUrl);
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow(devServerUrl);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quitting stops every service first, so nothing is orphaned.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    void orchestrator.close().finally(() => {
      unbind();
      app.exit(0);
    });
  });
}
