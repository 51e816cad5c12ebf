// Issue 19 in Chromium: the Runs view against a real daemon whose compose services run on the
// stand-in `docker` (test/helpers/fake-docker.cjs; no Docker engine here). A protected
// service's run waits with Approve/Reject, its steps fill in live; a deployment that does not
// verify is rolled back and its rollback.log opens in the panel. Screenshots at 1440x900 and
// 800x600.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFakeDocker, type FakeDocker } from '../test/helpers/fake-docker';
import { waitFor } from '../test/helpers/wait-for';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process';

describe.skipIf(!chromiumAvailable())('the Runs panel', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let home: string;
  let docker: FakeDocker;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'showrunner-runs-panel-'));
    docker = await installFakeDocker(home);
    await mkdir(join(home, 'stack'));
    await writeFile(join(home, 'stack', 'compose.yaml'), 'services:\n  web:\n    build: ./web\n  api:\n    build: ./api\n');
    const manifest = join(home, 'services.toml');
    await writeFile(
      manifest,
      '[services.web]\nkind = "compose"\nproject_dir = "stack"\nprotected = true\nverify_timeout_seconds = 5\n\n[services.api]\nkind = "compose"\nproject_dir = "stack"\nverify_timeout_seconds = 3\n',
    );
    daemon = await startDaemon(['--config', manifest], { home, env: docker.env });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Runs' }).click();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const run = (status: string) => page.locator(`.run[data-status="${status}"]`);

  it('a protected run waits for approval, then its steps succeed live', async () => {
    await page.getByLabel('Compose service').selectOption('web');
    await page.getByRole('button', { name: 'Roll out' }).click();
    await waitFor(() => run('awaiting_approval').count(), (count) => count === 1, { what: 'a run awaiting approval', timeoutMs: 30_000 });
    const waiting = run('awaiting_approval');
    expect(await waiting.locator('.run-reason').textContent()).toBe('web is protected: approve or reject the run');
    expect(await waiting.locator('.run-step').evaluateAll((steps) => steps.map((step) => step.getAttribute('data-status')))).toEqual(['pending', 'pending', 'pending', 'pending']);
    await page.screenshot({ path: join(screenshotDir, 'runs-awaiting-approval-1440.png') });
    const id = (await waiting.getAttribute('data-run'))!;
    await waiting.getByRole('button', { name: `Approve run ${id}` }).click();
    const row = page.locator(`.run[data-run="${id}"]`);
    await waitFor(() => row.getAttribute('data-status'), (status) => status === 'succeeded', { what: 'the run succeeded', timeoutMs: 60_000 });
    expect(await row.locator('.run-step').evaluateAll((steps) => steps.map((step) => `${step.getAttribute('data-step')}:${step.getAttribute('data-status')}`))).toEqual([
      'tag:succeeded',
      'build:succeeded',
      'deploy:succeeded',
      'verify:succeeded',
    ]);

    // A second one is rejected at the gate: nothing is built.
    await page.getByRole('button', { name: 'Roll out' }).click();
    await waitFor(() => run('awaiting_approval').count(), (count) => count === 1, { what: 'a second run awaiting approval', timeoutMs: 30_000 });
    const second = (await run('awaiting_approval').getAttribute('data-run'))!;
    await page.getByRole('button', { name: `Reject run ${second}` }).click();
    await waitFor(() => page.locator(`.run[data-run="${second}"]`).getAttribute('data-status'), (status) => status === 'rejected', { what: 'rejected', timeoutMs: 30_000 });
  }, 180_000);

  it('a deployment that does not verify is rolled back; its rollback.log opens in the panel', async () => {
    await docker.setState((state) => (state.badBuilds = true));
    await page.getByLabel('Compose service').selectOption('api');
    await page.getByRole('button', { name: 'Roll out' }).click();
    await waitFor(() => run('rolled_back').count(), (count) => count === 1, { what: 'a rolled-back run', timeoutMs: 90_000 });
    const row = run('rolled_back');
    const id = (await row.getAttribute('data-run'))!;
    expect(await row.locator('[data-step="verify"]').getAttribute('data-status')).toBe('failed');
    expect(await row.locator('[data-step="verify_rollback"]').getAttribute('data-status')).toBe('succeeded');
    await row.getByRole('button', { name: `rollback.log of run ${id}` }).click();
    const artifact = page.getByRole('region', { name: `rollback.log of run ${id}` });
    await waitFor(() => artifact.locator('pre').textContent(), (text) => !!text?.includes('rolling back: not healthy after 3 s'), { what: 'rollback.log shown', timeoutMs: 15_000 });
    await page.screenshot({ path: join(screenshotDir, 'runs-rolled-back-1440.png') });
    await page.setViewportSize({ width: 800, height: 600 });
    await page.screenshot({ path: join(screenshotDir, 'runs-rolled-back-800.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 180_000);
});
