// Issue 16: `showrunner status` against an idle daemon should answer about as fast as Node
// itself starts (goal: under 300 ms wall on an idle machine). Each round times, back to back,
// a bare `node -e 0` (the baseline), `showrunner --help` (our module loading, no daemon) and
// `showrunner status` (records, one HTTP call, the table) as separate processes, and prints
// their wall times and ratios against the baseline as min / median / max over rounds.
// CLI_STATUS_ROUNDS sets the number of rounds (default 5, at least 3); CLI_STATUS_COMPARE=PATH
// adds a row for another build's out/main/cli.js (say, before a change) in the same rounds.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_CLI, median, requireBuiltCli, startDaemon } from './daemon-process';

const rounds = Math.max(3, Number(process.env.CLI_STATUS_ROUNDS ?? 5));
const compare = process.env.CLI_STATUS_COMPARE;
requireBuiltCli();

let env: NodeJS.ProcessEnv = process.env;

/** Wall milliseconds of one run; the run must succeed (a failing status measures nothing). */
function wallMs(args: string[], label: string): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${label} exited ${run.status}: ${run.stderr}`);
  if (label === 'status' && !/idle\s+Running/.test(run.stdout)) throw new Error(`status did not list the running service:\n${run.stdout}`);
  return ms;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'showrunner-cli-status-'));
  env = { ...process.env, HOME: dir, XDG_RUNTIME_DIR: join(dir, 'run'), XDG_STATE_HOME: join(dir, 'xdg-state') };
  const daemon = await startDaemon(dir, '[services.idle]\ncommand = "sleep 100000"\n\n[services.other]\ncommand = "sleep 100000"\n');
  try {
    await measure();
  } finally {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(): Promise<void> {
  // Wait until both services run, so status answers an idle daemon.
  for (let tries = 0; !/other\s+Running/.test(spawnSync(process.execPath, [BUILT_CLI, 'status'], { env, encoding: 'utf8' }).stdout); tries++) {
    if (tries > 600) throw new Error('services never ran');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  wallMs([BUILT_CLI, 'status'], 'status'); // warm the file cache once
  const rows = { node: [] as number[], help: [] as number[], status: [] as number[], compare: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    rows.node.push(wallMs(['-e', '0'], 'node -e 0'));
    rows.help.push(wallMs([BUILT_CLI, '--help'], '--help'));
    rows.status.push(wallMs([BUILT_CLI, 'status'], 'status'));
    if (compare) rows.compare.push(wallMs([compare, 'status'], 'status'));
  }
  const spread = (values: number[], digits: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${sorted[0].toFixed(digits)} / ${median(values).toFixed(digits)} / ${sorted.at(-1)!.toFixed(digits)}`;
  };
  const ratios = (values: number[]) => values.map((value, round) => value / rows.node[round]);
  console.log(`rounds: ${rounds}; figures are min / median / max; ratio = wall time / node -e 0 in the same round`);
  console.log(`node -e 0 (baseline)  ${spread(rows.node, 0)} ms`);
  console.log(`showrunner --help     ${spread(rows.help, 0)} ms   ratio ${spread(ratios(rows.help), 2)}`);
  console.log(`showrunner status     ${spread(rows.status, 0)} ms   ratio ${spread(ratios(rows.status), 2)}`);
  if (compare) console.log(`status of ${compare}\n                      ${spread(rows.compare, 0)} ms   ratio ${spread(ratios(rows.compare), 2)}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
