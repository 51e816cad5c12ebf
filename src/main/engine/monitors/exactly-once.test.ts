// MRMD-NOTES.md: mrmd-monitor with 5 monitors on one document ran 16 of 200 cells twice and
// failed 30. Here five monitor hosts (in one process, so their event loop is shared and busy,
// which makes Yjs messages slow: a harsh setting for the claim protocol; the same across OS
// processes is e2e/monitor-processes.e2e.test.ts) share one document
// and one runtime; every cell must run exactly once, counted at the runtime side: by the cells
// themselves on the built-in runtime, and by a runtime that answers 409 while busy.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startSyncServer, type SyncServer } from '../sync/sync-server';
import { startMrpRuntime } from '../mrp/mrp-runtime';
import { EditorPeer } from './editor-peer.test-kit';
import type { ExecutionRunner } from './execution-runner';
import { MonitorHost } from './monitor-host';
import { MrpRunner } from './mrp-runner';
import { SpawnRunner } from './spawn-runner.test-kit';

const MONITORS = 5;
// Sized for a loaded 2-core machine (all of this shares one event loop); the waits below
// follow progress instead of a fixed deadline.
const CELLS = 120;
/** A run that finishes no cell for this long has stalled. */
const STALL_MS = 45_000;

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

/** Waits until `count()` reaches `target`, failing only when it stops moving for STALL_MS. */
async function whileProgressing(count: () => number, target: number): Promise<void> {
  let last = -1;
  for (;;) {
    const now = count();
    if (now === target) return;
    if (now === last) throw new Error(`stalled at ${now} of ${target} finished cells for ${STALL_MS} ms`);
    last = now;
    await waitFor(count, (value) => value !== now, { timeoutMs: STALL_MS, intervalMs: 100, what: 'another cell finished' }).catch(() => {});
  }
}

async function runCells(
  runner: ExecutionRunner,
  runtimeUrl: string,
  cells: number,
  code: (cell: number) => string,
  runsOf: (ids: string[]) => number[],
  editorOptions: { readyOnce?: boolean } = {},
): Promise<void> {
  const hosts = Array.from(
    { length: MONITORS },
    (_, index) =>
      new MonitorHost({
        syncUrl: sync.url,
        runner,
        runtimes: { runtimes: { bash: runtimeUrl } },
        monitorId: `monitor-${index}`,
        timing: { settleMs: 100, claimStaggerMs: 300, outputFlushMs: 20, busyRetryMs: 20, maxBusyRetryMs: 200 },
      }),
  );
  const editor = await EditorPeer.connect(sync.url, 'shared', editorOptions);
  try {
    for (const host of hosts) host.start('shared');
    await Promise.all(hosts.map((host) => host.whenSynced('shared')));
    await waitFor(() => editor.provider.awareness.getStates().size, (size) => size === MONITORS + 1, { timeoutMs: 60_000, what: 'all monitors in awareness' });
    editor.ydoc.transact(() => {
      for (let cell = 0; cell < cells; cell++) editor.addCell('bash', code(cell));
    });
    const ids = Array.from({ length: cells }, (_, cell) => editor.request(code(cell), 'bash'));
    const finished = (): number => ids.filter((id) => ['completed', 'error', 'cancelled'].includes(String(editor.entry(id)?.status))).length;
    await whileProgressing(finished, cells);

    expect(ids.filter((id) => editor.entry(id)?.status !== 'completed')).toEqual([]);
    const runs = runsOf(ids);
    expect(ids.filter((_, cell) => runs[cell] !== 1)).toEqual([]);
    await waitFor(
      () => ids.filter((id, cell) => editor.output(id) !== `cell-${cell}\n`).length,
      (wrong) => wrong === 0,
      { timeoutMs: 60_000, what: 'every output block holds its own output once' },
    );
    expect(new Set(ids.map((id) => editor.entry(id)?.claimedBy)).size).toBeGreaterThan(1);
  } finally {
    editor.close();
    await Promise.all(hosts.map((host) => host.close()));
  }
}

it(`runs every one of ${CELLS} cells exactly once with ${MONITORS} monitors on one document`, { timeout: 600_000 }, async () => {
  const runtime = await startMrpRuntime({ port: 0, cwd: dir });
  try {
    const runsFile = join(dir, 'runs.txt');
    await runCells(new MrpRunner(), runtime.urls.bash, CELLS, (cell) => `echo cell-${cell}; echo ${cell} >> runs.txt`, () => {
      const counts = new Array<number>(CELLS).fill(0);
      for (const line of readFileSync(runsFile, 'utf8').split('\n').filter(Boolean)) counts[Number(line)]++;
      return counts;
    });
  } finally {
    await runtime.close();
  }
});

it(`runs cells exactly once on a runtime that answers 409 while busy, with ${MONITORS} monitors`, { timeout: 300_000 }, async () => {
  const runner = new SpawnRunner({ refuseWhenBusy: true });
  await runCells(runner, 'http://busy-runtime.test/mrp/v1', 60, (cell) => `echo cell-${cell}`, (ids) => ids.map((id) => runner.runs.get(id) ?? 0));
});

it(`leaves no cell hanging when the editor writes ready only once, with ${MONITORS} monitors`, { timeout: 300_000 }, async () => {
  const runner = new SpawnRunner();
  await runCells(runner, 'http://runtime.test/mrp/v1', 60, (cell) => `echo cell-${cell}`, (ids) => ids.map((id) => runner.runs.get(id) ?? 0), {
    readyOnce: true,
  });
});
