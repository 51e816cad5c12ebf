// Issue 16, as a first-time gallery operator meets the panel: in real Chromium against the built
// daemon on a gallery manifest of long-named services. Down is obvious (overlay, actions off,
// clocks stopped, back by itself), hard to misuse (confirmations, Escape), readable on a small
// screen (text size, resizable dock, split view). Screenshots of every view at three sizes land
// in e2e/screenshots/operator-*.png.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { waitFor } from '../test/helpers/wait-for';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const ticker = join(repoRoot, 'test', 'fixtures', 'e2e', 'ticker.js');

const galleryManifest = `
[defaults]
restart_delay_seconds = 0.2
stop_timeout_seconds = 2

[services.media-server]
display_name = "Media server for the whole exhibition floor"
command = "node ${ticker} media"

[services.projector-left]
display_name = "Projector — left wall (Epson EB-L1500U)"
command = "node ${ticker} left"
dependencies = ["media-server"]

[services.projector-right]
display_name = "Projector — right wall (Epson EB-L1500U)"
command = "node ${ticker} right"
dependencies = ["media-server"]

[services.sound]
display_name = "Eight-channel sound installation"
command = "node ${ticker} sound"
dependencies = ["media-server"]

[services.visitor-counter]
display_name = "Visitor counter at the entrance door"
command = "node ${ticker} counter"
requires_devices = ["/dev/showrunner-gallery-counter-on-a-long-device-path"]
`;

const node = (page: Page, name: string) => page.locator(`.react-flow [data-service="${name}"]`);

describe.skipIf(!chromiumAvailable())('the panel for a gallery operator', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let home: string;
  let args: string[];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-operator-'));
    await mkdir(join(home, 'dev'));
    const manifest = join(home, 'services.toml');
    await writeFile(manifest, galleryManifest);
    // A fixed port and a shared home: the restarted daemon is the same address with the same token.
    args = ['--config', manifest, '--device-root', join(home, 'dev'), '--port', String(await findFreePort())];
    daemon = await startDaemon(args, { home });
    browser = await launchChromium();
    await mkdir(screenshotDir, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(daemon.url);
    for (const name of ['media-server', 'projector-left', 'projector-right', 'sound']) {
      await waitFor(() => node(page, name).getAttribute('data-state'), (state) => state === 'running', { timeoutMs: 20_000, what: `${name} running` });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('asks before Stop all and Restart all: Escape cancels, Enter confirms', async () => {
    const stopAll = page.getByRole('button', { name: 'Stop all', exact: true });
    const dialog = page.getByRole('dialog', { name: 'Stop all services?' });
    await stopAll.click();
    await dialog.waitFor();
    await page.screenshot({ path: join(screenshotDir, 'operator-confirm-1440x900.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await node(page, 'sound').getAttribute('data-state')).toBe('running');

    await page.getByRole('button', { name: 'Restart all', exact: true }).click();
    await page.getByRole('dialog', { name: 'Restart all services?' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog', { name: 'Restart all services?' }).waitFor({ state: 'hidden' });

    await stopAll.click();
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    for (const name of ['media-server', 'projector-left', 'sound']) {
      await expect.poll(() => node(page, name).getAttribute('data-state'), { timeout: 15_000 }).toBe('exited');
    }
    // An operator's stop says so, not "killed by SIGTERM".
    expect(await node(page, 'sound').textContent()).toContain('Stopped by operator');
    await page.getByRole('button', { name: 'Start all', exact: true }).click();
    for (const name of ['media-server', 'projector-left', 'projector-right', 'sound']) {
      await expect.poll(() => node(page, name).getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
    }
  });

  it('asks before the s and r keys act on the selected service', async () => {
    await node(page, 'sound').click();
    await page.locator('.side-panel[data-panel="sound"]').waitFor();
    await page.locator('.react-flow__pane').focus();
    await page.keyboard.press('s');
    const dialog = page.getByRole('dialog', { name: /^Stop Eight-channel/ });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await node(page, 'sound').getAttribute('data-state')).toBe('running');
    const transitions = await page.locator('.side-panel .transitions li').count();
    await page.keyboard.press('r');
    await page.getByRole('dialog', { name: /^Restart Eight-channel/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.side-panel .transitions li').count(), { timeout: 10_000 }).toBeGreaterThan(transitions);
    await expect.poll(() => node(page, 'sound').getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
  });

  it('gives the keys back to the panel on Escape in the log search', async () => {
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.className')).toContain('log-search');
    await page.keyboard.press('Escape');
    expect(await page.evaluate('document.activeElement?.className ?? ""')).not.toContain('log-search');
    await page.keyboard.press('s');
    const dialog = page.getByRole('dialog', { name: /^Stop Eight-channel/ });
    await dialog.waitFor();
    expect(await page.locator('.log-search').first().inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('resizes the log dock by its edge and remembers the height across a reload', async () => {
    const dock = page.getByRole('region', { name: 'Logs' });
    const before = (await dock.boundingBox())!;
    const handle = page.getByRole('separator', { name: 'Resize the log dock' });
    const grip = (await handle.boundingBox())!;
    await page.mouse.move(grip.x + 200, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x + 200, grip.y + grip.height / 2 - 150, { steps: 5 });
    await page.mouse.up();
    const after = (await dock.boundingBox())!;
    expect(after.height).toBeGreaterThan(before.height + 140);
    expect(after.height).toBeLessThan(before.height + 160);
    await handle.focus();
    await page.keyboard.press('ArrowDown');
    const byKey = (await dock.boundingBox())!.height;
    expect(byKey).toBeLessThan(after.height);
    await page.reload();
    await node(page, 'sound').waitFor();
    await expect.poll(async () => Math.round((await page.getByRole('region', { name: 'Logs' }).boundingBox())!.height)).toBe(Math.round(byKey));
  });

  it('splits the log dock into two equal panes on the next frame', async () => {
    const small = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await small.goto(daemon.url);
    await node(small, 'sound').waitFor();
    await small.locator('.log-pane').first().waitFor();
    const widths = (await small.evaluate(`(async () => {
      document.querySelector('.split-toggle').click();
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      await frame();
      await frame();
      return [...document.querySelectorAll('.log-panes > *')].map((pane) => pane.getBoundingClientRect().width);
    })()`)) as number[];
    expect(widths).toHaveLength(2);
    expect(Math.abs(widths[0] - widths[1])).toBeLessThan(4);
    expect(widths[1]).toBeGreaterThan(450);
    await small.close();
  });

  it('never draws node text below about 11 px at 1024×700, and shows whole names', async () => {
    const small = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await small.goto(daemon.url);
    await expect.poll(() => node(small, 'projector-left').getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    // The fitted view settles after React Flow measures the nodes.
    const viewportTransform = `getComputedStyle(document.querySelector('.react-flow__viewport')).transform`;
    await expect.poll(() => small.evaluate(viewportTransform), { timeout: 10_000 }).not.toBe('none');
    const smallest = (await small.evaluate(`(() => {
      const scale = new DOMMatrix(${viewportTransform}).a;
      const sizes = [...document.querySelectorAll('.react-flow__node *')]
        .filter((element) => [...element.childNodes].some((child) => child.nodeType === Node.TEXT_NODE && child.textContent.trim()))
        .map((element) => parseFloat(getComputedStyle(element).fontSize) * scale);
      return Math.min(...sizes);
    })()`)) as number;
    expect(smallest).toBeGreaterThanOrEqual(10.9);
    // Names wrap instead of ending in "…"; the state icons are SVG, not font glyphs.
    const name = node(small, 'projector-left').locator('.node-name');
    expect(await name.evaluate((element) => element.scrollHeight <= element.clientHeight + 1)).toBe(true);
    expect(await node(small, 'projector-left').locator('svg.node-icon').count()).toBe(1);
    await small.close();
  });

  it('greys out under an overlay with actions off and clocks stopped while the daemon is down, and comes back by itself', async () => {
    await node(page, 'sound').click();
    const panel = page.locator('.side-panel[data-panel="sound"]');
    await panel.waitFor();
    await daemon.stop();
    const overlay = page.getByRole('alert', { name: 'Connection lost' });
    await overlay.waitFor({ timeout: 15_000 });
    expect(await overlay.textContent()).toContain('Disconnected — reconnecting…');
    for (const label of ['Start all', 'Restart all', 'Stop all']) expect(await page.getByRole('button', { name: label, exact: true }).isDisabled()).toBe(true);
    expect(await panel.getByRole('button', { name: /^Stop / }).isDisabled()).toBe(true);
    expect(await page.evaluate(`getComputedStyle(document.querySelector('.workspace > .content')).filter`)).toContain('grayscale');
    await page.locator('.react-flow__pane').focus();
    await page.keyboard.press('s');
    expect(await page.locator('dialog[open]').count()).toBe(0);
    // Uptimes stop: the same text over two ticks of the page's one-second clock.
    const uptime = await node(page, 'sound').locator('.node-detail').textContent();
    await page.waitForTimeout(2200);
    expect(await node(page, 'sound').locator('.node-detail').textContent()).toBe(uptime);
    for (const [width, height] of [[1440, 900], [1024, 700], [800, 600]]) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(screenshotDir, `operator-offline-${width}x${height}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    daemon = await startDaemon(args, { home });
    await overlay.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Stop all', exact: true }).isDisabled()).toBe(false);
    await expect.poll(() => node(page, 'sound').getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
    await expect.poll(() => node(page, 'sound').locator('.node-detail').textContent(), { timeout: 10_000 }).not.toBe(uptime);
  });

  it('takes screenshots of every view at 1440×900, 1024×700 and 800×600', async () => {
    for (const [width, height] of [[1440, 900], [1024, 700], [800, 600]]) {
      const shot = await browser.newPage({ viewport: { width, height }, colorScheme: 'dark' });
      await shot.goto(daemon.url);
      await expect.poll(() => node(shot, 'sound').getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
      const size = `${width}x${height}`;
      await shot.screenshot({ path: join(screenshotDir, `operator-graph-${size}.png`) });
      // By keys: on a small screen the last node may sit below the fold (the graph pans, it does not shrink).
      await shot.locator('.react-flow__pane').focus();
      await shot.keyboard.press('Enter');
      await shot.keyboard.press('ArrowUp');
      await shot.locator('.side-panel[data-panel="visitor-counter"]').waitFor();
      await shot.screenshot({ path: join(screenshotDir, `operator-panel-${size}.png`) });
      await shot.getByRole('button', { name: 'Close details' }).click();
      for (const view of ['List', 'Monitors', 'Devices'] as const) {
        await shot.getByRole('button', { name: view, exact: true }).click();
        if (view === 'Monitors') await shot.getByRole('button', { name: 'Start monitor' }).click();
        await shot.screenshot({ path: join(screenshotDir, `operator-${view.toLowerCase()}-${size}.png`) });
      }
      await shot.close();
    }
    expect(await page.getByRole('dialog').count()).toBe(0);
  });
});
