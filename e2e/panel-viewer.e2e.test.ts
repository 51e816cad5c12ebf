// The panel opened with the viewer token (issue 18), in real Chromium against the built daemon:
// it learns its role from the server, shows a "read-only" badge and no action anywhere (top
// bar, graph side panel, list, monitors, keyboard), while the operator's panel beside it keeps
// every action.
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const fixtures = join(repoRoot, 'test', 'fixtures', 'e2e');
const VIEWER = 'a-viewer-token-for-the-e2e-panel';
const ACTIONS = /^(Start|Stop|Restart|Kill|Enable|Disable|Remove|Add service|Start all|Stop all|Restart all|Start monitor)\b/;

describe.skipIf(!chromiumAvailable())('the panel as a viewer', () => {
  let daemon: DaemonProcess;
  let browser: Browser;

  beforeAll(async () => {
    daemon = await startDaemon(['--config', join(fixtures, 'services.toml')], { env: { SHOWRUNNER_VIEWER_TOKEN: VIEWER } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    expect(await daemon?.stop()).toBe(0);
  });

  async function open(token: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${daemon.origin}/?token=${encodeURIComponent(token)}`);
    await page.locator('[data-service="colours"]').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent(), { timeout: 20_000 }).toBe('Connected');
    return page;
  }

  const actionButtons = async (page: Page): Promise<string[]> => {
    const names = await page.getByRole('button').evaluateAll((buttons) => buttons.map((button) => (button.textContent ?? '').trim()));
    return names.filter((name) => ACTIONS.test(name));
  };

  it('shows a read-only badge and no action button in any view; the operator keeps them', async () => {
    const operator = await open(daemon.token);
    await operator.locator('.top-actions').waitFor();
    expect(await operator.getByRole('status', { name: 'Access' }).count()).toBe(0);
    expect(await actionButtons(operator)).toEqual(expect.arrayContaining(['Start all', 'Stop all', 'Restart all']));

    const viewer = await open(VIEWER);
    await expect.poll(() => viewer.getByRole('status', { name: 'Access' }).textContent(), { timeout: 20_000 }).toBe('read-only');
    expect(await actionButtons(viewer)).toEqual([]);

    // The side panel of a service: facts, no actions.
    await viewer.locator('.react-flow [data-service="colours"]').click();
    await viewer.locator('.side-panel[data-panel="colours"]').waitFor();
    expect(await viewer.locator('.side-panel .panel-actions').count()).toBe(0);
    expect(await actionButtons(viewer)).toEqual([]);
    // The keyboard's actions ask nothing and do nothing.
    await viewer.locator('.react-flow__pane').focus();
    await viewer.keyboard.press('r');
    await viewer.keyboard.press('s');
    expect(await viewer.getByRole('dialog').count()).toBe(0);

    for (const [view, shown] of [['List', '.service-list'], ['Monitors', '.monitors'], ['Devices', '.devices']]) {
      await viewer.getByRole('button', { name: view, exact: true }).click();
      await viewer.locator(shown).waitFor();
      expect(await actionButtons(viewer), view).toEqual([]);
    }
    expect(await viewer.getByRole('textbox', { name: 'Document name' }).count()).toBe(0);
    await viewer.getByRole('button', { name: 'List', exact: true }).click();
    await viewer.getByRole('list', { name: 'Services' }).waitFor();
    expect(await viewer.locator('.service-actions').count()).toBe(0);
    // The operator's list has them.
    await operator.getByRole('button', { name: 'List', exact: true }).click();
    await operator.getByRole('list', { name: 'Services' }).waitFor();
    expect(await operator.locator('.service-actions').count()).toBeGreaterThan(0);
    expect(await actionButtons(operator)).toContain('Add service');
  });

  it('works over https and wss with the generated certificate, pinned by its key', async () => {
    const tls = await startDaemon(['--config', join(fixtures, 'services.toml'), '--tls', '--viewer-token', VIEWER]);
    try {
      expect(tls.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const certPath = /TLS certificate (\S+) /.exec(tls.stderr())![1];
      const spki = createHash('sha256')
        .update(new X509Certificate(await readFile(certPath, 'utf8')).publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64');
      const pinned = await launchChromium([`--ignore-certificate-errors-spki-list=${spki}`]);
      try {
        const page = await (await pinned.newContext()).newPage();
        await page.goto(`${tls.origin}/?token=${encodeURIComponent(VIEWER)}`);
        await page.locator('[data-service="colours"]').first().waitFor({ timeout: 20_000 });
        await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent(), { timeout: 20_000 }).toBe('Connected');
        await expect.poll(() => page.getByRole('status', { name: 'Access' }).textContent(), { timeout: 20_000 }).toBe('read-only');
        expect(await actionButtons(page)).toEqual([]);
      } finally {
        await pinned.close();
      }
      // Without the pin the browser refuses the certificate.
      const page = await (await browser.newContext()).newPage();
      const error = await page.goto(`${tls.origin}/`).then(() => null, (caught: Error) => caught.message);
      expect(error).toMatch(/ERR_CERT/);
    } finally {
      expect(await tls.stop()).toBe(0);
    }
  });
});
