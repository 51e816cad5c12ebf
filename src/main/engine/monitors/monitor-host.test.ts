import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract';
import type { ExecutionSnapshot, MonitorSnapshot } from '../../../shared/model';
import { waitFor } from '../../../../test/helpers/wait-for';
import type { LogSink } from '../logs/log-sink';
import { startMrpRuntime, type MrpRuntime } from '../mrp/mrp-runtime';
import { startSyncServer, type SyncServer } from '../sync/sync-server';
import { EditorPeer } from './editor-peer.test-kit';
import { MonitorHost } from './monitor-host';
import { MrpRunner } from './mrp-runner';

let dir: string;
let sync: SyncServer;
let runtime: MrpRuntime;
let host: MonitorHost;
const editors: EditorPeer[] = [];
const logged = new Map<string, string>();
const launches: string[] = [];

const logs: LogSink = {
  beginLaunch: (name) => launches.push(name),
  write: (name, _stream, data) => {
    logged.set(name, (logged.get(name) ?? '') + String(data));
  },
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'monitor-host-'));
  sync = await startSyncServer({ port: 0, docsDir: dir, saveDebounceMs: 20 });
  runtime = await startMrpRuntime({ port: 0, cwd: dir });
  host = new MonitorHost({
    syncUrl: sync.url,
    runner: new MrpRunner(),
    runtimes: { runtimes: { bash: runtime.urls.bash, node: runtime.urls.node } },
    logs,
    monitorId: 'host-test',
    timing: { settleMs: 40, headlessBlockMs: 300, outputFlushMs: 20, sweepMs: 200 },
  });
});

afterEach(async () => {
  for (const editor of editors.splice(0)) editor.close();
  await host.close();
  await runtime.close();
  await sync.close();
  rmSync(dir, { recursive: true, force: true });
  logged.clear();
  launches.length = 0;
});

async function editor(doc: string): Promise<EditorPeer> {
  const peer = await EditorPeer.connect(sync.url, doc);
  editors.push(peer);
  return peer;
}

describe('MonitorHost', () => {
  it('runs one peer per document, reports them and logs each as monitor:<doc>', async () => {
    const monitorEvents: MonitorSnapshot[] = [];
    const executionEvents: ExecutionSnapshot[] = [];
    host.on('monitor', (snapshot) => monitorEvents.push(snapshot));
    host.on('execution', (snapshot) => executionEvents.push(snapshot));
    host.start('a');
    host.start('b');
    expect(host.start('a').doc).toBe('a');
    await Promise.all([host.whenSynced('a'), host.whenSynced('b')]);
    const ed = await editor('a');
    await waitFor(() => host.list().find((m) => m.doc === 'a')?.peers ?? 0, (peers) => peers === 1, { what: 'editor seen as a peer' });
    expect(host.list().map((m) => [m.doc, m.running, m.connection])).toEqual([
      ['a', true, 'connected'],
      ['b', true, 'connected'],
    ]);
    ed.addCell('bash', 'echo hi');
    const id = ed.request('echo hi', 'bash');
    await waitFor(() => host.executions('a').find((e) => e.id === id)?.status, (s) => s === 'completed');
    expect(host.list().find((m) => m.doc === 'a')?.counts).toEqual({ completed: 1 });
    expect(executionEvents.filter((e) => e.id === id).map((e) => e.status)).toEqual(expect.arrayContaining(['requested', 'claimed', 'ready', 'running', 'completed']));
    expect(monitorEvents.some((m) => m.doc === 'b' && m.connection === 'connected')).toBe(true);
    expect(launches).toEqual(['monitor:a', 'monitor:b']);
    expect(logged.get('monitor:a')).toContain(`${id}: completed`);
    expect(logged.get('monitor:b')).toContain('document synced');

    const removed: string[] = [];
    host.on('removed', ({ doc }) => removed.push(doc));
    const stopped = await host.stop('b');
    expect(stopped).toMatchObject({ doc: 'b', running: false, connection: 'stopped' });
    expect(removed).toEqual(['b']);
    expect(host.list().map((m) => m.doc)).toEqual(['a']);
  });

  it('cancels and answers stdin through the host, and names what it cannot find', async () => {
    host.start('doc');
    await host.whenSynced('doc');
    const ed = await editor('doc');
    const code = 'const n = await input("N? "); console.log("got " + n)';
    ed.addCell('node', code);
    ed.addCell('bash', 'sleep 30');
    const asking = ed.request(code, 'node');
    await waitFor(() => host.executions('doc').find((e) => e.id === asking)?.stdinPrompt, (prompt) => prompt === 'N? ');
    expect(host.reply('doc', asking, '7').id).toBe(asking);
    await waitFor(() => ed.output(asking), (text) => text === 'got 7\n');
    const sleeping = ed.request('sleep 30', 'bash');
    await waitFor(() => ed.entry(sleeping)?.status, (s) => s === 'running');
    expect(host.cancel('doc', sleeping).status).toBe('cancelled');
    await waitFor(() => ed.entry(sleeping)?.status, (s) => s === 'cancelled');

    expect(() => host.executions('nope')).toThrow(ContractError);
    expect(() => host.cancel('doc', 'exec-missing')).toThrow(/no execution "exec-missing"/);
    await expect(host.stop('nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('keeps serving other documents and other entries when an entry is malformed', async () => {
    host.start('broken');
    host.start('fine');
    await Promise.all([host.whenSynced('broken'), host.whenSynced('fine')]);
    const broken = await editor('broken');
    const fine = await editor('fine');
    broken.executions.set('exec-garbage', 'not an entry' as never);
    const noCode = broken.request(undefined as never, 'bash');
    broken.addCell('bash', 'echo still here');
    const good = broken.request('echo still here', 'bash');
    fine.addCell('bash', 'echo fine');
    const other = fine.request('echo fine', 'bash');
    await waitFor(() => fine.entry(other)?.status, (s) => s === 'completed');
    await waitFor(() => broken.entry(good)?.status, (s) => s === 'completed');
    await waitFor(() => broken.entry(noCode)?.status, (s) => s === 'completed' || s === 'error');
    expect(host.list().every((m) => m.connection === 'connected')).toBe(true);
  });
});
