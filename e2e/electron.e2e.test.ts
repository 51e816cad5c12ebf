// The desktop app end to end over IPC: the same flow as the daemon spec, through the preload
// bridge. Runs only where an Electron binary exists; this build machine cannot download one.
import type { ElectronApplication } from 'playwright-core';
import { _electron as electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/daemon-process';
import { findElectronBinary } from './helpers/electron-binary';

const binary = findElectronBinary();
if ('missing' in binary) {
  console.warn(`[electron e2e] skipped: ${binary.missing}`);
}

describe.skipIf('missing' in binary)('the desktop app on the demo manifest', () => {
  let app: ElectronApplication;

  beforeAll(async () => {
    app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [repoRoot, '--no-sandbox'],
      env: { ...process.env, ELECTRON_RENDERER_URL: '' },
    });
  });

  afterAll(async () => {
    await app?.close();
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
});
