// Issue 23: exactly once at the legacy monitor's speed. Sequential bash cells (the editor
// requests the next one when the previous is over, as a person does), run by 1 monitor × 100
// cells and 3 monitor processes × 200 cells, by our standalone monitor (`showrunner monitor`)
// and, as the in-run baseline, by the legacy mrmd-monitor 0.1.3 on the same sync server,
// runtime and editor. Printed: executions per second and completion latency (requested →
// completed as the editor sees it) p50 (and where it goes: p50 of each phase), each as a ratio ours / legacy; double runs (counted
// by the cells themselves: each appends its number to a file), errors and hung cells.
// Goal: throughput ≥ 1.0× legacy, p50 ≤ 1.5× legacy, 0 double runs, 0 errors.
//
// The legacy monitor is never committed: it is read from $LEGACY_MRMD_MONITOR or the
// git-ignored bench/vendor/mrmd-monitor (github:MaximeRivest/mrmd-monitor at eef65f0); without
// it those rows are skipped with a message and our figures are printed alone.
// In each run the two monitors take turns of one cell, in alternating order (both connected
// throughout, each on its own document), so load that changes during a run weighs on both
// alike; MONITOR_THROUGHPUT_TURN=N makes the turns N cells long.
// MONITOR_THROUGHPUT_RUNS (default 3) repeats every row; min/median/max are printed.
// MONITOR_THROUGHPUT_CELLS=N caps the cells per row, MONITOR_THROUGHPUT_MONITORS=N keeps the
// rows with N monitors (quick checks). Also printed: the monitor processes' CPU time per cell
// (the scheduler's run time, in turns only). MONITOR_THROUGHPUT_CPU_PROF=DIR writes a V8 CPU
// profile of every monitor process (built CLI and legacy) to DIR/ours and DIR/legacy.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type * as Y from 'yjs';
import { sourceCliArgv } from '../test/helpers/cli-argv';
import { EditorPeer } from '../src/main/engine/monitors/editor-peer.test-kit';
import { cpuMs as processCpuMs } from './daemon-process';
import { percentile } from './figures';

const CELL_CAP = Number(process.env.MONITOR_THROUGHPUT_CELLS ?? Infinity);
const RUNS = Math.max(1, Number(process.env.MONITOR_THROUGHPUT_RUNS ?? 3));
const ALL_SCENARIOS = [
  { monitors: 1, cells: 100 },
  { monitors: 3, cells: 200 },
];
const SCENARIOS = ALL_SCENARIOS.filter(({ monitors }) => !process.env.MONITOR_THROUGHPUT_MONITORS || monitors === Number(process.env.MONITOR_THROUGHPUT_MONITORS));
const WARM_UP_CELLS = 3;
/** MONITOR_THROUGHPUT_DEBUG=1: every monitor's log lines on stderr, with pid and time. */
const DEBUG_LOGS = process.env.MONITOR_THROUGHPUT_DEBUG === '1';
/** MONITOR_THROUGHPUT_CPU_PROF=<dir>: every monitor process (both kinds) writes a V8 CPU profile there. */
const CPU_PROF_DIR = process.env.MONITOR_THROUGHPUT_CPU_PROF;
const PROFILE_FLAGS = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROF_DIR, '__KIND__')}`] : [];
/** A cell not over after this long counts as hung, and the row goes on. */
const HUNG_MS = 15_000;
// The built CLI, as users run it (`npm run bench` builds first); from source through tsx otherwise.
const BUILT_CLI = join(import.meta.dirname, '..', 'out', 'main', 'cli.js');
const OUR_CLI = existsSync(BUILT_CLI) ? [process.execPath, BUILT_CLI] : sourceCliArgv;
const LEGACY_DIR = process.env.LEGACY_MRMD_MONITOR ?? join(import.meta.dirname, 'vendor', 'mrmd-monitor');
const LEGACY_CLI = join(LEGACY_DIR, 'bin', 'cli.js');
const LEGACY_LOADER = join(import.meta.dirname, 'legacy', 'register-resolve.mjs');

type Kind = 'legacy' | 'ours';

interface RowResult {
  perSecond: number;
  p50: number;
  p99: number;
  doubles: number;
  missing: number;
  errors: number;
  hung: number;
  /** CPU time of the monitor processes per timed cell (warm-up excluded), when /proc has it. */
  cpuMsPerCell: number | null;
  /** Median ms per phase as the editor sees it: requested → claimed and ready → running → completed. */
  phases: Record<string, number>;
}

// The editor writes `ready` inside its observer of the claim, so it sees `claimed` as `ready`.
const PHASES = ['ready', 'running', 'completed'] as const;

const children = new Set<ChildProcess>();

/** Spawns a process and resolves with it once a stdout line matches `ready` (if given). */
async function start(argv: string[], ready?: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray | null }> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const lines = createInterface({ input: child.stdout! });
  if (!ready) {
    lines.on('line', (line) => DEBUG_LOGS && console.error(`[${child.pid}] ${Date.now() % 100000} ${line}`));
    return { child, match: null };
  }
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    lines.on('line', (line) => {
      const found = ready.exec(line);
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`${argv.slice(-3).join(' ')} exited with ${code}: ${stderr}`)));
  });
  return { child, match };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function monitorArgv(kind: Kind, syncUrl: string, doc: string, bashUrl: string): string[] {
  if (kind === 'legacy') {
    // mrmd-monitor 0.1.x needs a global WebSocket: Node 22+, or this flag on Node 20.
    const flags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : [];
    return [process.execPath, ...flags, ...profileFlags(kind), '--no-warnings', '--import', LEGACY_LOADER, LEGACY_CLI, '--doc', doc, '--log-level', 'error', syncUrl];
  }
  const cli = OUR_CLI === sourceCliArgv ? OUR_CLI : [OUR_CLI[0], ...profileFlags(kind), ...OUR_CLI.slice(1)];
  return [...cli, 'monitor', '--doc', doc, '--runtime', `bash=${bashUrl}`, '--no-builtin-runtime', '--log-level', DEBUG_LOGS ? 'info' : 'warn', syncUrl];
}

function profileFlags(kind: Kind): string[] {
  return PROFILE_FLAGS.map((flag) => flag.replace('__KIND__', kind));
}

/** Resolves when `test` holds, re-checked on every change of `map`, or with false after `ms`. */
function until(map: Y.Map<unknown>, test: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (test()) return resolve(true);
    const done = (value: boolean): void => {
      clearTimeout(timer);
      map.unobserve(observer);
      resolve(value);
    };
    const observer = (): void => {
      if (test()) done(true);
    };
    const timer = setTimeout(() => done(false), ms);
    map.observe(observer);
  });
}

const TERMINAL = new Set(['completed', 'error', 'cancelled']);

/**
 * Cells run per turn when the rows of one run alternate (see `runInterleaved`). One: on this
 * shared machine the load changes within a second, and turns of ten cells (half a second to a
 * second) let a burst fall on one monitor's turn only (one run's ratio spread 0.76–1.17×;
 * with turns of one cell 1.03–1.08× at the same load).
 */
const TURN_CELLS = Math.max(1, Number(process.env.MONITOR_THROUGHPUT_TURN ?? 1));

interface OpenRow {
  /** Runs cells `from` to `to` (exclusive), one after another. */
  runCells(from: number, to: number): Promise<void>;
  result(): Promise<RowResult>;
  close(): Promise<void>;
}

/** One kind's monitors, editor and document for one run, warmed up and ready for cells. */
async function openRow(kind: Kind, monitors: number, cells: number, run: number, parts: { dir: string; syncUrl: string; bashUrl: string }): Promise<OpenRow> {
  const doc = `${kind}-${monitors}x${cells}-run${run}`;
  const runsFile = join(parts.dir, `${doc}.runs`);
  const procs = await Promise.all(Array.from({ length: monitors }, () => start(monitorArgv(kind, parts.syncUrl, doc, parts.bashUrl))));
  const editor = await EditorPeer.connect(parts.syncUrl, doc);
  const close = async (): Promise<void> => {
    editor.close();
    await Promise.all(procs.map(({ child }) => stop(child)));
  };
  try {
    const awareness = editor.provider.awareness;
    const monitorCount = (): number => [...awareness.getStates().values()].filter((state) => state.user?.type === 'monitor').length;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (monitorCount() < monitors) return;
        awareness.off('change', check);
        resolve();
      };
      awareness.on('change', check);
      check();
    });
    const executions = editor.executions as unknown as Y.Map<unknown>;
    // When the editor first saw each status of the current cell (the phase trace).
    let seenAt = new Map<string, number>();
    let currentId = '';
    const watch = (): void => {
      const status = String(editor.entry(currentId)?.status);
      if (!seenAt.has(status)) seenAt.set(status, performance.now());
    };
    executions.observe(watch);
    let phaseTimes: Record<string, number[]> = {};
    const runCell = async (code: string): Promise<{ ms: number; status: string }> => {
      editor.addCell('bash', code);
      const begin = performance.now();
      currentId = editor.request(code, 'bash', { runtimeUrl: parts.bashUrl });
      seenAt = new Map();
      const id = currentId;
      const over = await until(executions, () => TERMINAL.has(String(editor.entry(id)?.status)), HUNG_MS);
      let previous = begin;
      for (const phase of PHASES) {
        const at = seenAt.get(phase);
        if (at === undefined) continue;
        (phaseTimes[phase] ??= []).push(at - previous);
        previous = at;
      }
      return { ms: performance.now() - begin, status: over ? String(editor.entry(id)?.status) : 'hung' };
    };
    // Warm-up: every monitor synced and past its join window, the runtime's shell started.
    for (let cell = 0; cell < WARM_UP_CELLS; cell++) await runCell(`echo warm-up ${cell}`);
    phaseTimes = {};

    const latencies: number[] = [];
    const statuses: string[] = [];
    let busyMs = 0;
    let cpu: number | null = 0;
    return {
      async runCells(from, to) {
        const cpuBefore = cpuMs(procs.map(({ child }) => child));
        const begin = performance.now();
        for (let cell = from; cell < to; cell++) {
          const { ms, status } = await runCell(`echo ${cell} >> ${runsFile}`);
          latencies.push(ms);
          statuses.push(status);
        }
        busyMs += performance.now() - begin;
        const cpuAfter = cpuMs(procs.map(({ child }) => child));
        cpu = cpu === null || cpuBefore === null || cpuAfter === null ? null : cpu + cpuAfter - cpuBefore;
      },
      async result() {
        const counts = new Array<number>(cells).fill(0);
        const text = existsSync(runsFile) ? await readFile(runsFile, 'utf8') : '';
        for (const line of text.split('\n').filter(Boolean)) counts[Number(line)]++;
        return {
          perSecond: (cells * 1000) / busyMs,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          doubles: counts.filter((count) => count > 1).length,
          missing: counts.filter((count) => count === 0).length,
          errors: statuses.filter((status) => status === 'error' || status === 'cancelled').length,
          hung: statuses.filter((status) => status === 'hung').length,
          cpuMsPerCell: cpu === null ? null : cpu / cells,
          phases: Object.fromEntries(Object.entries(phaseTimes).map(([phase, times]) => [phase, percentile(times, 50)])),
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * One run of every kind on the same cells. The kinds take turns of `TURN_CELLS` cells (each
 * kind's monitors on their own document, all connected for the whole run), so a change in
 * the machine's load during the run weighs on both alike; each kind's time is the sum of its
 * turns.
 */
async function runInterleaved(kinds: readonly Kind[], monitors: number, cells: number, run: number, parts: { dir: string; syncUrl: string; bashUrl: string }): Promise<Map<Kind, RowResult>> {
  const rows = new Map<Kind, OpenRow>();
  try {
    for (const kind of kinds) rows.set(kind, await openRow(kind, monitors, cells, run, parts));
    for (let from = 0; from < cells; from += TURN_CELLS) {
      // Alternate which kind goes first, so neither always follows the other's turn.
      const order = (from / TURN_CELLS) % 2 === 0 ? kinds : [...kinds].reverse();
      for (const kind of order) await rows.get(kind)!.runCells(from, Math.min(cells, from + TURN_CELLS));
    }
    const results = new Map<Kind, RowResult>();
    for (const [kind, row] of rows) results.set(kind, await row.result());
    return results;
  } finally {
    for (const row of rows.values()) await row.close();
  }
}

/** CPU time of the processes in ms (daemon-process.ts: the scheduler's ns), null without /proc. */
function cpuMs(children: ChildProcess[]): number | null {
  try {
    return children.reduce((sum, child) => sum + processCpuMs(child.pid!), 0);
  } catch {
    return null;
  }
}

function spread(values: number[], digits = 2): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${sorted[0].toFixed(digits)} / ${median.toFixed(digits)} / ${sorted[sorted.length - 1].toFixed(digits)}`;
}

function describeRow(kind: Kind, row: RowResult): string {
  return `${kind.padEnd(6)} ${row.perSecond.toFixed(1).padStart(6)} cells/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, double runs ${row.doubles}, not run ${row.missing}, errors ${row.errors}, hung ${row.hung}, monitor CPU ${row.cpuMsPerCell === null ? '?' : row.cpuMsPerCell.toFixed(1)} ms/cell; p50 ms to ${Object.entries(row.phases)
    .map(([phase, ms]) => `${phase} ${ms.toFixed(1)}`)
    .join(', ')}`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'showrunner-bench-throughput-'));
  const sync = await start([...sourceCliArgv, 'sync-server', '--port', '0', '--docs', dir], /^ready (\S+)/);
  const runtime = await start([...sourceCliArgv, 'mrp-runtime', '--port', '0', '--cwd', dir], /^ready (\S+)/);
  const parts = { dir, syncUrl: sync.match![1], bashUrl: `${runtime.match![1]}/mrp/v1` };
  const legacy = existsSync(LEGACY_CLI);
  console.log(`monitor throughput, sequential bash cells, ${RUNS} run(s) per row; each process is one monitor`);
  console.log(`  ours: ${OUR_CLI === sourceCliArgv ? 'from source through tsx (no build in out/)' : 'the built CLI (out/main/cli.js)'}`);
  if (!legacy) console.log(`  legacy rows skipped: no mrmd-monitor at ${LEGACY_DIR} (set LEGACY_MRMD_MONITOR or put github:MaximeRivest/mrmd-monitor@eef65f0 there)`);
  try {
    for (const scenario of SCENARIOS) {
      const { monitors } = scenario;
      const cells = Math.min(scenario.cells, CELL_CAP);
      console.log(`\n  ${monitors} monitor(s) × ${cells} cells`);
      const results: Record<Kind, RowResult[]> = { legacy: [], ours: [] };
      for (let run = 0; run < RUNS; run++) {
        const rows = await runInterleaved(legacy ? (['legacy', 'ours'] as const) : (['ours'] as const), monitors, cells, run, parts);
        for (const [kind, row] of rows) {
          results[kind].push(row);
          console.log(`    run ${run + 1} ${describeRow(kind, row)}`);
        }
      }
      const ours = results.ours;
      console.log(`    ours cells/s min/median/max: ${spread(ours.map((row) => row.perSecond), 1)}; p50 ms: ${spread(ours.map((row) => row.p50), 1)}`);
      console.log(`    ours double runs ${ours.reduce((sum, row) => sum + row.doubles, 0)}, errors ${ours.reduce((sum, row) => sum + row.errors + row.hung + row.missing, 0)} over ${RUNS * cells} cells`);
      if (!legacy) continue;
      const old = results.legacy;
      console.log(`    legacy cells/s min/median/max: ${spread(old.map((row) => row.perSecond), 1)}; p50 ms: ${spread(old.map((row) => row.p50), 1)}`);
      const throughput = ours.map((row, run) => row.perSecond / old[run].perSecond);
      const p50 = ours.map((row, run) => row.p50 / old[run].p50);
      const cpu = ours.flatMap((row, run) => (row.cpuMsPerCell === null || !old[run].cpuMsPerCell ? [] : [row.cpuMsPerCell / old[run].cpuMsPerCell]));
      console.log(`    ratio ours/legacy throughput min/median/max: ${spread(throughput)}x (goal >= 1.0x: ${Math.min(...throughput) >= 1 ? 'met' : 'NOT met'})`);
      console.log(`    ratio ours/legacy p50 latency min/median/max: ${spread(p50)}x (goal <= 1.5x: ${Math.max(...p50) <= 1.5 ? 'met' : 'NOT met'})`);
      if (cpu.length > 0) console.log(`    ratio ours/legacy monitor CPU per cell min/median/max: ${spread(cpu)}x`);
    }
  } finally {
    for (const child of [...children]) await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
