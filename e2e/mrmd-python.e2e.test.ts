// Python cells out of the box (issue 20): the built `showrunner mrmd` as its own OS process,
// its built-in runtime's python kernel, its monitor, and an editor peer on the document.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorPeer } from '../src/main/engine/monitors/editor-peer.test-kit';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { waitFor } from '../test/helpers/wait-for';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process';

/** Debian's python3 when it has matplotlib (apt python3-matplotlib), so figures are covered too. */
function matplotlibPath(): string | null {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import matplotlib'], { stdio: 'ignore', timeout: 60_000 });
    return '/usr/bin';
  } catch {
    return null;
  }
}

const TERMINAL = ['completed', 'error', 'cancelled'];
const patient = { timeoutMs: 60_000 };

describe('showrunner mrmd: python cells', () => {
  let daemon: DaemonProcess;
  let docs: string;
  let syncPort: number;
  let editor: EditorPeer;
  const matplotlibBin = matplotlibPath();
  const api = (path: string) => fetch(`${daemon.origin}${path}`, { headers: { Authorization: `Bearer ${daemon.token}` } });

  beforeAll(async () => {
    docs = await mkdtemp(join(tmpdir(), 'showrunner-mrmd-python-'));
    syncPort = await findFreePort();
    const runtimePort = await findFreePort();
    const env = matplotlibBin ? { PATH: `${matplotlibBin}:${process.env.PATH}` } : {};
    daemon = await startDaemon(['--docs', docs, '--sync-port', String(syncPort), '--runtime-port', String(runtimePort), '--monitor', 'py'], { command: 'mrmd', env });
    await waitFor(
      async () => (await (await api('/api/monitors/py')).json()) as { connection?: string },
      (monitor) => monitor.connection === 'connected',
      { what: 'py monitor connected', ...patient },
    );
    editor = await EditorPeer.connect(`ws://127.0.0.1:${syncPort}`, 'py');
  }, 120_000);

  afterAll(async () => {
    editor?.close();
    expect(await daemon?.stop()).toBe(0);
    await rm(docs, { recursive: true, force: true });
  });

  async function run(code: string): Promise<{ id: string; entry: Record<string, unknown> }> {
    editor.addCell('python', code);
    const id = editor.request(code, 'python');
    const entry = await waitFor(() => editor.entry(id), (current) => TERMINAL.includes(String(current?.status)), { what: `cell ${JSON.stringify(code)} finished`, ...patient });
    return { id, entry: entry! };
  }

  it('names the python runtime in /api/urls', async () => {
    const urls = (await (await api('/api/urls')).json()) as { runtimes: Record<string, string> };
    expect(urls.runtimes.python).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/python\/mrp\/v1$/);
  });

  it('runs 20 cells exactly once in one kernel that keeps its state', async () => {
    const log = join(docs, 'runs.txt');
    const first = await run(`count = 0\nlog = ${JSON.stringify(log)}`);
    expect(first.entry.status).toBe('completed');
    for (let cell = 1; cell < 20; cell++) {
      const { id, entry } = await run(`count += 1\nwith open(log, 'a') as f:\n    print('cell', ${cell}, file=f)\nprint('count', count)`);
      expect(entry.status).toBe('completed');
      expect(editor.output(id)).toContain(`count ${cell}`);
    }
    expect(await readFile(log, 'utf8')).toBe(Array.from({ length: 19 }, (_, index) => `cell ${index + 1}\n`).join(''));
  }, 300_000);

  it('answers input() from the document', async () => {
    const code = 'name = input("Who? ")\nprint("hello", name)';
    editor.addCell('python', code);
    const id = editor.request(code, 'python');
    const asked = await waitFor(() => editor.entry(id)?.stdinRequest as { prompt: string; password: boolean } | null | undefined, Boolean, { what: 'stdin request', ...patient });
    expect(asked).toMatchObject({ prompt: 'Who? ', password: false });
    editor.respond(id, 'Ada\n');
    const entry = await waitFor(() => editor.entry(id), (current) => TERMINAL.includes(String(current?.status)), { what: 'input cell finished', ...patient });
    expect(entry?.status).toBe('completed');
    expect(editor.output(id)).toContain('hello Ada');
  });

  it('interrupts a cell the editor cancels, and the kernel keeps its state', async () => {
    const code = 'import time\nprint("spinning", flush=True)\nwhile True:\n    time.sleep(0.05)';
    editor.addCell('python', code);
    const id = editor.request(code, 'python');
    await waitFor(() => editor.output(id) ?? '', (text) => text.includes('spinning'), { what: 'cell running', ...patient });
    editor.cancel(id);
    const next = await run("print('still', count)");
    expect(next.entry.status).toBe('completed');
    expect(editor.output(next.id)).toContain('still 19');
    expect(editor.entry(id)?.status).toBe('cancelled');
  });

  it('fails the cell whose kernel died with a clear error and starts a fresh kernel for the next', async () => {
    const crash = await run('import os\nos._exit(3)');
    expect(crash.entry.status).toBe('error');
    expect(crash.entry.error).toMatchObject({ type: 'KernelDied' });
    expect(String((crash.entry.error as { message: string }).message)).toContain('code 3');
    const after = await run("print('fresh', 'count' in globals())");
    expect(after.entry.status).toBe('completed');
    expect(editor.output(after.id)).toContain('fresh False');
    const failed = await run('1 / 0');
    expect(failed.entry.error).toMatchObject({ type: 'ZeroDivisionError', message: 'division by zero' });
  });

  it('stores display data in seed 001’s shape, with the MIME bundle beside it', async () => {
    const code = [
      'class Card:',
      '    def _repr_html_(self):',
      "        return '<b>card</b>'",
      "display({'a': 1})",
      'Card()',
    ].join('\n');
    const { entry } = await run(code);
    expect(entry.status).toBe('completed');
    const shown = entry.displayData as Array<{ mimeType: string; data: string; assetId: null; bundle: Record<string, unknown> }>;
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatchObject({ mimeType: 'text/plain', data: Buffer.from("{'a': 1}").toString('base64'), assetId: null });
    expect(shown[1]).toMatchObject({ mimeType: 'text/html', data: Buffer.from('<b>card</b>').toString('base64'), assetId: null });
    expect(shown[1].bundle['text/html']).toBe('<b>card</b>');
  });

  it('stores a matplotlib figure as image/png (needs matplotlib)', async (context) => {
    if (matplotlibBin === null) {
      context.skip('/usr/bin/python3 has no matplotlib (apt-get install python3-matplotlib)');
      return;
    }
    const { entry } = await run('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()');
    expect(entry.status).toBe('completed');
    const shown = entry.displayData as Array<{ mimeType: string; data: string }>;
    expect(shown.map((display) => display.mimeType)).toEqual(['image/png']);
    expect(Buffer.from(shown[0].data, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
