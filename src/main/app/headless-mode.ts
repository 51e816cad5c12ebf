// `showrunner --headless`: the installed app as a windowless daemon, for a systemd user unit at
// boot (docs/unattended-boot.md). Packaged builds turn the RunAsNode fuse off, so the Electron
// binary cannot run our CLI as plain Node; instead the main process runs `serve` itself and
// never opens a window, a tray or a dock icon. Call before app.whenReady() and instead of the
// desktop flow (and before requestSingleInstanceLock: a daemon must not block the desktop app,
// which then attaches to it through the supervisor lock).
import { app } from 'electron';
import { join } from 'node:path';

export function runWindowless(run: () => Promise<number>, log: (line: string) => void): void {
  // A profile of its own, so Chromium's files never collide with a desktop instance's.
  app.setPath('userData', join(app.getPath('userData'), 'headless'));
  app.disableHardwareAcceleration();
  app.dock?.hide();
  // Without windows this never fires on its own; an empty handler keeps Electron from quitting.
  app.on('window-all-closed', () => {});
  let exitCode: number | null = null;
  app.on('before-quit', (event) => {
    if (exitCode !== null) return;
    // Quit from the OS (logout, Electron's own signal handling): stop the services first,
    // through serve's SIGTERM path, which resolves `run`.
    event.preventDefault();
    process.emit('SIGTERM', 'SIGTERM');
  });
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.argv.some((arg) => arg.startsWith('--ozone-platform='))) {
    log('showrunner --headless: no display; pass --ozone-platform=headless (see docs/unattended-boot.md)');
  }
  run().then(
    (code) => {
      exitCode = code;
      app.exit(code);
    },
    (error: unknown) => {
      exitCode = 1;
      log(`showrunner --headless: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      app.exit(1);
    },
  );
}
