// `showrunner mrmd` as mrmd-orchestrator's users run it: the built daemon with the built-in
// sync server and runtime, monitors per document, and the mrmd-orchestrator HTTP API.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorPeer } from '../src/main/engine/monitors/editor-peer.test-kit';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { waitFor } from '../test/helpers/wait-for';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process';

describe('showrunner mrmd', () => {
  let daemon: DaemonProcess;
  let docs: string;
  let syncPort: number;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${daemon.origin}${path}`, { ...init, headers: { Authorization: `Bearer ${daemon.token}`, 'Content-Type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    docs = await mkdtemp(join(tmpdir(), 'showrunner-mrmd-docs-'));
    syncPort = await findFreePort();
    const runtimePort = await findFreePort();
    daemon = await startDaemon(['--docs', docs, '--sync-port', String(syncPort), '--runtime-port', String(runtimePort), '--monitor', 'notes'], { command: 'mrmd' });
  });

  afterAll(async () => {
    expect(await daemon?.stop()).toBe(0);
    await rm(docs, { recursive: true, force: true });
  });

  it('supervises mrmd-sync and mrmd-runtime and reports their URLs', async () => {
    const status = await waitFor(
      async () => (await (await api('/api/status')).json()) as { services: Record<string, { running: boolean }> },
      (body) => body.services['mrmd-sync']?.running === true && body.services['mrmd-runtime']?.running === true,
      { what: 'both built-in parts running', timeoutMs: 20_000 },
    );
    expect(Object.keys(status.services)).toEqual(['mrmd-sync', 'mrmd-runtime']);
    const urls = (await (await api('/api/urls')).json()) as { sync: string; runtimes: Record<string, string> };
    expect(urls.sync).toBe(`ws://127.0.0.1:${syncPort}`);
    expect(urls.runtimes.bash).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mrp\/v1$/);
    // mrmd's runtime is open on loopback, and mrmd-editor and mrmd-monitor rely on it (issue 15
    // closes it under `serve` only).
    await waitFor(() => fetch(`${urls.runtimes.bash}/health`).then((answer) => answer.status), (code) => code === 200, { what: 'runtime health', timeoutMs: 20_000 });
    const ran = await fetch(`${urls.runtimes.bash}/execute`, { method: 'POST', body: JSON.stringify({ code: 'echo open' }) });
    expect(ran.status).toBe(200);
    expect(await ran.json()).toMatchObject({ success: true, stdout: 'open\n' });
  });

  it('speaks mrmd-orchestrator’s monitor routes with their bodies', async () => {
    const list = (await (await api('/api/monitors')).json()) as { monitors: { doc: string; running: boolean }[] };
    expect(list.monitors).toEqual([expect.objectContaining({ doc: 'notes', running: true })]);
    const started = await (await api('/api/monitors', { method: 'POST', body: JSON.stringify({ doc: 'other' }) })).json();
    expect(started).toEqual({ doc: 'other', running: true, message: 'Monitor started for other' });
    expect(await (await api('/api/monitors/other')).json()).toMatchObject({ doc: 'other', running: true });
    const stopped = await (await api('/api/monitors/other', { method: 'DELETE' })).json();
    expect(stopped).toEqual({ doc: 'other', running: false, message: 'Monitor stopped for other' });
    expect((await api('/api/monitors', { method: 'POST', body: JSON.stringify({}) })).status).toBe(400);
  });

  it('runs a cell requested by an editor and serves the monitor’s log', async () => {
    await waitFor(
      async () => (await (await api('/api/monitors/notes')).json()) as { connection?: string },
      (monitor) => monitor.connection === 'connected',
      { what: 'notes monitor connected', timeoutMs: 20_000 },
    );
    const editor = await EditorPeer.connect(`ws://127.0.0.1:${syncPort}`, 'notes');
    try {
      editor.addCell('bash', 'echo "sum=$((20 + 22))"');
      const id = editor.request('echo "sum=$((20 + 22))"', 'bash');
      await waitFor(() => editor.entry(id)?.status, (status) => status === 'completed' || status === 'error', { what: 'cell finished', timeoutMs: 20_000 });
      expect(editor.entry(id)?.status).toBe('completed');
      expect(editor.output(id)).toContain('sum=42');
    } finally {
      editor.close();
    }
    const logs = (await (await api(`/api/logs/${encodeURIComponent('monitor:notes')}?lines=50`)).json()) as { process: string; lines: string[] };
    expect(logs.process).toBe('monitor:notes');
    expect(logs.lines.length).toBeGreaterThan(0);
  });
});
