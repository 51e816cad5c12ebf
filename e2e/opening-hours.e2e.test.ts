// Issue 18, opening hours as the operator sees them: in real Chromium against the built daemon,
// a projector outside its hours is "Closed" with the next opening on its node and in the side
// panel, the always-open sound shows its hours and next daily restart, and Start runs the
// closed projector anyway. Screenshots at 1440x900 and 800x600 land in e2e/screenshots/hours-*.png.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/helpers/wait-for';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const ticker = join(repoRoot, 'test', 'fixtures', 'e2e', 'ticker.js');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// Three days ahead at 10:00 UTC: closed now, whenever the test runs.
const today = new Date();
const opening = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 3, 10, 0));
const day = DAYS[opening.getUTCDay()];

const manifest = `
[schedules.gallery]
timezone = "UTC"
open = ["${day.toLowerCase()} 10:00-18:00"]

[schedules.always]
timezone = "UTC"
open = ["daily 00:00-00:00"]

[services.projector]
display_name = "Projector — left wall"
command = "node ${ticker} left"
schedule = "gallery"
daily_restart = "04:00"

[services.sound]
display_name = "Sound installation"
command = "node ${ticker} sound"
schedule = "always"
daily_restart = "04:30"
`;

const node = (page: Page, name: string) => page.locator(`.react-flow [data-service="${name}"]`);

describe.skipIf(!chromiumAvailable())('opening hours in the panel', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-hours-'));
    const file = join(home, 'services.toml');
    await writeFile(file, manifest);
    daemon = await startDaemon(['--config', file, '--port', '0'], { home });
    browser = await launchChromium();
    await mkdir(screenshotDir, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(daemon.url);
    await waitFor(() => node(page, 'sound').getAttribute('data-state'), (state) => state === 'running', { timeoutMs: 30_000, what: 'sound running' });
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('shows a closed service with its next opening, on the node and in the side panel', async () => {
    await waitFor(() => node(page, 'projector').getAttribute('data-state'), (state) => state === 'closed', { timeoutMs: 30_000, what: 'projector closed' });
    await expect.poll(() => node(page, 'projector').locator('.node-detail').textContent()).toBe(`gallery: until ${day} 10:00`);
    expect(await node(page, 'projector').locator('.state-label').textContent()).toBe('Closed');
    expect(await node(page, 'projector').locator('[data-hours]').textContent()).toMatch(/^restart \w{3} 04:00$/);
    expect(await node(page, 'sound').locator('[data-hours]').textContent()).toMatch(/^always: open · restart \w{3} 04:30$/);

    await node(page, 'projector').click();
    const panel = page.locator('.side-panel[data-panel="projector"]');
    await panel.waitFor();
    expect(await panel.locator('.state-detail').textContent()).toBe(`gallery: until ${day} 10:00`);
    expect(await panel.locator('[data-fact="schedule"]').textContent()).toBe(`gallery: closed until ${day} 10:00 (UTC)`);
    expect(await panel.locator('[data-fact="daily-restart"]').textContent()).toMatch(/^04:00 \(UTC\), next \w{3} 04:00$/);
    await page.screenshot({ path: join(screenshotDir, 'hours-closed-1440x900.png') });
    await page.setViewportSize({ width: 800, height: 600 });
    await page.screenshot({ path: join(screenshotDir, 'hours-closed-800x600.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('starts the closed service on the operator\'s Start, while its hours still say closed', async () => {
    const panel = page.locator('.side-panel[data-panel="projector"]');
    await panel.getByRole('button', { name: 'Start Projector — left wall', exact: true }).click();
    await waitFor(() => node(page, 'projector').getAttribute('data-state'), (state) => state === 'running', { timeoutMs: 30_000, what: 'projector running' });
    await expect.poll(() => node(page, 'projector').locator('[data-hours]').textContent()).toMatch(new RegExp(`^gallery: closed until ${day} 10:00 · restart \\w{3} 04:00$`));
    expect(await panel.locator('.transitions li').first().locator('.transition-reason').textContent()).toMatch(/^started \(pid \d+\)$/);
    await page.screenshot({ path: join(screenshotDir, 'hours-override-1440x900.png') });
    await page.setViewportSize({ width: 800, height: 600 });
    await page.screenshot({ path: join(screenshotDir, 'hours-override-800x600.png') });
  });
});
