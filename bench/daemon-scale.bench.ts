// Issue 23: what the daemon's cost grows with. The built daemon (no tsx) on manifests of 1 and
// 1,000 services, each blocked on a device that never appears (the work per service without
// a process of its own), then `check` on 100 and 10,000 services. Every figure is set against
// the small run of the same kind in this same run:
// - listen: from spawn to the `listening` line, 1,000 services vs 1 (goal: under 2 s).
// - settle: from listening until the API shows all 1,000 blocked.
// - idle CPU over a window once settled, as a share of one core, and per service above 1.
// - memory per idle service: RSS of the 1,000-service daemon less the 1-service one, / 999.
// - check: `showrunner check` time of 10,000 services vs 100, and per service above it.
// DAEMON_SCALE_SECONDS sets the idle window (default 20), DAEMON_SCALE_WARM_UP_SECONDS the wait
// before it (default 60), DAEMON_SCALE_ROUNDS the rounds (default 3).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_CLI, cpuShareOf, manifestOf, median, requireBuiltCli, rssBytes, startDaemon, waitForAll, type DaemonProcess } from './daemon-process';

const seconds = Math.max(2, Number(process.env.DAEMON_SCALE_SECONDS ?? 20));
const rounds = Math.max(1, Number(process.env.DAEMON_SCALE_ROUNDS ?? 3));
const MANY = 1000;
const WARM_UP_MS = Math.max(0, Number(process.env.DAEMON_SCALE_WARM_UP_SECONDS ?? 60)) * 1000;

interface DaemonFigures {
  listenMs: number;
  settleMs: number;
  cpuShare: number;
  rss: number;
}

/**
 * One round: the 1-service and the 1,000-service daemon start one after the other (for their
 * listen times), then idle side by side, so both windows see the same machine.
 */
async function measureDaemons(root: string, round: number): Promise<[DaemonFigures, DaemonFigures]> {
  const daemons: DaemonProcess[] = [];
  try {
    const settle: number[] = [];
    for (const count of [1, MANY]) {
      const text = manifestOf(count, (i) => `command = "exec sleep 3600"\nrequires_devices = ["/dev/never-${i}"]`);
      const daemon = await startDaemon(join(root, `daemon-${count}-${round}`), text);
      daemons.push(daemon);
      settle.push(await waitForAll(daemon, count, 'blocked'));
    }
    // Start-up garbage, and V8's memory reducer (a few full collections in the minute after
    // allocation stops), settle out of the window.
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    const shares = await Promise.all(daemons.map((daemon) => cpuShareOf(daemon.pid, seconds * 1000)));
    return [0, 1].map((i) => ({ listenMs: daemons[i].listenMs, settleMs: settle[i], cpuShare: shares[i], rss: rssBytes(daemons[i].pid) })) as [DaemonFigures, DaemonFigures];
  } finally {
    await Promise.all(daemons.map((daemon) => daemon.stop()));
  }
}

function checkManifest(count: number): string {
  // Realistic tables: a command, env, a health probe, dependencies as inline tables.
  return manifestOf(count, (i) => {
    const deps = [1, 2, 3].filter((k) => i - k * 7 >= 0).map((k) => `{ name = "s${i - k * 7}", condition = "started" }`);
    return [
      `command = "exec sleep 3600 --flag value-${i}"`,
      `requires_devices = ["/dev/cam-${i}"]`,
      `dependencies = [${deps.join(', ')}]`,
      `[services.s${i}.env]`,
      `MODE = "production"`,
      `PATH_EXTRA = "/opt/service/${i}"`,
      `[services.s${i}.health]`,
      `type = "http"`,
      `url = "http://127.0.0.1:${10000 + (i % 50000)}/health"`,
    ].join('\n');
  });
}

/** Wall time, and the CPU the check process used (robust when the machine is shared). */
async function measureCheck(root: string, count: number): Promise<{ wallMs: number; cpuMs: number }> {
  const file = join(root, `check-${count}.toml`);
  await writeFile(file, checkManifest(count));
  // The CLI exits through process.exit; the exit hook reports this process's CPU just before.
  const reportCpu = `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('cpu-ms ' + (u.user + u.system) / 1000 + '\\n'); });`;
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-e', `${reportCpu} process.argv.splice(1, Infinity, ${JSON.stringify(BUILT_CLI)}, 'check', ${JSON.stringify(file)}); require(${JSON.stringify(BUILT_CLI)});`], { encoding: 'utf8' });
  const wallMs = performance.now() - started;
  const cpuMs = Number(/cpu-ms (\S+)/.exec(run.stderr)?.[1]);
  if (run.status !== 0 || !Number.isFinite(cpuMs)) throw new Error(`check of ${count} services failed: ${run.stdout}${run.stderr}`);
  return { wallMs, cpuMs };
}

const range = (values: number[], digits: number, scale = 1): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${(sorted[0] * scale).toFixed(digits)} / ${(median(values) * scale).toFixed(digits)} / ${(sorted[sorted.length - 1] * scale).toFixed(digits)}`;
};

async function main(): Promise<void> {
  requireBuiltCli();
  const root = await mkdtemp(join(tmpdir(), 'showrunner-bench-scale-'));
  try {
    const one: DaemonFigures[] = [];
    const many: DaemonFigures[] = [];
    const checkSmall: { wallMs: number; cpuMs: number }[] = [];
    const checkLarge: { wallMs: number; cpuMs: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const [small, large] = await measureDaemons(root, round);
      one.push(small);
      many.push(large);
      checkSmall.push(await measureCheck(root, 100));
      checkLarge.push(await measureCheck(root, 10_000));
    }
    const pick = (list: DaemonFigures[], key: keyof DaemonFigures) => list.map((figures) => figures[key]);
    const listenRatios = many.map((figures, i) => figures.listenMs / one[i].listenMs);
    const cpuPerService = many.map((figures, i) => (figures.cpuShare - one[i].cpuShare) / (MANY - 1));
    const rssPerService = many.map((figures, i) => (figures.rss - one[i].rss) / (MANY - 1));
    const wall = (list: { wallMs: number }[]) => list.map((run) => run.wallMs);
    const cpu = (list: { cpuMs: number }[]) => list.map((run) => run.cpuMs);
    const checkRatios = checkLarge.map((run, i) => run.cpuMs / checkSmall[i].cpuMs);
    const checkPerService = checkLarge.map((run, i) => (run.cpuMs - checkSmall[i].cpuMs) / 9900);
    console.log(`built daemon, services blocked on a missing device; ${rounds} rounds, min / median / max; idle window ${seconds} s after ${WARM_UP_MS / 1000} s`);
    console.log(`  listen, 1 service:             ${range(pick(one, 'listenMs'), 0)} ms`);
    console.log(`  listen, ${MANY} services:       ${range(pick(many, 'listenMs'), 0)} ms  (goal < 2000 ms)`);
    console.log(`  listen ratio ${MANY} vs 1:      ${range(listenRatios, 2)}×`);
    console.log(`  all ${MANY} shown blocked after listening: ${range(pick(many, 'settleMs'), 0)} ms (1 service: ${range(pick(one, 'settleMs'), 0)} ms)`);
    console.log(`  idle CPU, 1 service:           ${range(pick(one, 'cpuShare'), 3, 100)} % of one core`);
    console.log(`  idle CPU, ${MANY} services:     ${range(pick(many, 'cpuShare'), 3, 100)} % of one core  (goal < 0.5 %)`);
    console.log(`  idle CPU per service above 1:  ${range(cpuPerService, 5, 100)} % of one core`);
    console.log(`  RSS, 1 service / ${MANY}:       ${range(pick(one, 'rss'), 1, 1 / 2 ** 20)} MiB / ${range(pick(many, 'rss'), 1, 1 / 2 ** 20)} MiB`);
    console.log(`  memory per idle service:       ${range(rssPerService, 1, 1 / 1024)} KiB  (goal < 50 KiB)`);
    console.log(`  check, 100 services:           ${range(wall(checkSmall), 0)} ms wall, ${range(cpu(checkSmall), 0)} ms CPU (process start included)`);
    console.log(`  check, 10,000 services:        ${range(wall(checkLarge), 0)} ms wall, ${range(cpu(checkLarge), 0)} ms CPU  (goal < 2000 ms)`);
    console.log(`  check CPU ratio 10,000 vs 100: ${range(checkRatios, 2)}×; CPU per service above 100: ${range(checkPerService, 3)} ms`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
