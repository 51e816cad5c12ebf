// Log panes in real Chromium: coloured output read from the xterm, and a reload that shows
// history once, with no duplicated lines.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const fixture = join(repoRoot, 'test', 'fixtures', 'e2e', 'services.toml');

async function paneLines(page: Page, process: string): Promise<string[]> {
  return page.locator(`[data-log="${process}"] .xterm-rows > div`).allTextContents();
}

describe.skipIf(!chromiumAvailable())('log panes', () => {
  let daemon: DaemonProcess;
  let browser: Browser;

  beforeAll(async () => {
    daemon = await startDaemon(['--config', fixture]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('shows coloured output, and after a reload every line exactly once', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(daemon.url);
    await page.locator('[data-service="colours"]').click();
    const pane = page.locator('[data-log="colours"]');
    await pane.waitFor();
    await expect.poll(async () => (await paneLines(page, 'colours')).filter((line) => line.startsWith('colour line')).length, { timeout: 15_000 }).toBe(10);
    // Odd lines red (ANSI 31 → palette 1), even lines green (32 → 2).
    expect(await pane.locator('.xterm-rows span.xterm-fg-1').first().textContent()).toContain('colour line 1');
    expect(await pane.locator('.xterm-rows span.xterm-fg-2').first().textContent()).toContain('colour line 2');
    await page.screenshot({ path: join(screenshotDir, 'logs-pane.png') });

    await page.reload();
    await page.locator('[data-service="colours"]').click();
    await expect.poll(async () => (await paneLines(page, 'colours')).filter((line) => line.startsWith('colour line')).length, { timeout: 15_000 }).toBe(10);
    const lines = (await paneLines(page, 'colours')).filter((line) => line.startsWith('colour line')).map((line) => line.trim());
    expect(lines).toEqual(Array.from({ length: 10 }, (_, i) => `colour line ${i + 1}`));
    await page.close();
  });
});
