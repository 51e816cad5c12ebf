// Issue 17 in Chromium: the panel's "Add service" form goes through the same validation as
// `POST /api/services` (the manifest's readers), shows the message under the field it names, and
// an added service runs, carries an "added" badge, and can be removed again.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/helpers/wait-for';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const ticker = join(repoRoot, 'test', 'fixtures', 'e2e', 'ticker.js');

describe.skipIf(!chromiumAvailable())('the Add service form', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-add-service-'));
    const manifest = join(home, 'services.toml');
    await writeFile(manifest, `[services.base]\ncommand = "node ${ticker} base"\n`);
    daemon = await startDaemon(['--config', manifest], { home });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'List' }).click();
    await waitFor(() => page.locator('[data-service="base"]').getAttribute('data-state'), (state) => state === 'running', { timeoutMs: 30_000, what: 'base running' });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('shows the manifest reader\'s message under the field, then adds a service that runs', async () => {
    await page.getByRole('button', { name: 'Add service' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add service' });
    await dialog.locator('input[name="name"]').fill('has space');
    await dialog.locator('input[name="command"]').fill(`node ${ticker} extra`);
    await dialog.locator('input[name="dependencies"]').fill('bsae');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const problems = dialog.locator('.field-problem');
    await waitFor(() => problems.allTextContents(), (texts) => texts.length >= 2, { what: 'two problems shown', timeoutMs: 15_000 });
    const texts = await problems.allTextContents();
    expect(texts.join('\n')).toMatch(/service names use letters, digits/);
    expect(texts.join('\n')).toMatch(/no service named "bsae"; did you mean "base"\?/);
    await page.screenshot({ path: join(screenshotDir, 'add-service-problems.png') });

    await dialog.locator('input[name="name"]').fill('extra');
    await dialog.locator('input[name="dependencies"]').fill('base');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await waitFor(() => dialog.isVisible(), (visible) => !visible, { what: 'dialog closed', timeoutMs: 15_000 });
    const row = page.locator('[data-service="extra"]');
    await waitFor(() => row.getAttribute('data-state'), (state) => state === 'running', { timeoutMs: 30_000, what: 'extra running' });
    expect(await row.locator('.badge').textContent()).toBe('added');
    expect(await readFile(join(home, 'services.api.toml'), 'utf8')).toContain('[services.extra]');

    await row.getByRole('button', { name: 'Remove extra' }).click();
    await page.getByRole('dialog', { name: 'Remove extra?' }).getByRole('button', { name: 'Remove' }).click();
    await waitFor(() => row.count(), (count) => count === 0, { what: 'extra removed from the list', timeoutMs: 30_000 });
    expect(await page.locator('[data-service="base"] button', { hasText: 'Remove' }).count()).toBe(0);
  }, 120_000);

  it('shows the API docs page in Chromium with no blocked resource and no remote request', async () => {
    const docs = await browser.newPage();
    const problems: string[] = [];
    const remote: string[] = [];
    docs.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    docs.on('request', (request) => !request.url().startsWith(daemon.origin) && remote.push(request.url()));
    await docs.goto(`${daemon.origin}/api/docs`);
    expect(await docs.locator('h1').textContent()).toMatch(/Showrunner daemon API/);
    expect(await docs.locator('.op .path', { hasText: '/api/services/{name}' }).count()).toBeGreaterThan(0);
    await docs.locator('.op summary').first().click();
    await docs.screenshot({ path: join(screenshotDir, 'api-docs.png') });
    // The inline style is allowed by its hash: the page is styled, and nothing was refused.
    expect(await docs.locator('.op').first().evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderRadius: string } }).getComputedStyle(element).borderRadius)).toBe('8px');
    expect(problems).toEqual([]);
    expect(remote).toEqual([]);
    await docs.close();
  });
});
