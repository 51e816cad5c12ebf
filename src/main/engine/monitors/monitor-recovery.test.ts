// What happens to runs when the parts around a monitor fail: the sync server restarts in the
// middle of a run, and the MRP runtime process is killed in the middle of a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startMrpRuntime, type MrpRuntime } from '../mrp/mrp-runtime';
import { startSyncServer, type SyncServer } from '../sync/sync-server';
import { EditorPeer } from './editor-peer.test-kit';
import { MonitorPeer } from './monitor-peer';
import { MrpRunner } from './mrp-runner';

const RUNTIME_MODULE = resolve(import.meta.dirname, '../mrp/mrp-runtime.ts');

let dir: string;
const cleanups: Array<() => unknown> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitor-recovery-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function startMonitor(syncUrl: string, runtimes: Record<string, string>): MonitorPeer {
  const peer = new MonitorPeer({
    doc: 'notebook',
    syncUrl,
    monitorId: 'monitor-a',
    runner: new MrpRunner(),
    runtimes: { runtimes },
    timing: { settleMs: 40, headlessBlockMs: 300, outputFlushMs: 20, sweepMs: 200, maxReconnectBackoffMs: 100 },
  });
  peer.start();
  cleanups.push(() => peer.stop());
  return peer;
}

async function connectEditor(syncUrl: string): Promise<EditorPeer> {
  const editor = await EditorPeer.connect(syncUrl, 'notebook');
  cleanups.push(() => editor.close());
  return editor;
}

/** The runtime in its own process, so the test can SIGKILL it like a crash would. */
async function runtimeProcess(port: number): Promise<{ child: ChildProcess; url: string }> {
  const script = `import(${JSON.stringify(RUNTIME_MODULE)}).then(async (module) => {
    const { startMrpRuntime } = module.startMrpRuntime ? module : module.default;
    const runtime = await startMrpRuntime({ port: ${port}, cwd: ${JSON.stringify(dir)} });
    console.log(runtime.url);
  });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const line = out.split('\n').find((candidate) => candidate.startsWith('http://'));
      if (line) resolveUrl(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`runtime process exited with ${code}`)));
  });
  return { child, url };
}

describe('MonitorPeer recovery', () => {
  it('keeps every output line exactly once when the sync server restarts during a run', async () => {
    let sync: SyncServer = await startSyncServer({ port: 0, docsDir: dir, saveDebounceMs: 20 });
    cleanups.push(() => sync.close());
    const runtime: MrpRuntime = await startMrpRuntime({ port: 0, cwd: dir });
    cleanups.push(() => runtime.close());
    const peer = startMonitor(sync.url, { bash: runtime.urls.bash });
    await peer.whenSynced();
    const editor = await connectEditor(sync.url);
    const code = 'for i in $(seq 1 30); do echo "line $i"; sleep 0.04; done';
    editor.addCell('bash', code);
    const id = editor.request(code, 'bash');
    await waitFor(() => editor.output(id) ?? '', (text) => text.includes('line 5\n'), { what: 'first lines' });

    const port = sync.port;
    await sync.close();
    sync = await startSyncServer({ port, docsDir: dir, saveDebounceMs: 20 });
    await waitFor(() => String(editor.entry(id)?.status), (status) => status === 'completed', { what: 'completed after the restart' });
    const expected = Array.from({ length: 30 }, (_, index) => `line ${index + 1}\n`).join('');
    await waitFor(() => editor.output(id), (text) => text === expected, { what: 'all 30 lines once, in the editor' });
    // The server's copy (and so the markdown file) converges to the same text.
    await waitFor(() => readFileSync(join(dir, 'notebook.md'), 'utf8'), (text) => text === editor.content(), {
      what: 'markdown file equal to the editor',
    });
    expect(editor.content().split('```output:').length).toBe(2);
  });

  it('records an error when the runtime is killed during a run, and keeps serving afterwards', async () => {
    const sync = await startSyncServer({ port: 0, docsDir: dir, saveDebounceMs: 20 });
    cleanups.push(() => sync.close());
    const first = await runtimeProcess(0);
    const port = Number(new URL(first.url).port);
    const peer = startMonitor(sync.url, { bash: `${first.url}/mrp/v1` });
    await peer.whenSynced();
    const editor = await connectEditor(sync.url);
    const code = 'echo $$ > cell.pid; echo started; sleep 30';
    cleanups.push(() => {
      // The cell leads its own process group and outlives the killed runtime; end it here.
      if (existsSync(join(dir, 'cell.pid'))) {
        try {
          process.kill(-Number(readFileSync(join(dir, 'cell.pid'), 'utf8')), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
    editor.addCell('bash', code);
    const id = editor.request(code, 'bash');
    await waitFor(() => editor.output(id), (text) => text === 'started\n', { what: 'cell running' });
    first.child.kill('SIGKILL');
    await waitFor(() => String(editor.entry(id)?.status), (status) => status === 'error', { what: 'error after the kill' });
    expect((editor.entry(id)?.error as { type: string }).type).toMatch(/ConnectionError|StreamEnded/);

    await runtimeProcess(port);
    editor.addCell('bash', 'echo still serving');
    const next = editor.request('echo still serving', 'bash');
    await waitFor(() => String(editor.entry(next)?.status), (status) => status === 'completed', { timeoutMs: 10_000, what: 'next cell' });
    expect(editor.output(next)).toBe('still serving\n');
  });
});
