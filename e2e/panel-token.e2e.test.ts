// The panel's token stays with the panel (issue 15), in real Chromium: the page takes it from
// the address bar once, keeps it in sessionStorage and sends it only to its daemon. Another
// server on 127.0.0.1 (cookies have no port, so a cookie would reach it) receives nothing.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const fixtures = join(repoRoot, 'test', 'fixtures', 'e2e');

describe.skipIf(!chromiumAvailable())('the panel token in a browser', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let other: Server;
  let otherOrigin: string;
  const seenByOther: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    daemon = await startDaemon(['--config', join(fixtures, 'services.toml')]);
    browser = await launchChromium();
    // An unrelated local server, as any other tool on the machine.
    other = createServer((request, response) => {
      seenByOther.push({ url: request.url ?? '', headers: request.headers });
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<!doctype html><title>other</title><p>another server</p>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    otherOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => other?.close(resolve));
    expect(await daemon?.stop()).toBe(0);
  });

  async function panelShowsServices(page: Page): Promise<void> {
    await page.locator('[data-service="colours"]').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent(), { timeout: 20_000 }).toBe('Connected');
  }

  it('opens with ?token=, drops it from the address bar, sets no cookie, and another local server gets no token', async () => {
    const context: BrowserContext = await browser.newContext();
    const page = await context.newPage();
    await page.goto(daemon.url);
    await panelShowsServices(page);
    expect(page.url()).toBe(`${daemon.origin}/`);
    expect(await page.evaluate('sessionStorage.getItem("showrunner.token")')).toBe(daemon.token);
    expect(await context.cookies()).toEqual([]);

    // The same browser context visits the other server: in a new tab, and from the panel's tab.
    const tab = await context.newPage();
    await tab.goto(`${otherOrigin}/from-new-tab`);
    await page.goto(`${otherOrigin}/from-panel-tab`);
    await page.getByText('another server').waitFor();
    // (Chromium also asks it for /favicon.ico.)
    expect(seenByOther.map((each) => each.url)).toEqual(expect.arrayContaining(['/from-new-tab', '/from-panel-tab']));
    for (const { url, headers } of seenByOther) {
      const text = `${url}\n${JSON.stringify(headers)}`;
      expect(text).not.toContain(daemon.token);
      expect(text).not.toContain(encodeURIComponent(daemon.token));
      expect(headers.cookie).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
    }
    expect(await context.cookies()).toEqual([]);

    // Back in the same tab at the bare address, and reloaded: sessionStorage still has it.
    await page.goto(`${daemon.origin}/`);
    await panelShowsServices(page);
    await page.reload();
    await panelShowsServices(page);
    expect(page.url()).toBe(`${daemon.origin}/`);
    await context.close();
  });

  it('takes #token= the same way', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${daemon.origin}/#token=${encodeURIComponent(daemon.token)}`);
    await panelShowsServices(page);
    expect(page.url()).toBe(`${daemon.origin}/`);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('shows a bookmark without the token the HTML help page, naming `showrunner url`', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${daemon.origin}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    const help = page.getByRole('main');
    await expect.poll(() => help.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await help.textContent()).toContain('showrunner url');
    expect(await page.getByText('refused the token').isVisible()).toBe(false);
    expect(await page.locator('[data-service]').count()).toBe(0);
    await context.close();
  });

  it('says so when the token is refused, and forgets it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${daemon.origin}/?token=not-the-token`);
    await page.getByText('refused the token').waitFor({ timeout: 10_000 });
    expect(await page.evaluate('sessionStorage.getItem("showrunner.token")')).toBeNull();
    expect(page.url()).toBe(`${daemon.origin}/`);
    await context.close();
  });
});
