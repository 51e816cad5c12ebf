// Issue 6: a chatty child's output through the engine's log path (ring + file) against the same
// generator piped into `cat > /dev/null`, in one run. Prints the throughput ratio (goal ≥ 0.8×)
// and how much this process's RSS grew, after GC (goal < 10 MiB). The ring-only figure shows the
// share of the files (formatting every line with its time and stream, and writing 1.4× the bytes).
// LOGS_BENCH_MB shrinks the size for a quick run (default 200); LOGS_BENCH_ROUNDS (default 3);
// LOGS_BENCH_VERBOSE=1 prints each round.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogStore } from '../src/main/engine/logs/log-store';

const MiB = 1024 * 1024;
const totalBytes = Math.round(Number(process.env.LOGS_BENCH_MB ?? 200) * 1e6);
const rounds = Math.max(1, Number(process.env.LOGS_BENCH_ROUNDS ?? 3));

// 80-byte lines, written in pipe-sized blocks as fast as the reader takes them.
const generator = `
const line = (i) => ('line ' + String(i).padStart(9, '0') + ' ' + 'lorem ipsum dolor sit amet '.repeat(3)).slice(0, 79) + '\\n';
const block = Buffer.from(Array.from({ length: 819 }, (_, i) => line(i)).join(''));
let left = ${totalBytes};
function pump() {
  while (left > 0) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    left -= piece.length;
    if (!process.stdout.write(piece)) return process.stdout.once('drain', pump);
  }
}
pump();
`;

async function main(): Promise<void> {
  if (typeof global.gc !== 'function') {
    // RSS after GC needs --expose-gc; bench/run.ts starts us without it.
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', process.argv[1]], { stdio: 'inherit' });
    process.exit(run.status ?? 1);
  }
  const gc = global.gc;
  const dir = await mkdtemp(join(tmpdir(), 'showrunner-bench-logs-'));
  try {
    await runPipe(); // warm-up: page cache, node startup
    await runStore(dir, 'warmup');
    const pipeTimes: number[] = [];
    const storeTimes: number[] = [];
    const ringTimes: number[] = [];
    const readTimes: number[] = [];

    // Phase 1, what the daemon would do: baseline and engine alternate; RSS is measured around it.
    await settle(gc);
    const before = process.memoryUsage();
    let peakRss = before.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    let notWritten = 0;
    for (let round = 0; round < rounds; round++) {
      pipeTimes.push(await runPipe());
      const result = await runStore(dir, `round${round}`);
      storeTimes.push(result.ms);
      if (process.env.LOGS_BENCH_VERBOSE) console.log(`  round ${round}: pipe ${pipeTimes.at(-1)?.toFixed(0)} ms, store ${result.ms.toFixed(0)} ms`);
      notWritten += result.notWritten;
    }
    clearInterval(sampler);
    await settle(gc);
    const after = process.memoryUsage();
    const growth = (key: keyof NodeJS.MemoryUsage): string => `${key} ${((after[key] - before[key]) / MiB).toFixed(1)}`;

    // Phase 2, for the breakdown only: the same without files, and Node reading the pipe alone
    // (a reader without backpressure makes Node allocate pipe buffers at full speed, which is
    // why it stays out of the RSS figure).
    for (let round = 0; round < rounds; round++) {
      ringTimes.push((await runStore(null, 'memory')).ms);
      readTimes.push(await runRead());
    }
    const pipe = median(pipeTimes);
    const store = median(storeTimes);
    const ring = median(ringTimes);
    const read = median(readTimes);
    const mb = totalBytes / 1e6;
    const onDisk = await folderBytes(join(dir, 'round0'));
    console.log(`${mb} MB of 80-byte lines, ${rounds} rounds, medians`);
    console.log(`  baseline  generator | cat > /dev/null     ${pipe.toFixed(0)} ms  (${(mb / (pipe / 1000)).toFixed(0)} MB/s)`);
    console.log(`  engine    generator → LogStore (ring+file) ${store.toFixed(0)} ms  (${(mb / (store / 1000)).toFixed(0)} MB/s)`);
    console.log(`  (memory)  generator → LogStore (ring only)  ${ring.toFixed(0)} ms  (${(mb / (ring / 1000)).toFixed(0)} MB/s)`);
    console.log(`  (floor)   generator → this process, discarded ${read.toFixed(0)} ms  (${(mb / (read / 1000)).toFixed(0)} MB/s)`);
    console.log(`  throughput ratio: ${(pipe / store).toFixed(2)}×  (goal ≥ 0.8×); ring only ${(pipe / ring).toFixed(2)}×; Node reading alone ${(pipe / read).toFixed(2)}×`);
    console.log(`  RSS growth after GC: ${((after.rss - before.rss) / MiB).toFixed(1)} MiB  (goal < 10 MiB); peak during runs +${((peakRss - before.rss) / MiB).toFixed(1)} MiB`);
    console.log(`    (${growth('heapTotal')}, ${growth('external')}, ${growth('arrayBuffers')})`);
    console.log(`  files kept for one process: ${(onDisk / MiB).toFixed(1)} MiB (20 × 10 MiB retention); lines not written (disk behind): ${notWritten}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lets V8 see the allocation rate drop (it shrinks its young generation then), as a daemon between bursts would. */
async function settle(gc: () => void): Promise<void> {
  for (let i = 0; i < 10; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function runPipe(): Promise<number> {
  const started = performance.now();
  const child = spawn('sh', ['-c', `"${process.execPath}" -e "$GENERATOR" | cat > /dev/null`], {
    env: { ...process.env, GENERATOR: generator },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

/** What any in-process consumer pays before doing anything: Node reading the pipe. */
function runRead(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', generator], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', () => {});
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

async function runStore(logDir: string | null, name: string): Promise<{ ms: number; notWritten: number }> {
  const started = performance.now();
  const store = new LogStore({ logDir: logDir === null ? null : join(logDir, name) });
  store.beginLaunch('chatty');
  const child = spawn(process.execPath, ['-e', generator], { stdio: ['ignore', 'pipe', 'inherit'] });
  // As a supervisor should: pause the child's pipe while the file is behind, like `cat` would block it.
  child.stdout.on('data', (chunk: Buffer) => {
    if (store.write('chatty', 'stdout', chunk)) return;
    child.stdout.pause();
    void store.whenWritable('chatty').then(() => child.stdout.resume());
  });
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  const stats = store.stats('chatty');
  if (stats?.totalBytes !== totalBytes) throw new Error(`store saw ${stats?.totalBytes} bytes, want ${totalBytes}`);
  await store.close();
  return { ms: performance.now() - started, notWritten: stats.linesNotWritten };
}

async function folderBytes(dir: string): Promise<number> {
  let sum = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) sum += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return sum;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
