// The skeleton end to end: the built daemon on the demo manifest, its page in real Chromium,
// the contract over the real WebSocket, the CLI client commands, and the refusals.
import { mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { cliPath, repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const run = promisify(execFile);

describe.skipIf(!chromiumAvailable())('the daemon on the demo manifest', () => {
  let daemon: DaemonProcess;
  let browser: Browser;

  beforeAll(async () => {
    daemon = await startDaemon();
    browser = await launchChromium();
    await mkdir(screenshotDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    const code = await daemon?.stop();
    expect(code).toBe(0);
  });

  it('prints exactly the listening line and answers /health without a token', async () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/);
    const response = await fetch(`${daemon.origin}/health`);
    expect(await response.json()).toEqual({ status: 'healthy' });
  });

  it('shows the demo services in the page and stops and starts one', async () => {
    const page = await browser.newPage();
    await page.goto(daemon.url);
    // The page took the token out of the address bar (into this tab's sessionStorage).
    await expect.poll(() => page.url()).toBe(`${daemon.origin}/`);
    for (const name of ['store', 'api', 'display', 'sensor-worker']) {
      await page.locator(`[data-service="${name}"]`).waitFor();
    }
    const display = page.locator('[data-service="display"]');
    await expect.poll(() => display.getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
    await page.screenshot({ path: join(screenshotDir, 'skeleton-services.png'), fullPage: true });

    await display.click();
    await page.getByRole('complementary', { name: 'Details of Gallery display' }).waitFor();
    await page.screenshot({ path: join(screenshotDir, 'skeleton-panel.png'), fullPage: true });
    await page.getByRole('button', { name: 'Stop Gallery display', exact: true }).click();
    await expect.poll(() => display.getAttribute('data-state'), { timeout: 15_000 }).not.toMatch(/running|stopping/);
    await page.getByRole('button', { name: 'Start Gallery display', exact: true }).click();
    await expect.poll(() => display.getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toBe('Connected');
    await page.close();
  });

  it('serves mrmd-orchestrator routes and Prometheus metrics with the token', async () => {
    const headers = { Authorization: `Bearer ${daemon.token}` };
    const status = (await (await fetch(`${daemon.origin}/api/status`, { headers })).json()) as { services: Record<string, unknown> };
    expect(Object.keys(status.services)).toEqual(['store', 'api', 'display', 'sensor-worker']);
    const logs = await (await fetch(`${daemon.origin}/api/logs/store?lines=5`, { headers })).json();
    expect(logs).toMatchObject({ process: 'store', lines: expect.any(Array) });
    const metrics = await (await fetch(`${daemon.origin}/metrics`, { headers })).text();
    expect(metrics).toContain('showrunner_service_up{service="store"}');
    expect((await fetch(`${daemon.origin}/metrics`)).status).toBe(401);
  });

  it('refuses the API without the token; the page without it says how to get in', async () => {
    expect((await fetch(`${daemon.origin}/api/status`)).status).toBe(401);
    expect((await fetch(`${daemon.origin}/api/status`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const bare = await fetch(`${daemon.origin}/`);
    expect(bare.status).toBe(200);
    expect(bare.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await bare.text()).toContain('showrunner url');
    const page = await browser.newPage();
    await page.goto(`${daemon.origin}/`);
    await page.getByText('This panel needs its token').waitFor();
    expect(await page.locator('[data-service]').count()).toBe(0);
    await page.close();
  });

  it('refuses a WebSocket without the token or from a foreign Origin, and serves one with both right', async () => {
    const wsUrl = daemon.origin.replace('http', 'ws') + '/ws';
    const outcome = (url: string, headers: Record<string, string> = {}) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url, { headers });
        socket.once('open', () => {
          socket.close();
          resolve('open');
        });
        socket.once('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
        socket.once('error', (error) => resolve(`error ${error.message}`));
      });
    const bearer = `Bearer ${daemon.token}`;
    expect(await outcome(wsUrl)).toBe('401');
    expect(await outcome(`${wsUrl}?token=${daemon.token}`)).toBe('401');
    expect(await outcome(wsUrl, { Authorization: bearer, Origin: 'http://evil.example' })).toBe('403');
    expect(await outcome(wsUrl, { Authorization: bearer, Origin: daemon.origin })).toBe('open');
    expect(await outcome(wsUrl, { Authorization: bearer, Host: 'evil.example:80' })).toBe('403');
  });

  it('answers the contract over the WebSocket, rejecting bad arguments by schema', async () => {
    const socket = new WebSocket(`${daemon.origin.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${daemon.token}` } });
    await new Promise((resolve) => socket.once('open', resolve));
    const replies = new Map<number, unknown>();
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === 'reply') replies.set(message.id, message.reply);
    });
    const call = async (id: number, method: string, args: unknown) => {
      socket.send(JSON.stringify({ type: 'call', id, method, args }));
      for (let i = 0; i < 200 && !replies.has(id); i++) await new Promise((r) => setTimeout(r, 10));
      return replies.get(id) as { ok: boolean; value?: unknown; error?: { code: string } };
    };
    const snapshot = await call(1, 'system.subscribe', {});
    expect(snapshot.ok).toBe(true);
    expect((await call(2, 'services.start', { name: 42 })).error?.code).toBe('invalid-args');
    expect((await call(3, 'services.start', { name: 'nope' })).error?.code).toBe('not-found');
    expect((await call(4, 'process.exit', {})).error?.code).toBe('unknown-method');
    socket.send(JSON.stringify({ type: 'call', id: 6, method: 7 }));
    expect((await call(5, 'services.list', {})).ok).toBe(true);
    // The malformed call was answered by its id, not dropped in silence.
    expect(replies.get(6)).toMatchObject({ ok: false, error: { code: 'invalid-args' } });
    socket.close();
  });

  it('runs the CLI client commands through the discovery record', async () => {
    const env = daemon.env;
    const status = await run(process.execPath, [cliPath, 'status'], { env });
    expect(status.stdout).toMatch(/^\S+services\.toml  http:\/\/127\.0\.0\.1:\d+  \(pid \d+\)\nNAME\s+STATE/);
    expect(status.stdout).toContain('sensor-worker');
    const json = JSON.parse((await run(process.execPath, [cliPath, 'status', '--json'], { env })).stdout);
    expect(json.daemons).toHaveLength(1);
    expect(json.daemons[0].services.map((service: { name: string }) => service.name)).toEqual(['store', 'api', 'display', 'sensor-worker']);
    const url = (await run(process.execPath, [cliPath, 'url'], { env })).stdout.trim();
    expect(url).toBe(daemon.url);
    const restart = await run(process.execPath, [cliPath, 'restart', 'display'], { env });
    expect(restart.stdout).toMatch(/^display: /);
    await expect(run(process.execPath, [cliPath, 'stop', 'nope'], { env })).rejects.toMatchObject({ code: 1 });
  });
});

describe('the CLI without a daemon', () => {
  it('refuses a non-loopback host with a token under 16 characters (exit 2)', async () => {
    await expect(run(process.execPath, [cliPath, 'serve', '--host', '0.0.0.0', '--port', '0', '--token', 'short'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('at least 16'),
    });
  });

  it('checks a manifest: exit 0 and FILE: ok (N services) when valid, else exit 1 with FILE:LINE:COL: FIELD: message lines', async () => {
    const demo = join(repoRoot, 'resources', 'demo', 'services.toml');
    expect(await run(process.execPath, [cliPath, 'check', demo])).toMatchObject({ stdout: `${demo}: ok (4 services)\n` });
    const broken = join(repoRoot, 'test', 'fixtures', 'e2e', 'broken.toml');
    const failure = await run(process.execPath, [cliPath, 'check', broken]).catch((error: { code: number; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout.trim().split('\n')).toEqual([
      `${broken}:3:11: services.api.restart: "sometimes" is not one of "always", "on-failure", "never"`,
      `${broken}:4:17: services.api.dependencies[0]: no service named "db"`,
    ]);
  });

  it('rejects an unknown command with "did you mean" and no usage, and an unknown option with usage (exit 2)', async () => {
    await expect(run(process.execPath, [cliPath, 'frobnicate'])).rejects.toMatchObject({ code: 2 });
    const typo = await run(process.execPath, [cliPath, 'stauts']).catch((error: { code: number; stderr: string }) => error);
    expect(typo).toMatchObject({ code: 2, stderr: 'showrunner: unknown command "stauts"; did you mean "status"?\n(`showrunner help` lists the commands)\n' });
    const option = await run(process.execPath, [cliPath, 'serve', '--prot', '1']).catch((error: { code: number; stderr: string }) => error);
    expect(option).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --prot; did you mean "--port"?') });
    expect((option as { stderr: string }).stderr).toContain('usage: showrunner');
  });
});
