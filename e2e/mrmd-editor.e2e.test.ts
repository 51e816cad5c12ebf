// Issue 24: the real mrmd editor (mrmd-electron's bundle, fetched by
// scripts/fetch-mrmd-editor.mjs) at /editor/?doc=NAME under `showrunner mrmd`, in Chromium.
// A person types a bash cell and presses Ctrl+Enter; a bash `read` is answered in the editor's
// stdin block; two editor pages and two monitor processes on one document run every cell once;
// the bundle's own `mrmd.runtime()` works against our /api/runtimes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { waitFor } from '../test/helpers/wait-for';
import { chromiumAvailable, launchChromium, screenshotDir } from './helpers/chromium';
import { cliPath, repoRoot, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const bundlePath = join(repoRoot, 'vendor', 'mrmd-editor', 'mrmd.iife.js');

/** The page's editor, as editor-page.ts keeps it on `window`. */
type PageEditor = { getContent(): string; view: { state: { doc: { length: number } }; dispatch(spec: unknown): void; focus(): void }; execution: { runCell(index: number): Promise<unknown> } };
declare const window: { showrunnerEditor: { editor: PageEditor }; mrmd: { runtime(url: string, target: string, options: { doc: string }): Promise<PageEditor & { destroyRuntime(): Promise<void> }> }; rt?: PageEditor & { destroyRuntime(): Promise<void> } };
declare const document: { body: { appendChild(node: unknown): void }; createElement(tag: string): { id: string } };
declare const location: { origin: string };

const count = (text: string, part: string) => text.split(part).length - 1;

describe.skipIf(!chromiumAvailable())('the mrmd editor page under showrunner mrmd', () => {
  let daemon: DaemonProcess;
  let browser: Browser;
  let docs: string;
  let syncPort: number;
  let runtimePort: number;
  const parts: ChildProcess[] = [];

  beforeAll(async () => {
    // Not skipped when missing: `npm test` fetches it first, and a missing bundle is a failure.
    expect(await readFile(bundlePath).then(() => true, () => false), `${bundlePath} (run node scripts/fetch-mrmd-editor.mjs)`).toBe(true);
    docs = await mkdtemp(join(tmpdir(), 'showrunner-mrmd-editor-'));
    syncPort = await findFreePort();
    runtimePort = await findFreePort();
    daemon = await startDaemon(['--docs', docs, '--sync-port', String(syncPort), '--runtime-port', String(runtimePort)], { command: 'mrmd' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const child of parts) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    expect(await daemon?.stop()).toBe(0);
    await rm(docs, { recursive: true, force: true });
  });

  /** A tab on the editor page, ready once every runtime language routes to its URL. */
  async function openEditor(doc: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${daemon.origin}/editor/?doc=${encodeURIComponent(doc)}#token=${encodeURIComponent(daemon.token)}`);
    await page.locator('body[data-editor-ready="true"]').waitFor({ timeout: 60_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}\npage: ${await page.locator('body').innerText()}\nerrors: ${errors.join('\n')}`);
    });
    // The token left the address bar; the page shows the document and its monitor.
    expect(page.url()).not.toContain(daemon.token);
    await expect.poll(() => page.locator('#editor-doc').textContent()).toBe(doc);
    return page;
  }

  const content = (page: Page) => page.evaluate(() => window.showrunnerEditor.editor.getContent());
  const saved = (doc: string) => readFile(join(docs, `${doc}.md`), 'utf8').catch(() => '');

  it('runs a bash cell a person types and runs with Ctrl+Enter: its output appears once and is saved', async () => {
    // The runtime and the sync server take the page's own origin and no other.
    const capabilities = (origin: string) => fetch(`http://127.0.0.1:${runtimePort}/mrp/v1/capabilities`, { headers: { Origin: origin } });
    expect((await capabilities(daemon.origin)).headers.get('access-control-allow-origin')).toBe(daemon.origin);
    expect((await capabilities('http://127.0.0.1:1')).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${syncPort}/health`, { headers: { Origin: 'http://example.com' } })).status).toBe(403);
    const page = await openEditor('typed');
    // The page asked for a monitor (POST /api/runtimes) and reads it from awareness.
    await expect.poll(() => page.locator('#editor-monitor').getAttribute('data-monitors'), { timeout: 30_000 }).toBe('1');
    await page.locator('.cm-content').click();
    await page.keyboard.type('# Typed\n\n```bash\necho "typed-$((6*7))"\n');
    // Whatever the editor closed for us, the cell ends with a fence; the cursor stays in the code.
    if (!(await content(page)).includes('$((6*7))"\n```')) await page.keyboard.type('```');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Control+Enter');
    await waitFor(() => saved('typed'), (text) => text.includes('typed-42'), { what: 'typed.md with the output', timeoutMs: 60_000 });
    await waitFor(() => content(page), (text) => text.includes('typed-42'), { what: 'output in the editor', timeoutMs: 30_000 });
    const text = await content(page);
    expect(count(text, 'typed-42')).toBe(1);
    expect(count(text, '```output:')).toBe(1);
    await page.screenshot({ path: join(screenshotDir, 'mrmd-editor-typed.png') });
    const file = await waitFor(() => saved('typed'), (saved) => count(saved, '```output:') === 1 && saved.includes('typed-42'), { what: 'saved once', timeoutMs: 30_000 });
    expect(count(file, 'typed-42')).toBe(1);
    await page.close();
  }, 180_000);

  it('links each monitored document from the panel’s Monitors view to its editor page', async () => {
    const panel = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await panel.goto(daemon.url);
    await panel.getByRole('button', { name: 'Monitors' }).click();
    const open = panel.getByRole('link', { name: 'Open typed in editor' });
    await open.waitFor({ timeout: 30_000 });
    const [tab] = await Promise.all([panel.waitForEvent('popup'), open.click()]);
    await tab.locator('body[data-editor-ready="true"]').waitFor({ timeout: 60_000 });
    expect(await tab.locator('#editor-doc').textContent()).toBe('typed');
    expect(tab.url()).not.toContain(daemon.token);
    await waitFor(() => tab.evaluate(() => window.showrunnerEditor.editor.getContent()), (text) => text.includes('typed-42'), { what: 'the typed document', timeoutMs: 30_000 });
    await panel.screenshot({ path: join(screenshotDir, 'mrmd-editor-panel-link.png') });
    await tab.close();
    await panel.close();
  }, 120_000);

  it('answers a bash read through the editor’s stdin block', async () => {
    const page = await openEditor('asks');
    await page.evaluate(() => {
      const { view } = window.showrunnerEditor.editor;
      view.dispatch({ changes: { from: view.state.doc.length, insert: '```bash\nread -p "Name: " name\necho "hello $name"\n```\n' } });
    });
    // Not awaited: the run ends only once the input is answered.
    await page.evaluate(() => void window.showrunnerEditor.editor.execution.runCell(0));
    await waitFor(() => content(page), (text) => text.includes('```stdin:'), { what: 'the stdin block', timeoutMs: 60_000 });
    // The editor puts the cursor in the block; a person types the answer and presses Enter.
    await page.keyboard.type('Ada');
    await page.keyboard.press('Enter');
    await waitFor(() => saved('asks'), (text) => text.includes('hello Ada'), { what: 'the answer reached the cell', timeoutMs: 60_000 });
    expect(count(await content(page), 'hello Ada')).toBe(1);
    await page.close();
  }, 180_000);

  it('runs every cell once with two editor pages and two monitor processes on one document', async () => {
    const doc = 'company';
    const runLog = join(docs, 'runs.log');
    const first = await openEditor(doc);
    // A second monitor, in its own process: `showrunner monitor` on the same sync server.
    const base = `http://127.0.0.1:${runtimePort}`;
    const monitor = spawn(process.execPath, [cliPath, 'monitor', '--doc', doc, '--runtime', `bash=${base}/mrp/v1`, '--runtime', `node=${base}/node/mrp/v1`, '--no-builtin-runtime', `ws://127.0.0.1:${syncPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    parts.push(monitor);
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: monitor.stdout! }).on('line', (line) => line.includes('Monitor ready') && resolve());
      monitor.once('exit', (code) => reject(new Error(`monitor exited with ${code}`)));
    });
    const second = await openEditor(doc);
    for (const page of [first, second]) await expect.poll(() => page.locator('#editor-monitor').getAttribute('data-monitors'), { timeout: 30_000 }).toBe('2');
    const cells = Array.from({ length: 6 }, (_, cell) =>
      cell % 2 === 0
        ? `\`\`\`bash\necho "cell-${cell}" >> '${runLog}'\necho "done-${cell}"\n\`\`\`\n\n`
        : `\`\`\`node\nrequire('fs').appendFileSync(${JSON.stringify(runLog)}, 'cell-${cell}\\n'); console.log('done-${cell}')\n\`\`\`\n\n`,
    );
    await first.evaluate((text) => {
      const { view } = window.showrunnerEditor.editor;
      view.dispatch({ changes: { from: view.state.doc.length, insert: text } });
    }, cells.join(''));
    await waitFor(() => content(second), (text) => text.includes('done-5'), { what: 'the cells in the second page', timeoutMs: 30_000 });
    // The two pages run the cells in turn, at the same time.
    await Promise.all([
      first.evaluate(async () => {
        for (const index of [0, 2, 4]) await window.showrunnerEditor.editor.execution.runCell(index);
      }),
      second.evaluate(async () => {
        for (const index of [1, 3, 5]) await window.showrunnerEditor.editor.execution.runCell(index);
      }),
    ]);
    const log = await waitFor(() => readFile(runLog, 'utf8').catch(() => ''), (text) => text.trim().split('\n').length >= 6, { what: 'six runs', timeoutMs: 90_000 });
    const file = await waitFor(() => saved(doc), (text) => Array.from({ length: 6 }, (_, cell) => `\ndone-${cell}\n`).every((line) => text.includes(line)), { what: 'every output saved', timeoutMs: 60_000 });
    await first.screenshot({ path: join(screenshotDir, 'mrmd-editor-company.png') });
    expect(log.trim().split('\n').sort()).toEqual(Array.from({ length: 6 }, (_, cell) => `cell-${cell}`));
    for (let cell = 0; cell < 6; cell++) expect(count(file, `\ndone-${cell}\n`), `output of cell ${cell}`).toBe(1);
    expect(count(file, '```output:'), file).toBe(6);
    await first.close();
    await second.close();
  }, 240_000);

  it('serves mrmd.runtime() from the bundle: POST /api/runtimes, a python cell, then destroyRuntime()', async () => {
    const page = await openEditor('host');
    await page.evaluate(async () => {
      const target = document.createElement('div');
      target.id = 'rt';
      document.body.appendChild(target);
      window.rt = await window.mrmd.runtime(location.origin, '#rt', { doc: 'rt' });
      const { view } = window.rt;
      view.dispatch({ changes: { from: view.state.doc.length, insert: '```python\nprint("py", 6 * 7)\n```\n' } });
    });
    const urls = (await fetch(`${daemon.origin}/api/urls`, { headers: { Authorization: `Bearer ${daemon.token}` } }).then((response) => response.json())) as { editor: string };
    expect(urls.editor).toBe(`${daemon.origin}/editor/`);
    const monitors = async () => (await fetch(`${daemon.origin}/api/monitors`, { headers: { Authorization: `Bearer ${daemon.token}` } }).then((response) => response.json())) as { monitors: { doc: string; running: boolean }[] };
    expect((await monitors()).monitors.find((monitor) => monitor.doc === 'rt')?.running).toBe(true);
    // Python's capabilities arrive asynchronously; until then the editor would run the cell locally.
    await waitFor(
      () => page.evaluate(() => (window.rt as unknown as { execution: { registry: { getRuntime(language: string): { runtimeUrl?: string } | null } } }).execution.registry.getRuntime('python')?.runtimeUrl ?? null),
      (url) => url !== null,
      { what: 'python routed to the runtime', timeoutMs: 30_000 },
    );
    await page.evaluate(() => window.rt!.execution.runCell(0));
    await waitFor(() => saved('rt'), (text) => text.includes('py 42'), { what: 'rt.md with the python output', timeoutMs: 90_000 });
    await page.evaluate(() => window.rt!.destroyRuntime());
    await waitFor(monitors, (list) => list.monitors.find((monitor) => monitor.doc === 'rt')?.running !== true, { what: 'the monitor of rt stopped', timeoutMs: 30_000 });
    await page.close();
  }, 180_000);
});
