// Issue 9: memory of N monitor peers in one process (how MonitorHost runs them) against N Node
// processes holding one peer each (how mrmd-orchestrator runs mrmd-monitor), in one run, over
// one sync server. Every child loads the same code the same way (tsx), and reports its own RSS
// after GC once all its peers have synced. Goal: one process ≤ 0.1× the N processes.
// MONITOR_MEMORY_PEERS sets N (default 100; each extra process costs roughly 80 MiB).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1024 * 1024;
const peers = Math.max(1, Number(process.env.MONITOR_MEMORY_PEERS ?? 100));
/** Children started at once while measuring the N-process case (2 cores here). */
const startBatch = 4;

async function child(syncUrl: string, docs: string[]): Promise<void> {
  const { MonitorHost } = await import('../src/main/engine/monitors/monitor-host');
  const { MrpRunner } = await import('../src/main/engine/monitors/mrp-runner');
  const host = new MonitorHost({
    syncUrl,
    runner: new MrpRunner(),
    runtimes: { runtimes: { bash: 'http://127.0.0.1:9/mrp/v1' } },
    monitorId: `bench-${process.pid}`,
  });
  for (const doc of docs) host.start(doc);
  await Promise.all(docs.map((doc) => host.whenSynced(doc)));
  for (let round = 0; round < 3; round++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write(`rss ${process.memoryUsage().rss}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void host.close().then(() => process.exit(0));
  });
}

function startChild(syncUrl: string, docs: string[]): Promise<{ process: ChildProcess; rss: number }> {
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', process.argv[1], '--child', syncUrl, ...docs], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /rss (\d+)/.exec(out);
      if (match) resolve({ process: proc, rss: Number(match[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`bench child exited with ${code} before reporting`)));
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.stdin?.end();
          setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'showrunner-bench-memory-'));
  const { startSyncServer } = await import('../src/main/engine/sync/sync-server');
  const sync = await startSyncServer({ port: 0, docsDir: dir });
  const docs = Array.from({ length: peers }, (_, index) => `doc-${index}`);
  try {
    const empty = await startChild(sync.url, []);
    await stopAll([empty.process]);
    const together = await startChild(sync.url, docs);
    await stopAll([together.process]);

    const separate: Array<{ process: ChildProcess; rss: number }> = [];
    try {
      for (let index = 0; index < docs.length; index += startBatch) {
        separate.push(...(await Promise.all(docs.slice(index, index + startBatch).map((doc) => startChild(sync.url, [doc])))));
      }
    } finally {
      await stopAll(separate.map((entry) => entry.process));
    }
    const separateTotal = separate.reduce((sum, entry) => sum + entry.rss, 0);
    const ratio = together.rss / separateTotal;
    console.log(`monitor memory, ${peers} peers (RSS after GC, all synced)`);
    console.log(`  one process, ${peers} peers: ${(together.rss / MiB).toFixed(1)} MiB`);
    console.log(`  ${peers} processes, 1 peer each: ${(separateTotal / MiB).toFixed(1)} MiB (${(separateTotal / peers / MiB).toFixed(1)} MiB each)`);
    console.log(`  process without peers: ${(empty.rss / MiB).toFixed(1)} MiB; each extra peer in one process: ${((together.rss - empty.rss) / peers / 1024).toFixed(0)} KiB`);
    console.log(`  ratio one process / ${peers} processes: ${ratio.toFixed(3)}x (goal <= 0.1x: ${ratio <= 0.1 ? 'met' : 'NOT met'})`);
  } finally {
    await sync.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv.slice(4)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
