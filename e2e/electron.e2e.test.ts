// The desktop app end to end over IPC: the daemon spec's flows through the preload bridge, plus
// the tray-less behaviour of issue 11 (closing minimizes; Quit stops every service first). It
// runs only where an Electron binary exists; this build machine cannot download one, so here it
// skips with the reason.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElectronApplication } from 'playwright-core';
import { _electron as electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/daemon-process';
import { findElectronBinary } from './helpers/electron-binary';

const binary = findElectronBinary();
if ('missing' in binary) {
  console.warn(`[electron e2e] skipped: ${binary.missing}`);
}

/** Pids of the demo's service processes (their commands are `node <script>.js` in resources/demo). */
function demoPids(): number[] {
  try {
    return execFileSync('pgrep', ['-f', 'node (store|api|display|worker)\\.js'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe.skipIf('missing' in binary)('the desktop app on the demo manifest, without a tray', () => {
  let app: ElectronApplication;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-electron-'));
    app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [repoRoot, '--no-sandbox'],
      // Its own state and runtime dirs (lock, discovery file), and no tray: as stock GNOME.
      env: { ...process.env, ELECTRON_RENDERER_URL: '', SHOWRUNNER_TRAY: 'off', XDG_STATE_HOME: join(home, 'state'), XDG_RUNTIME_DIR: join(home, 'run'), XDG_CONFIG_HOME: join(home, 'config') },
    });
  });

  afterAll(async () => {
    await app?.close().catch(() => {});
    await rm(home, { recursive: true, force: true });
  });

  it('loads the panel from app:// with the bridge and no Node in the page', async () => {
    const page = await app.firstWindow();
    expect(page.url()).toBe('app://showrunner/index.html');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { showrunner: object }).showrunner).sort())).toEqual(['invoke', 'on']);
  });

  it('stops and starts a service over IPC', async () => {
    const page = await app.firstWindow();
    const display = page.locator('[data-service="display"]');
    await expect.poll(() => display.getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
    await display.click();
    await page.getByRole('button', { name: 'Stop Gallery display', exact: true }).click();
    await expect.poll(() => display.getAttribute('data-state'), { timeout: 15_000 }).not.toMatch(/running|stopping/);
    await page.getByRole('button', { name: 'Start Gallery display', exact: true }).click();
    await expect.poll(() => display.getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
  });

  it('rejects a method outside the contract in the preload, before IPC', async () => {
    const page = await app.firstWindow();
    const message = await page.evaluate(() =>
      (globalThis as unknown as { showrunner: { invoke: (m: string, a: unknown) => Promise<unknown> } }).showrunner.invoke('process.exit', {}).then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
    );
    expect(message).toContain('not a contract method');
  });

  it('denies new windows and navigation away from app://', async () => {
    const page = await app.firstWindow();
    await page.evaluate(`window.open('https://example.com/', '_blank')`);
    await page.evaluate(`location.href = 'https://example.com/'`);
    await expect.poll(() => page.url()).toBe('app://showrunner/index.html');
    expect(app.windows()).toHaveLength(1);
  });

  it('minimizes instead of hiding when the window is closed without a tray', async () => {
    const page = await app.firstWindow();
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].close());
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isMinimized() ?? null)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].isVisible())).toBe(true);
    expect(page.isClosed()).toBe(false);
  });

  it('stops every service before it quits, leaving no process behind', async () => {
    expect(demoPids().length).toBeGreaterThan(0);
    await app.close();
    expect(demoPids()).toEqual([]);
  });
});
