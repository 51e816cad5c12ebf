// Input through the panel's reply box (issue 20): under `showrunner mrmd`, a python cell's
// input() gets a plain box and getpass() a masked one; a bash cell's plain `read` and
// `read -s` likewise. The answers reach the cells.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { EditorPeer } from '../src/main/engine/monitors/editor-peer.test-kit';
import { waitFor } from '../test/helpers/wait-for';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process';

describe.skipIf(!chromiumAvailable())('the reply box under showrunner mrmd', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let editor: EditorPeer;
  let docs: string;

  beforeAll(async () => {
    docs = await mkdtemp(join(tmpdir(), 'showrunner-mrmd-stdin-'));
    const syncPort = await findFreePort();
    const runtimePort = await findFreePort();
    daemon = await startDaemon(['--docs', docs, '--sync-port', String(syncPort), '--runtime-port', String(runtimePort), '--monitor', 'notes'], { command: 'mrmd' });
    browser = await launchChromium();
    await mkdir(screenshotDir, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Monitors' }).click();
    await page.locator('[data-monitor="notes"]').waitFor({ timeout: 30_000 });
    await waitFor(() => page.locator('[data-monitor="notes"] td').nth(1).textContent(), (text) => text?.includes('connected') === true, { what: 'monitor connected', timeoutMs: 30_000 });
    editor = await EditorPeer.connect(`ws://127.0.0.1:${syncPort}`, 'notes');
  }, 120_000);

  afterAll(async () => {
    editor?.close();
    await browser?.close();
    expect(await daemon?.stop()).toBe(0);
    await rm(docs, { recursive: true, force: true });
  });

  async function answer(id: string, prompt: string, type: 'text' | 'password', text: string, screenshot?: string): Promise<void> {
    const row = page.locator(`[data-execution="${id}"]`);
    await row.waitFor({ timeout: 30_000 });
    const reply = page.getByLabel(`Reply to ${id}`);
    await expect.poll(() => row.locator('.stdin-reply label').textContent(), { timeout: 30_000 }).toContain(prompt);
    expect(await reply.getAttribute('type')).toBe(type);
    await reply.fill(text);
    if (screenshot) await page.screenshot({ path: join(screenshotDir, screenshot) });
    await reply.press('Enter');
  }

  for (const [language, code, expected] of [
    ['python', 'import getpass\nname = input("Name: ")\nsecret = getpass.getpass("Secret: ")\nprint("hello", name, len(secret))', 'hello Ada 7'],
    ['bash', 'read -p "Name: " name\nread -s -p "Secret: " secret\necho "hello $name ${#secret}"', 'hello Ada 7'],
  ] as const) {
    it(`asks for a ${language} cell's input in clear and its password masked`, async () => {
      editor.addCell(language, code);
      const id = editor.request(code, language);
      await answer(id, 'Name: ', 'text', 'Ada');
      await answer(id, 'Secret: ', 'password', 'hunter2', `mrmd-stdin-${language}-password.png`);
      await waitFor(() => editor.entry(id)?.status, (status) => status === 'completed' || status === 'error', { what: 'cell finished', timeoutMs: 30_000 });
      expect(editor.entry(id)?.status).toBe('completed');
      expect(editor.output(id)).toContain(expected);
      expect(editor.output(id)).not.toContain('hunter2');
    }, 120_000);
  }
});
