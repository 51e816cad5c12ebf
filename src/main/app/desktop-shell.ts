// The gallery-machine behaviour around the main window (issue 11), wired in one place so
// index.ts stays short: the tray (or, without one, minimize-on-close), start at login, a second
// launch (focus, or open its --config after a confirmation), switching manifests, and a quit
// that stops every service first and shows progress. Decisions live in the pure modules it
// calls; this file only binds them to Electron.
import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { ServiceSnapshot } from '../../shared/model';
import { createLoginItem, openedAtLogin } from './login-item';
import type { OpenedEngine } from './open-engine';
import { planQuit, runQuit } from './quit-plan';
import { showQuitProgressWindow, type QuitProgressWindow } from './quit-progress-window';
import { decideSecondInstance } from './second-instance-args';
import { switchManifest } from './switch-manifest';
import { ShowrunnerTray } from './tray';
import { summarizeServices } from './tray-icon';
import { detectTraySupport, listShellExtensions, windowCloseAction } from './tray-support';

export interface DesktopShellOptions {
  initial: OpenedEngine;
  /** openEngine(...) with the app's factories: local engine, or attach to a daemon. */
  open(manifestPath: string): Promise<OpenedEngine>;
  /** bindContractToIpc for this engine's hub; returns the unbind. */
  bindIpc(opened: OpenedEngine): () => void;
  createWindow(): BrowserWindow;
  /** --hidden (start at login): no window at first; supervise at once. */
  startHidden: boolean;
  resourcesDir: string;
  demoManifestPath: string;
  log(line: string): void;
}

export async function startDesktopShell(options: DesktopShellOptions): Promise<void> {
  const { log } = options;
  let current = options.initial;
  let unbindIpc = options.bindIpc(current);
  let window: BrowserWindow | null = null;
  let quitting = false;

  const support = detectTraySupport({ platform: process.platform, env: process.env, installedExtensions: await listShellExtensions() });
  const closeAction = windowCloseAction(support);
  log(`tray: ${support.hasTray ? 'shown' : 'none'} (${support.reason}); closing the window will ${closeAction} it`);

  const loginItem = createLoginItem({ manifestPath: () => current.manifestPath, demoManifestPath: options.demoManifestPath, log });
  const showPanel = () => {
    if (!window || window.isDestroyed()) {
      window = options.createWindow();
      window.on('close', (event) => {
        if (quitting) return;
        // Hiding without a tray would leave no way back to the window.
        event.preventDefault();
        if (closeAction === 'hide') window?.hide();
        else window?.minimize();
      });
      window.on('closed', () => (window = null));
      // createMainWindow shows it once the page is ready, without a blank flash.
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const tray = support.hasTray
    ? new ShowrunnerTray({ iconDir: join(options.resourcesDir, 'tray'), loginItem, onShowPanel: showPanel, onQuit: () => app.quit(), log })
    : null;
  tray?.bind(current);

  const hidden = options.startHidden || openedAtLogin();
  if (!hidden) showPanel();
  else if (!tray) {
    showPanel();
    window!.once('show', () => window?.minimize());
  }

  async function activeServices(): Promise<ServiceSnapshot[]> {
    const reply = await current.engine.call('services.list', {});
    return reply.ok ? reply.value : [];
  }

  app.on('second-instance', (_event, argv, workingDirectory) => {
    void (async () => {
      const services = await activeServices();
      const decision = decideSecondInstance(argv, workingDirectory, {
        manifestPath: current.manifestPath,
        activeServices: summarizeServices(services).active,
        attached: current.mode === 'attached',
      });
      if (decision.kind === 'ignore' || quitting) return;
      showPanel();
      if (decision.kind === 'focus') return;
      if (decision.confirm) {
        const { response } = window ? await dialog.showMessageBox(window, decision.confirm) : await dialog.showMessageBox(decision.confirm);
        if (response !== 0) return;
      }
      const result = await switchManifest(current, decision.manifestPath, {
        open: options.open,
        unbind: () => {
          unbindIpc();
          tray?.unbind();
        },
        bind: (next) => {
          unbindIpc = options.bindIpc(next);
          tray?.bind(next);
        },
        log,
      });
      current = result.engine;
      // The page subscribed to the old engine; a reload subscribes it to the new one.
      window?.webContents.reload();
      if (result.error) dialog.showErrorBox('Could not open the manifest', `${decision.manifestPath}: ${result.error.message}\n\nStill supervising ${current.manifestPath}.`);
      await loginItem?.refresh().catch((error: unknown) => log(`start at login: ${String(error)}`));
    })().catch((error: unknown) => log(`second instance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  });

  app.on('activate', showPanel);
  // Windows are hidden or minimized, never closed, until Quit; quitting is ours to decide.
  app.on('window-all-closed', () => {});

  let exiting = false;
  app.on('before-quit', (event) => {
    if (exiting) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    void quit();
  });

  async function quit(): Promise<void> {
    const plan = planQuit(await activeServices(), { attached: current.mode === 'attached' });
    let progress: QuitProgressWindow | null = null;
    // Count down as services stop, in the tray and the progress window.
    const watch = current.engine.hub.open((name) => {
      if (name !== 'service.changed') return;
      void activeServices().then((services) => {
        const left = summarizeServices(services).active;
        tray?.setQuitting(left);
        progress?.update(planQuit(services).message);
      });
    }, { watches: false });
    await runQuit(plan, {
      showProgress: (message) => {
        tray?.setQuitting(plan.stopping);
        if (plan.showProgressWindow) progress = showQuitProgressWindow(message, join(options.resourcesDir, 'icon.png'));
      },
      closeEngine: () => current.close(),
      // OpenedEngine.close releases the lock after stopping.
      releaseLock: async () => {},
      cleanup: () => {
        watch.close();
        unbindIpc();
        tray?.destroy();
        progress?.close();
      },
      exit: (code) => {
        exiting = true;
        app.exit(code);
      },
      log,
    });
  }
}
