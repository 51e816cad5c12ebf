// `[alerts]` in the panel, in real Chromium against the built daemon: a real webhook receiver
// that first answers 500, a service that fails, a heartbeat that pauses because of it. The top
// bar says what the daemon reports (alerts.changed events, no reload): failing with what waits,
// then, once the receiver takes the alert, delivered; the heartbeat paused and why; marked as
// the last known state once the daemon is gone. Screenshots
// of the opened badge at three sizes land in e2e/screenshots/alerts-*.png.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../test/helpers/webhook-receiver';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const ticker = join(repoRoot, 'test', 'fixtures', 'e2e', 'ticker.js');

describe.skipIf(!chromiumAvailable())('alerts in the panel', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let home: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-alerts-panel-'));
    receiver = await startWebhookReceiver();
    receiver.status = 500;
    const manifest = join(home, 'services.toml');
    await writeFile(
      manifest,
      `[services.steady]
command = "node ${ticker} steady"

[services.api]
command = "echo starting; exit 3"
restart = "on-failure"
max_restarts = 0

[alerts]
webhook = "${receiver.url}/hook"
heartbeat_url = "${receiver.url}/beat"
heartbeat_interval_seconds = 0.5
`,
    );
    daemon = await startDaemon(['--config', manifest], { home });
    browser = await launchChromium();
    await mkdir(screenshotDir, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(daemon.url);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await receiver?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const badge = () => page.locator('.alerts-badge');
  const details = () => page.getByRole('list', { name: 'Alerts and heartbeat' }).innerText();

  it('shows the webhook failing with what waits, the heartbeat paused, then the delivery, live', async () => {
    await expect.poll(() => badge().getAttribute('data-level'), { timeout: 30_000 }).toBe('error');
    // The receiver really was refusing: what the panel says came from a real attempt.
    expect(receiver.requests.some((request) => request.path === '/hook' && request.status === 500)).toBe(true);
    await expect.poll(() => badge().locator('summary').textContent()).toBe('Alerts failing · 1 queued');
    await badge().locator('summary').click();
    const failing = await details();
    expect(failing).toContain('The webhook did not take the last alert: HTTP 500');
    expect(failing).toMatch(/1 queued on disk; (next try at|trying again now)/);
    await expect.poll(details, { timeout: 10_000 }).toMatch(/Heartbeat paused at .*: api is failed/);
    for (const [width, height] of [
      [1440, 900],
      [1024, 768],
      [390, 844],
    ]) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(screenshotDir, `alerts-failing-${width}x${height}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    receiver.status = 200;
    await expect.poll(() => receiver.accepted('/hook').length, { timeout: 30_000 }).toBe(1);
    expect(receiver.accepted('/hook')[0].body).toMatchObject({ kind: 'service-failed', service: 'api', to: 'failed' });
    // Delivered: no longer failing; the heartbeat stays paused while api is failed.
    await expect.poll(() => badge().getAttribute('data-level'), { timeout: 10_000 }).toBe('warn');
    expect(await badge().locator('summary').textContent()).toBe('Heartbeat paused');
    const delivered = await details();
    expect(delivered).toMatch(/Webhook: 1 delivered since the daemon started, the last at /);
    expect(delivered).not.toContain('did not take');
    await page.screenshot({ path: join(screenshotDir, 'alerts-delivered-1440x900.png') });

    // The daemon gone: the badge keeps the last report and says it is no longer live.
    expect(await badge().getAttribute('data-stale')).toBe('false');
    await daemon.stop();
    await expect.poll(() => badge().getAttribute('data-stale'), { timeout: 15_000 }).toBe('true');
    expect(await badge().locator('summary').getAttribute('aria-label')).toBe('Alerts: Heartbeat paused (last known: disconnected)');
    expect(await details()).toContain('Disconnected from the daemon: this is what it last reported.');
    await page.screenshot({ path: join(screenshotDir, 'alerts-disconnected-1440x900.png') });
  });
});
