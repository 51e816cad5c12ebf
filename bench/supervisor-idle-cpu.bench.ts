// Issues 5 and 23: what supervising 20 idle services costs, as the CPU the built daemon uses
// over a window divided by the window (a share of one core; goal < 0.1 %). The daemon runs as
// it ships (node out/main/cli.js serve, no tsx: tsx's loader thread alone used more than the
// goal), with stats sampling at its defaults: every 30 s while no client is connected, as
// here (stats-clock.ts), every 5 s while a panel or another event client is. The baseline is the same daemon on an empty
// manifest, idling in the same window. Both wait out start-up first: V8's memory reducer runs
// a few full collections in the minute after allocation stops, a start-up cost, not an idle one.
// Then, in this process, the cost of one stats tick over the same 20 trees, and the share it
// implies at one tick per 5 s (watched) and per 30 s (nobody watching).
// SUPERVISOR_IDLE_SECONDS sets the window (default 30), SUPERVISOR_IDLE_WARM_UP_SECONDS the
// wait before it (default 60), SUPERVISOR_IDLE_ROUNDS the rounds (default 3).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TreeSampler } from '../src/main/engine/supervisor/tree-sampler';
import { cpuShareOf, manifestOf, median, requireBuiltCli, startDaemon, waitForAll, type DaemonProcess } from './daemon-process';

const seconds = Math.max(1, Number(process.env.SUPERVISOR_IDLE_SECONDS ?? 30));
const warmUpMs = Math.max(0, Number(process.env.SUPERVISOR_IDLE_WARM_UP_SECONDS ?? 60)) * 1000;
const rounds = Math.max(1, Number(process.env.SUPERVISOR_IDLE_ROUNDS ?? 3));
const SERVICES = 20;

interface Round {
  empty: number;
  busy: number;
  tickMs: number;
}

async function measureRound(root: string, round: number): Promise<Round> {
  const daemons: DaemonProcess[] = [];
  try {
    const empty = await startDaemon(join(root, `empty-${round}`), '');
    daemons.push(empty);
    const text = manifestOf(SERVICES, (i) => `command = "exec sleep 3600"${i > 0 ? `\ndependencies = ["s${i - 1}"]` : ''}`);
    const busy = await startDaemon(join(root, `busy-${round}`), text);
    daemons.push(busy);
    await waitForAll(busy, SERVICES, 'running');
    await new Promise((resolve) => setTimeout(resolve, warmUpMs));
    const [emptyShare, busyShare] = await Promise.all([cpuShareOf(empty.pid, seconds * 1000), cpuShareOf(busy.pid, seconds * 1000)]);
    // The stats tick, here, over the daemon's 20 trees: 100 ticks (1 in 12 lists all of /proc).
    const services = await busy.get<{ services: { name: string; state: { kind: string; pid?: number } }[] }>('/api/services');
    const trees = services.services.flatMap((service) => (service.state.pid ? [{ name: service.name, rootPid: service.state.pid, known: [] }] : []));
    const sampler = new TreeSampler();
    const before = process.cpuUsage();
    for (let tick = 0; tick < 100; tick++) await sampler.sample(trees);
    const used = process.cpuUsage(before);
    return { empty: emptyShare, busy: busyShare, tickMs: (used.user + used.system) / 1000 / 100 };
  } finally {
    await Promise.all(daemons.map((daemon) => daemon.stop()));
  }
}

async function main(): Promise<void> {
  requireBuiltCli();
  const root = await mkdtemp(join(tmpdir(), 'showrunner-bench-idle-'));
  try {
    const results: Round[] = [];
    for (let round = 0; round < rounds; round++) results.push(await measureRound(root, round));
    const range = (values: number[], digits: number, scale = 1): string => {
      const sorted = [...values].sort((a, b) => a - b);
      return `${(sorted[0] * scale).toFixed(digits)} / ${(median(values) * scale).toFixed(digits)} / ${(sorted[sorted.length - 1] * scale).toFixed(digits)}`;
    };
    console.log(`built daemon, ${SERVICES} idle services (sleep), no client connected (stats every 30 s); ${rounds} rounds, min / median / max; window ${seconds} s after ${warmUpMs / 1000} s`);
    console.log(`  baseline, daemon on an empty manifest: ${range(results.map((r) => r.empty), 3, 100)} % of one core`);
    console.log(`  daemon supervising ${SERVICES} idle services: ${range(results.map((r) => r.busy), 3, 100)} % of one core (goal < 0.1 %)`);
    console.log(`  above the baseline: ${range(results.map((r) => r.busy - r.empty), 3, 100)} percentage points`);
    console.log(
      `  one stats tick over ${SERVICES} trees: ${range(results.map((r) => r.tickMs), 3)} ms CPU → ${range(results.map((r) => r.tickMs / 5000), 4, 100)} % of one core at one tick per 5 s (a client connected), ${range(results.map((r) => r.tickMs / 30000), 4, 100)} % per 30 s`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
