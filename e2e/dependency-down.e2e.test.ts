// Issue 15 in the panel: after `kill kiosk` from the side panel, the service that needs kiosk
// healthy shows it (node, red edge, list), and kiosk's last probe result is greyed as stale
// instead of a green "ok: HTTP 200". Real daemon, real Chromium; screenshots in e2e/screenshots/.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const fixtures = join(repoRoot, 'test', 'fixtures');

describe.skipIf(!chromiumAvailable())('a dependency killed from the panel', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-dependency-down-'));
    const port = await findFreePort();
    const manifest = join(dir, 'services.toml');
    await writeFile(
      manifest,
      [
        '[defaults]',
        'restart_delay_seconds = 0.2',
        'stop_timeout_seconds = 2',
        '[services.kiosk]',
        'display_name = "Kiosk"',
        `command = "node ${join(fixtures, 'listen-after.js')} ${port} 0 http"`,
        `health = { type = "http", url = "http://127.0.0.1:${port}/", interval_seconds = 1 }`,
        '[services.show]',
        'display_name = "Show"',
        `command = "node ${join(fixtures, 'e2e', 'ticker.js')} show"`,
        'dependencies = ["kiosk"]',
        '',
      ].join('\n'),
    );
    daemon = await startDaemon(['--config', manifest]);
    browser = await launchChromium();
    await mkdir(screenshotDir, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(daemon.url);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("marks the dependent degraded with a red edge, and greys the killed service's last probe", async () => {
    const kiosk = page.locator('.react-flow [data-service="kiosk"]');
    const show = page.locator('.react-flow [data-service="show"]');
    const edge = page.getByTestId('rf__edge-service:kiosk->service:show');
    await expect.poll(() => kiosk.getAttribute('data-health'), { timeout: 30_000 }).toBe('healthy');
    await expect.poll(() => show.getAttribute('data-state'), { timeout: 30_000 }).toBe('running');
    expect(await edge.getAttribute('class')).not.toContain('edge-down');
    expect(await show.getAttribute('data-degraded')).toBeNull();

    await kiosk.click();
    const panel = page.locator('[data-panel="kiosk"]');
    await expect.poll(() => panel.locator('.probe-ok').textContent(), { timeout: 10_000 }).toContain('ok: HTTP 200');
    await panel.getByRole('button', { name: 'Kill Kiosk' }).click();

    await expect.poll(() => show.getAttribute('data-degraded'), { timeout: 15_000 }).toBe('kiosk is stopped');
    expect(await show.getAttribute('data-state')).toBe('running');
    await expect.poll(() => show.locator('.node-degraded').textContent()).toContain('kiosk is stopped');
    await expect.poll(() => edge.getAttribute('class')).toContain('edge-down');
    await expect.poll(() => edge.textContent()).toContain('healthy: down');
    // Health belongs to the process: kiosk's is unknown now, its last result history.
    expect(await kiosk.getAttribute('data-health')).toBe('unknown');
    await expect.poll(() => panel.locator('.probe-stale').textContent()).toMatch(/^stale, from an earlier process: ok: HTTP 200 \(\d+s ago\)$/);
    expect(await panel.locator('.probe-ok').count()).toBe(0);
    await page.screenshot({ path: join(screenshotDir, 'dependency-down-graph.png') });

    await show.click();
    await expect.poll(() => page.locator('[data-panel="show"] .state-degraded').textContent()).toContain('degraded: kiosk is stopped');
    await page.getByRole('button', { name: 'List' }).click();
    await expect.poll(() => page.locator('.service-list [data-service="show"] .service-degraded').textContent()).toContain('kiosk is stopped');
    await page.screenshot({ path: join(screenshotDir, 'dependency-down-list.png') });
    await page.getByRole('button', { name: 'Graph' }).click();

    // Back up: the edge and the node recover.
    await page.locator('.react-flow [data-service="kiosk"]').click();
    await page.locator('[data-panel="kiosk"]').getByRole('button', { name: 'Start Kiosk', exact: true }).click();
    await expect.poll(() => show.getAttribute('data-degraded'), { timeout: 30_000 }).toBeNull();
    await expect.poll(() => edge.getAttribute('class')).not.toContain('edge-down');
  }, 120_000);
});
