// MRMD-NOTES.md: mrmd-monitor with 5 monitors on one document ran 16 of 200 cells twice and
// failed 30. Here five monitor hosts share one document and one runtime (which answers 409
// while busy, as a foreign client would see); every cell must run exactly once, counted at
// the runtime side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startSyncServer, type SyncServer } from '../sync/sync-server';
import { EditorPeer } from './editor-peer.test-kit';
import { MonitorHost } from './monitor-host';
import { SpawnRunner } from './spawn-runner.test-kit';

const RUNTIME = 'http://runtime.test/mrp/v1';
const MONITORS = 5;
const CELLS = 200;

let dir: string;
let sync: SyncServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'monitor-once-'));
  sync = await startSyncServer({ port: 0, docsDir: dir, saveDebounceMs: 50 });
});

afterEach(async () => {
  await sync.close();
  rmSync(dir, { recursive: true, force: true });
});

it(`runs every one of ${CELLS} cells exactly once with ${MONITORS} monitors on one document`, { timeout: 60_000 }, async () => {
  const runner = new SpawnRunner({ refuseWhenBusy: true });
  const lines: string[] = [];
  const logs = { beginLaunch: () => {}, write: (_p: string, _s: string, data: string | Buffer) => lines.push(`${Date.now() % 100000} ${String(data)}`) };
  const hosts = Array.from(
    { length: MONITORS },
    (_, index) =>
      new MonitorHost({
        syncUrl: sync.url,
        runner,
        runtimes: { runtimes: { bash: RUNTIME } },
        monitorId: `monitor-${index}`,
        logs,
        logLevel: 'debug',
        timing: { settleMs: 100, claimStaggerMs: 300, outputFlushMs: 20, busyRetryMs: 20, maxBusyRetryMs: 200 },
      }),
  );
  const editor = await EditorPeer.connect(sync.url, 'shared');
  try {
    for (const host of hosts) host.start('shared');
    await Promise.all(hosts.map((host) => host.whenSynced('shared')));
    await waitFor(() => editor.provider.awareness.getStates().size, (size) => size === MONITORS + 1, { what: 'all monitors in awareness' });
    editor.ydoc.transact(() => {
      for (let cell = 0; cell < CELLS; cell++) editor.addCell('bash', `echo cell-${cell}`);
    });
    const ids = Array.from({ length: CELLS }, (_, cell) => editor.request(`echo cell-${cell}`, 'bash'));
    const finished = (): number => ids.filter((id) => ['completed', 'error', 'cancelled'].includes(String(editor.entry(id)?.status))).length;
    await waitFor(finished, (count) => count === CELLS, { timeoutMs: 45_000, intervalMs: 100, what: 'all cells finished' });

    const bad = ids.filter((id, cell) => runner.runs.get(id) !== 1 || editor.entry(id)?.status !== 'completed' || editor.output(id) !== `cell-${cell}\n`);
    if (bad.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const id of bad) {
        console.log(id, runner.runs.get(id), JSON.stringify(editor.entry(id)), JSON.stringify(editor.output(id)));
        console.log(lines.filter((line) => line.includes(id)).join(''));
      }
    }
    const statuses = ids.map((id) => editor.entry(id)?.status);
    expect(statuses.filter((status) => status !== 'completed')).toEqual([]);
    expect(ids.filter((id) => runner.runs.get(id) !== 1)).toEqual([]);
    expect(runner.totalRuns).toBe(CELLS);
    await waitFor(
      () => ids.filter((id, cell) => editor.output(id) !== `cell-${cell}\n`).length,
      (wrong) => wrong === 0,
      { what: 'every output block holds its own output once' },
    );
    const owners = new Set(ids.map((id) => editor.entry(id)?.claimedBy));
    expect(owners.size).toBeGreaterThan(1);
  } finally {
    editor.close();
    await Promise.all(hosts.map((host) => host.close()));
  }
});
