// Issue 9: claim latency, requested → claimed as the editor sees it, against a raw Yjs round
// trip over the same sync server in the same run (editor writes a key, a bare y-websocket peer
// writes an answer, the editor sees it): both are editor → server → peer → server → editor.
// Goal: claim p50 ≤ 2× the round trip p50. Cells run one after another, as in MRMD-NOTES.md's
// mrmd-monitor figure (p50 1 ms, p99 7 ms). MONITOR_CLAIM_N sets the count (default 100).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { EditorPeer } from '../src/main/engine/monitors/editor-peer.test-kit';
import { MonitorHost } from '../src/main/engine/monitors/monitor-host';
import { MrpRunner } from '../src/main/engine/monitors/mrp-runner';
import { startMrpRuntime } from '../src/main/engine/mrp/mrp-runtime';
import { startSyncServer } from '../src/main/engine/sync/sync-server';
import { percentile } from './figures';

const count = Math.max(10, Number(process.env.MONITOR_CLAIM_N ?? 100));


function until<T>(map: Y.Map<T>, test: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (test()) return resolve();
    const observer = (): void => {
      if (!test()) return;
      map.unobserve(observer);
      resolve();
    };
    map.observe(observer);
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'showrunner-bench-claim-'));
  const sync = await startSyncServer({ port: 0, docsDir: dir });
  const runtime = await startMrpRuntime({ port: 0, cwd: dir });
  const host = new MonitorHost({
    syncUrl: sync.url,
    runner: new MrpRunner(),
    runtimes: { runtimes: { bash: runtime.urls.bash } },
    monitorId: 'bench-monitor',
  });
  host.start('bench');
  await host.whenSynced('bench');
  const editor = await EditorPeer.connect(sync.url, 'bench');
  const echoDoc = new Y.Doc();
  const echo = new WebsocketProvider(sync.url, 'bench', echoDoc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
  await new Promise<void>((resolve) => echo.once('sync', () => resolve()));
  echoDoc.getMap<number>('pings').observe((event) => {
    for (const key of event.keysChanged) echoDoc.getMap<number>('pongs').set(key, Date.now());
  });

  const pings = editor.ydoc.getMap<number>('pings');
  const pongs = editor.ydoc.getMap<number>('pongs');
  const executions = editor.executions;
  const roundTrips: number[] = [];
  const claims: number[] = [];
  editor.addCell('bash', 'true');
  for (let round = -5; round < count; round++) {
    const key = `ping-${round}`;
    let start = performance.now();
    pings.set(key, Date.now());
    await until(pongs, () => pongs.has(key));
    const roundTrip = performance.now() - start;

    start = performance.now();
    const id = editor.request('true', 'bash');
    await until(executions, () => executions.get(id)?.status !== 'requested');
    const claim = performance.now() - start;
    await until(executions, () => ['completed', 'error'].includes(String(executions.get(id)?.status)));
    if (round >= 0) {
      roundTrips.push(roundTrip);
      claims.push(claim);
    }
  }

  const rows = [50, 99].map((p) => ({ p, claim: percentile(claims, p), roundTrip: percentile(roundTrips, p) }));
  console.log(`monitor claim latency, ${count} sequential cells, 1 monitor, loopback`);
  for (const { p, claim, roundTrip } of rows) {
    console.log(`  p${p}: claim ${claim.toFixed(2)} ms, raw Yjs round trip ${roundTrip.toFixed(2)} ms, ratio ${(claim / roundTrip).toFixed(2)}x`);
  }
  console.log(`  goal: p50 ratio <= 2x: ${rows[0].claim / rows[0].roundTrip <= 2 ? 'met' : 'NOT met'}`);

  echo.destroy();
  echoDoc.destroy();
  editor.close();
  await host.close();
  await runtime.close();
  await sync.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
