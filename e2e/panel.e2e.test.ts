// The control panel in real Chromium against the built daemon on a fixture manifest with every
// kind of node: dependencies with conditions, a crashing service, a device-gated one, the
// built-in sync server and runtime, and a monitor. Screenshots land in e2e/screenshots/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { EditorPeer } from '../src/main/engine/monitors/editor-peer.test-kit';
import { waitFor } from '../test/helpers/wait-for';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const fixtures = join(repoRoot, 'test', 'fixtures', 'e2e');

async function writeManifest(dir: string, syncPort: number, edit: (text: string) => string = (text) => text): Promise<string> {
  const template = await readFile(join(fixtures, 'panel.toml'), 'utf8');
  const file = join(dir, 'services.toml');
  await writeFile(file, edit(template.replaceAll('DIR', fixtures).replaceAll('SYNC_PORT', String(syncPort))));
  return file;
}

const state = (page: Page, name: string) => page.locator(`.react-flow [data-service="${name}"]`).getAttribute('data-state');

describe.skipIf(!chromiumAvailable())('the control panel', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let manifest: string;
  let syncPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-panel-'));
    await mkdir(join(dir, 'dev'));
    syncPort = await findFreePort();
    manifest = await writeManifest(dir, syncPort);
    daemon = await startDaemon(['--config', manifest, '--device-root', join(dir, 'dev')]);
    browser = await launchChromium();
    await mkdir(screenshotDir, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(daemon.url);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('draws every service, device and monitor with the edges between them', async () => {
    for (const name of ['db', 'api', 'crasher', 'camera-viewer', 'flapper', 'mrmd-sync', 'mrmd-runtime']) {
      await page.locator(`.react-flow [data-service="${name}"]`).waitFor();
    }
    await page.locator('[data-device="path:/dev/showrunner-cam"]').waitFor();
    await page.locator('[data-monitor-node="notes"]').waitFor();
    for (const edge of [
      'service:db->service:api',
      'service:db->service:crasher',
      'device:path:/dev/showrunner-cam->service:camera-viewer',
      'service:mrmd-sync->monitor:notes',
      'service:mrmd-runtime->monitor:notes',
    ]) {
      await page.getByTestId(`rf__edge-${edge}`).waitFor({ state: 'attached' });
    }
    // Conditions label the dependency edges: db has a probe, so api waits for it to be healthy.
    await expect.poll(() => page.getByTestId('rf__edge-service:db->service:api').textContent()).toContain('healthy');
    await expect.poll(() => page.getByTestId('rf__edge-service:db->service:crasher').textContent()).toContain('started');
    await expect.poll(() => state(page, 'api'), { timeout: 20_000 }).toBe('running');
    await page.screenshot({ path: join(screenshotDir, 'panel-graph.png') });
    await page.getByRole('button', { name: 'List' }).click();
    await page.locator('.service-list').waitFor();
    await page.screenshot({ path: join(screenshotDir, 'panel-list.png') });
    await page.getByRole('button', { name: 'Graph' }).click();
  });

  it('turns a crashed service red with its exit reason, and restarts it from the side panel', async () => {
    const crasher = page.locator('.react-flow [data-service="crasher"]');
    await expect.poll(() => crasher.getAttribute('data-state'), { timeout: 20_000 }).toBe('exited');
    await expect.poll(() => crasher.getAttribute('class')).toContain('tone-bad');
    expect(await crasher.textContent()).toContain('exited with code 3');
    // Node positions are in graph coordinates, fixed by topology: state changes never move them.
    const positions = () => page.locator('.react-flow__node').evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('data-id')} ${/transform:[^;]*/.exec(node.getAttribute('style') ?? '')?.[0]}`));
    const before = await positions();
    expect(before.length).toBeGreaterThan(8);
    for (const position of before) expect(position).toContain('translate(');
    await crasher.click();
    const panel = page.getByRole('complementary', { name: 'Details of Crasher' });
    await panel.waitFor();
    await page.screenshot({ path: join(screenshotDir, 'panel-crash.png') });
    await panel.getByRole('button', { name: 'Restart Crasher' }).click();
    await expect.poll(() => crasher.getAttribute('data-state'), { timeout: 10_000 }).toMatch(/starting|running/);
    await expect.poll(() => crasher.getAttribute('data-state'), { timeout: 10_000 }).toBe('exited');
    expect(await panel.locator('.transitions li').count()).toBeGreaterThan(4);
    expect(await positions()).toEqual(before);
  });

  it('raises a toast when a service gives up restarting, naming it and why', async () => {
    const flapper = page.locator('.react-flow [data-service="flapper"]');
    await expect.poll(() => flapper.getAttribute('data-state'), { timeout: 20_000 }).toBe('failed');
    expect(await flapper.getAttribute('class')).toContain('tone-bad');
    // The page may or may not have seen that first failure live; clear its toast and make it fail
    // again from the panel, so the toast below can only come from the live transition.
    const toasts = page.locator('.toast').filter({ hasText: 'Flapper failed' });
    while ((await toasts.count()) > 0) await toasts.first().getByRole('button', { name: 'Dismiss' }).click();
    await flapper.click();
    await page.getByRole('button', { name: 'Start Flapper', exact: true }).click();
    await toasts.first().waitFor({ timeout: 20_000 });
    expect(await toasts.first().textContent()).toMatch(/Flapper failed: \S/);
    await toasts.first().getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => toasts.count()).toBe(0);
    await page.getByRole('button', { name: 'Close details' }).click();
  });

  it('keeps a device-gated service blocked, naming the device, until the device appears', async () => {
    const viewer = page.locator('.react-flow [data-service="camera-viewer"]');
    expect(await viewer.getAttribute('data-state')).toBe('blocked');
    expect(await viewer.textContent()).toContain('/dev/showrunner-cam');
    await page.getByRole('button', { name: 'Devices' }).click();
    await expect.poll(() => page.locator('[data-device-row="path:/dev/showrunner-cam"]').getAttribute('data-present')).toBe('false');
    await page.screenshot({ path: join(screenshotDir, 'panel-devices.png') });
    await writeFile(join(dir, 'dev', 'showrunner-cam'), '');
    await expect.poll(() => page.locator('[data-device-row="path:/dev/showrunner-cam"]').getAttribute('data-present'), { timeout: 10_000 }).toBe('true');
    await page.getByRole('button', { name: 'Graph' }).click();
    await expect.poll(() => state(page, 'camera-viewer'), { timeout: 10_000 }).toBe('running');
  });

  it('kills, starts, stops, disables and enables a service from the side panel', async () => {
    const viewer = page.locator('.react-flow [data-service="camera-viewer"]');
    const pidOf = async () => (await viewer.textContent())?.match(/pid (\d+)/)?.[1];
    const pid = await pidOf();
    expect(pid).toBeDefined();
    await viewer.click();
    const panel = page.getByRole('complementary', { name: 'Details of Camera viewer' });
    // A kill is the operator's hard stop: the service stays down until started again.
    await panel.getByRole('button', { name: 'Kill Camera viewer' }).click();
    await expect.poll(() => viewer.getAttribute('data-state'), { timeout: 10_000 }).toBe('exited');
    expect(await viewer.textContent()).toContain('Stopped');
    await panel.getByRole('button', { name: 'Start Camera viewer', exact: true }).click();
    await expect.poll(() => viewer.getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    expect(await pidOf()).not.toBe(pid);
    await panel.getByRole('button', { name: 'Stop Camera viewer' }).click();
    await expect.poll(() => viewer.getAttribute('data-state'), { timeout: 10_000 }).toBe('exited');
    await panel.getByRole('button', { name: 'Disable Camera viewer' }).click();
    await expect.poll(() => viewer.getAttribute('data-state'), { timeout: 10_000 }).toBe('disabled');
    await panel.getByRole('button', { name: 'Enable Camera viewer' }).click();
    // Enabled again, it starts as it would at boot.
    await expect.poll(() => viewer.getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    await panel.getByRole('button', { name: 'Close details' }).click();
  });

  it('picks services with Enter and the arrow keys, restarts with r, starts with s (each confirmed) and searches with /', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    const panel = page.locator('.side-panel');
    await panel.waitFor({ state: 'detached' });
    await page.keyboard.press('Enter');
    await expect.poll(() => panel.getAttribute('data-panel')).toBe('mrmd-sync');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => panel.getAttribute('data-panel')).toBe('db');
    const before = await page.locator('.side-panel .transitions li').count();
    await page.keyboard.press('r');
    // The single-key actions ask first (issue 16); Enter confirms.
    await page.getByRole('dialog', { name: 'Restart Database?' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.side-panel .transitions li').count(), { timeout: 10_000 }).toBeGreaterThan(before);
    await expect.poll(() => state(page, 'db'), { timeout: 10_000 }).toBe('running');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => panel.getAttribute('data-panel')).toBe('crasher');
    expect(await state(page, 'crasher')).toBe('exited');
    await page.keyboard.press('s');
    await page.getByRole('dialog', { name: 'Start Crasher?' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => state(page, 'crasher'), { timeout: 10_000 }).toMatch(/starting|running/);
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.className')).toContain('log-search');
  });

  it('shows a broken manifest on a banner while everything keeps running, and clears it when fixed', async () => {
    const pidBefore = await page.locator('.react-flow [data-service="api"]').textContent();
    await writeManifest(dir, syncPort, (text) => text.replace('restart = "never"', 'restart = "sometimes"'));
    const banner = page.getByRole('alert', { name: 'Manifest problems' });
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('services.crasher.restart');
    expect(await state(page, 'api')).toBe('running');
    expect((await page.locator('.react-flow [data-service="api"]').textContent())?.match(/pid \d+/)?.[0]).toBe(pidBefore?.match(/pid \d+/)?.[0]);
    await page.screenshot({ path: join(screenshotDir, 'panel-problems.png') });
    await writeManifest(dir, syncPort);
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('runs a cell from an editor through the monitor queue, answering its input from the panel', async () => {
    await page.getByRole('button', { name: 'Monitors' }).click();
    await page.locator('[data-monitor="notes"]').waitFor();
    await expect.poll(() => page.locator('[data-monitor="notes"] td').nth(1).textContent(), { timeout: 20_000 }).toContain('connected');
    const editor = await EditorPeer.connect(`ws://127.0.0.1:${syncPort}`, 'notes');
    try {
      const code = 'mrmd_input "Your name: " NAME\necho "hello $NAME"';
      editor.addCell('bash', code);
      const id = editor.request(code, 'bash');
      const row = page.locator(`[data-execution="${id}"]`);
      await row.waitFor({ timeout: 15_000 });
      const reply = page.getByLabel(`Reply to ${id}`);
      await reply.waitFor({ timeout: 15_000 });
      expect(await row.getAttribute('data-status')).toBe('running');
      await page.screenshot({ path: join(screenshotDir, 'panel-monitors.png') });
      await reply.fill('gallery');
      await reply.press('Enter');
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('completed');
      await waitFor(() => editor.output(id) ?? '', (output) => output.includes('hello gallery'), { what: 'output in the document' });
    } finally {
      editor.close();
    }
  });

  it('floats the side panel over the graph on a narrow window instead of squeezing the graph', async () => {
    const narrow = await browser.newPage({ viewport: { width: 760, height: 800 } });
    await narrow.goto(daemon.url);
    await narrow.locator('.react-flow [data-service="api"]').click();
    const panel = narrow.getByRole('complementary', { name: 'Details of API' });
    await panel.waitFor();
    const panelBox = await panel.boundingBox();
    const graphBox = await narrow.locator('.graph').boundingBox();
    expect(panelBox!.x + panelBox!.width).toBeLessThanOrEqual(760);
    expect(graphBox!.width).toBeGreaterThan(700);
    await narrow.screenshot({ path: join(screenshotDir, 'panel-narrow.png') });
    await narrow.close();
  });

  // Only where the engine has a USB notice to give: a machine without a USB bus (a container).
  it.runIf(!existsSync('/sys/bus/usb'))('shows the engine notice that USB hot-plug is unavailable until dismissed', async () => {
    const strip = page.getByRole('region', { name: 'Notices' });
    const notice = strip.getByRole('status').filter({ hasText: 'USB hot-plug unavailable' });
    await notice.waitFor();
    await notice.getByRole('button', { name: /^Dismiss: USB hot-plug unavailable/ }).click();
    await notice.waitFor({ state: 'detached' });
  });

  it('follows the system dark theme', async () => {
    const dark = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark' });
    await dark.goto(daemon.url);
    await dark.locator('.react-flow [data-service="db"]').waitFor();
    const background = await dark.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(18, 21, 27)');
    await expect.poll(() => dark.locator('.log-pane .xterm-rows').first().textContent(), { timeout: 10_000 }).toContain('running');
    await dark.screenshot({ path: join(screenshotDir, 'panel-dark.png') });
    await dark.close();
  });
});

describe.skipIf(!chromiumAvailable())('the panel across a daemon restart', () => {
  it('says Disconnected while the daemon is down, reconnects, and shows log history once', async () => {
    const port = await findFreePort();
    // No --token: the restarted daemon (same state dir) keeps its token, so the open page's
    // token still works (issue 14).
    const home = await mkdtemp(join(tmpdir(), 'showrunner-reconnect-'));
    const args = ['--config', join(fixtures, 'services.toml'), '--port', String(port)];
    let daemon = await startDaemon(args, { home });
    const firstToken = daemon.token;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(daemon.url);
      await page.locator('[data-service="colours"]').click();
      const lines = () => page.locator('[data-log="colours"] .xterm-rows > div').allTextContents();
      await expect.poll(async () => (await lines()).filter((line) => line.startsWith('colour line')).length, { timeout: 15_000 }).toBe(10);
      await daemon.stop();
      const connection = page.getByRole('status', { name: 'Connection' });
      await expect.poll(() => connection.textContent(), { timeout: 10_000 }).not.toBe('Connected');
      daemon = await startDaemon(args, { home });
      expect(daemon.token).toBe(firstToken);
      await expect.poll(() => connection.textContent(), { timeout: 15_000 }).toBe('Connected');
      // The restarted daemon's service printed its ten lines again; the pane shows them once.
      await expect.poll(async () => (await lines()).filter((line) => line.startsWith('colour line')).length, { timeout: 15_000 }).toBe(10);
    } finally {
      await browser.close();
      await daemon.stop();
      await rm(home, { recursive: true, force: true });
    }
  });
});
