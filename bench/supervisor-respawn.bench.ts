// Issue 5: how late a crashed service comes back, measured from the retry time its backoff
// scheduled to the moment the new process exists (spawn event), against a bare 15-line
// child_process supervisor doing the same in the same run (goal: within 5 ms of it).
// Also shown: exit-to-respawn overhead beyond the delay (drain, tree cleanup, state file).
// SUPERVISOR_RESPAWN_ROUNDS sets the number of crashes per side (default 100).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceSpec } from '../src/main/engine/config/manifest-types';
import { defaultLauncher } from '../src/main/engine/supervisor/process-launcher';
import type { ProcessLauncher } from '../src/main/engine/supervisor/launch-request';
import { Supervisor } from '../src/main/engine/supervisor/supervisor';
import { median, percentile } from './figures';

const rounds = Math.max(5, Number(process.env.SUPERVISOR_RESPAWN_ROUNDS ?? 100));
const DELAY_MS = 20;
const COMMAND = 'exit 1';

interface Figures {
  late: number[];
  overhead: number[];
}

/** The baseline: respawn after a fixed delay, nothing else. */
function bareSupervisor(env: NodeJS.ProcessEnv): Promise<Figures> {
  const figures: Figures = { late: [], overhead: [] };
  let scheduledAt = 0;
  let exitedAt = 0;
  return new Promise((resolve) => {
    const run = (): void => {
      const child = spawn('bash', ['-lc', COMMAND], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.once('spawn', () => {
        if (scheduledAt) figures.late.push(performance.now() - scheduledAt);
        if (exitedAt) figures.overhead.push(performance.now() - exitedAt - DELAY_MS);
      });
      child.stdout.resume();
      child.stderr.resume();
      child.once('exit', () => {
        exitedAt = performance.now();
        if (figures.late.length >= rounds) return resolve(figures);
        scheduledAt = performance.now() + DELAY_MS;
        setTimeout(run, DELAY_MS);
      });
    };
    run();
  });
}

async function showrunnerSupervisor(env: Record<string, string>, stateDir: string): Promise<Figures> {
  const figures: Figures = { late: [], overhead: [] };
  let scheduledAt = 0;
  let exitedAt = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const launcher: ProcessLauncher = {
    async launch(request, output) {
      const launched = await defaultLauncher.launch(request, output);
      if (scheduledAt) figures.late.push(performance.now() - scheduledAt);
      if (exitedAt) figures.overhead.push(performance.now() - exitedAt - DELAY_MS);
      void launched.exited.then(() => (exitedAt = performance.now()));
      if (figures.late.length >= rounds) done();
      return launched;
    },
  };
  const logs = { beginLaunch(): void {}, write(): void {} };
  const supervisor = new Supervisor({ logs, stateDir, instanceKey: 'bench', launcher });
  supervisor.on('service', (snapshot, transition) => {
    // The unit arms its timer right after this event: the retry is due DELAY_MS from now.
    if (transition?.to === 'backoff') scheduledAt = performance.now() + DELAY_MS;
  });
  const spec: ServiceSpec = {
    name: 'crasher',
    displayName: 'crasher',
    command: COMMAND,
    workingDir: stateDir,
    env,
    dependencies: [],
    requiresDevices: [],
    deviceRestartPolicy: 'immediate',
    restart: 'always',
    // Delay equal to its cap: every retry waits exactly DELAY_MS, as the baseline does.
    restartDelayMs: DELAY_MS,
    maxRestartDelayMs: DELAY_MS,
    maxRestarts: rounds * 10,
    restartWindowMs: 60_000,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 1000,
    autostart: true,
    pty: false,
  };
  await supervisor.apply([spec]);
  await finished;
  await supervisor.dispose();
  return figures;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'showrunner-bench-respawn-'));
  // An empty HOME keeps `bash -lc` from sourcing the machine's login scripts on every spawn.
  const env = { HOME: dir };
  try {
    await bareSupervisor({ ...process.env, ...env }); // warm-up
    const bare = await bareSupervisor({ ...process.env, ...env });
    const ours = await showrunnerSupervisor(env, dir);
    const row = (label: string, values: number[]): string =>
      `${label} mean ${mean(values).toFixed(2)} ms, median ${median(values).toFixed(2)} ms, p95 ${percentile(values, 95).toFixed(2)} ms`;
    console.log(`${rounds} crashes of \`bash -lc '${COMMAND}'\`, retry delay ${DELAY_MS} ms`);
    console.log(`  late after the scheduled retry time`);
    console.log(`    ${row('baseline (bare child_process)', bare.late)}`);
    console.log(`    ${row('showrunner supervisor        ', ours.late)}`);
    console.log(`    difference of means ${(mean(ours.late) - mean(bare.late)).toFixed(2)} ms (goal ≤ 5 ms); ratio ${(mean(ours.late) / mean(bare.late)).toFixed(2)}×`);
    console.log(`  exit-to-respawn beyond the delay (includes output drain and tree cleanup)`);
    console.log(`    ${row('baseline (bare child_process)', bare.overhead)}`);
    console.log(`    ${row('showrunner supervisor        ', ours.overhead)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
