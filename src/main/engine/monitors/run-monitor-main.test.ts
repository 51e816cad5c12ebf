import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startSyncServer, type SyncServer } from '../sync/sync-server';
import { EditorPeer } from './editor-peer.test-kit';
import { parseMonitorArgs, runMonitorMain } from './run-monitor-main';

let dir: string;
let sync: SyncServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'monitor-main-'));
  sync = await startSyncServer({ port: 0, docsDir: dir });
});

afterEach(async () => {
  await sync.close();
  rmSync(dir, { recursive: true, force: true });
});

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('runMonitorMain', () => {
  it('reads seed 001 flags, seed 000 runtime URL and a sync URL without a scheme', () => {
    expect(parseMonitorArgs(['--doc', 'nb.md', '--name', 'm1', '--log-level', 'debug', '--runtime-url', 'http://py:8000/mrp/v1/', 'localhost:4444'])).toEqual({
      syncUrl: 'ws://localhost:4444',
      docs: ['nb.md'],
      name: 'm1',
      logLevel: 'debug',
      runtimes: { python: 'http://py:8000/mrp/v1' },
      allowed: [],
      builtinRuntime: true,
    });
  });

  it('exits 2 with the usage on a bad flag or a missing sync URL', async () => {
    for (const argv of [['--log-level', 'loud', 'ws://x'], [], ['--runtime', 'bash', 'ws://x']]) {
      const stderr = sink();
      expect(await runMonitorMain(argv, { stdout: sink(), stderr })).toBe(2);
      expect(stderr.text).toContain('usage: showrunner monitor');
    }
  });

  it('exits 2 naming the rule a --doc name breaks, as the sync server would refuse it', async () => {
    const stderr = sink();
    expect(await runMonitorMain(['--doc', '../x', 'ws://x'], { stdout: sink(), stderr })).toBe(2);
    expect(stderr.text).toContain('--doc: document name "../x" has an empty, . or .. segment');
  });

  it('monitors a document with the built-in runtime until stopped', async () => {
    const stdout = sink();
    const stop = new AbortController();
    const exited = runMonitorMain(['--doc', 'nb', '--name', 'cli-monitor', sync.url], { stdout, stderr: sink(), signal: stop.signal });
    const editor = await EditorPeer.connect(sync.url, 'nb');
    try {
      await waitFor(() => stdout.text, (text) => text.includes('Monitor ready'), { what: 'ready line' });
      const monitors = [...editor.provider.awareness.getStates().values()].filter((state) => state.user?.type === 'monitor');
      expect(monitors.map((state) => state.user)).toEqual([{ name: 'cli-monitor', color: '#10b981', type: 'monitor' }]);
      editor.addCell('bash', 'echo from cli');
      const id = editor.request('echo from cli', 'bash');
      await waitFor(() => editor.entry(id)?.status, (status) => status === 'completed');
      expect(editor.output(id)).toBe('from cli\n');
      expect(stdout.text).toMatch(/INFO  exec-\S+: completed doc="nb"/);
      // Its own id, unique to this peer, printed in the banner and written to claimedBy.
      expect(editor.entry(id)?.claimedBy).toMatch(/^cli-monitor@.+\/\d+\/[0-9a-f]{8}$/);
      expect(stdout.text).toContain(`(id ${String(editor.entry(id)?.claimedBy)})`);
    } finally {
      editor.close();
      stop.abort();
    }
    expect(await exited).toBe(0);
  });
});
