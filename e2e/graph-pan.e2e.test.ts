// Issue 16: the graph pans rather than shrinking text below ~11 px, so at 800×600 a gallery's
// graph does not fit. A service picked with the keyboard (arrow keys, or Tab to its node then
// Enter) must be brought into view, whole, and not under the side panel, which at this width
// lies over the graph.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './helpers/chromium';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process';

// A hub, eight rooms that need it, and a player per room: wider and deeper than 800×600.
const rooms = ['north', 'south', 'east', 'west', 'attic', 'cellar', 'lobby', 'garden'];
const manifest = [
  `[services.hub]\ncommand = "sleep 100000"\n`,
  ...rooms.map((room) => `[services.room-${room}]\ncommand = "sleep 100000"\ndependencies = ["hub"]\n`),
  ...rooms.map((room) => `[services.player-${room}]\ncommand = "sleep 100000"\ndependencies = ["room-${room}"]\n`),
].join('\n');
const names = ['hub', ...rooms.map((room) => `room-${room}`), ...rooms.map((room) => `player-${room}`)];

type Rect = { x: number; y: number; width: number; height: number };
const inside = (node: Rect, frame: Rect) =>
  node.x >= frame.x - 0.5 && node.y >= frame.y - 0.5 && node.x + node.width <= frame.x + frame.width + 0.5 && node.y + node.height <= frame.y + frame.height + 0.5;

describe.skipIf(!chromiumAvailable())('the service graph on a small screen', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-graph-pan-'));
    await mkdir(join(home, 'dev'));
    const file = join(home, 'services.toml');
    await writeFile(file, manifest);
    daemon = await startDaemon(['--config', file, '--device-root', join(home, 'dev')]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const node = (page: Page, name: string) => page.locator(`.react-flow__node:has([data-service="${name}"])`);
  const graphBox = async (page: Page) => (await page.getByLabel('Service graph').boundingBox())!;
  /** The graph minus the side panel, which lies over it below 900 px wide. */
  const visibleBox = async (page: Page) => {
    const frame = await graphBox(page);
    const panel = await page.locator('.side-panel').boundingBox();
    return panel && panel.x > frame.x && panel.x < frame.x + frame.width ? { ...frame, width: panel.x - frame.x } : frame;
  };

  /** A fresh 800×600 page, graph settled, and the service whose node is farthest out of view. */
  async function smallPage(): Promise<{ page: Page; target: string }> {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto(daemon.url);
    for (const name of names) await node(page, name).waitFor({ state: 'attached', timeout: 30_000 });
    // The fitted view settles once React Flow has measured every node.
    const transform = () => page.evaluate(`getComputedStyle(document.querySelector('.react-flow__viewport')).transform`);
    await expect.poll(transform, { timeout: 15_000 }).not.toBe('none');
    let previous = '';
    const unchanged = async () => {
      const now = (await transform()) as string;
      const same = now === previous;
      previous = now;
      return same;
    };
    await expect.poll(unchanged, { timeout: 15_000, interval: 300 }).toBe(true);
    const frame = await graphBox(page);
    let target = '';
    let farthest = 0;
    for (const name of names) {
      const box = (await node(page, name).boundingBox())!;
      const out = Math.max(frame.x - box.x, box.x + box.width - (frame.x + frame.width), frame.y - box.y, box.y + box.height - (frame.y + frame.height));
      if (out > farthest) [target, farthest] = [name, out];
    }
    expect(target, 'some node starts off-screen at 800×600').not.toBe('');
    return { page, target };
  }

  async function expectInView(page: Page, name: string): Promise<void> {
    await page.locator(`.side-panel[data-panel="${name}"]`).waitFor({ timeout: 15_000 });
    await expect
      .poll(async () => inside((await node(page, name).boundingBox())!, await visibleBox(page)), { timeout: 15_000, message: `${name} within the visible part of the graph` })
      .toBe(true);
  }

  it('pans to a service picked with the arrow keys', async () => {
    const { page, target } = await smallPage();
    await page.locator('.react-flow__pane').focus();
    for (let presses = 0; presses <= names.length; presses++) {
      await page.keyboard.press('ArrowDown');
      if (await page.locator(`.side-panel[data-panel="${target}"]`).count()) break;
    }
    await expectInView(page, target);
    await page.close();
  });

  it('pans to a node reached with Tab and opened with Enter', async () => {
    const { page, target } = await smallPage();
    await page.locator('.react-flow__pane').focus();
    const targetId = `service:${target}`;
    for (let presses = 0; presses < 80; presses++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(`document.activeElement?.getAttribute('data-id')`)) === targetId) break;
    }
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-id')`)).toBe(targetId);
    await page.keyboard.press('Enter');
    await expectInView(page, target);
    await page.close();
  });
});
