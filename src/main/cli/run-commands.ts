// `showrunner rollout NAME | runs [--status S] | approve ID | reject ID` (issue 19): roll-out
// runs of compose services on a running daemon, through the same contract as the panel.
import { RunStatus, type RolloutRun } from '../../shared/rollout-run';
import { parseCliArgs, stringFlag, UsageError } from '../parse-cli-args';
import { callDaemon, chooseDaemons, clientFlags, endingOnClientExit, fail } from './client-commands';

const runFlags = { ...clientFlags, status: { kind: 'string' } } as const;

export function runCommand(command: 'rollout' | 'runs' | 'approve' | 'reject', argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv, runFlags);
  return endingOnClientExit(async () => {
    const [daemon] = await chooseDaemons(parsed, command, { many: false });
    if (command === 'runs') {
      if (parsed.positionals.length) throw new UsageError('runs takes no arguments');
      const status = stringFlag(parsed, 'status');
      if (status !== undefined && !RunStatus.safeParse(status).success) throw new UsageError(`--status: one of ${RunStatus.options.join(', ')}`);
      const reply = await callDaemon(daemon, 'runs.list', status === undefined ? {} : { status: status as RunStatus });
      if (!reply.ok) return fail(reply.error.message);
      process.stdout.write(parsed.flags.json ? JSON.stringify(reply.value, null, 2) + '\n' : formatRuns(reply.value));
      return 0;
    }
    const [target, ...extra] = parsed.positionals;
    if (!target || extra.length) throw new UsageError(`usage: showrunner ${command} [--config FILE] ${command === 'rollout' ? 'NAME' : 'ID'}`);
    const reply =
      command === 'rollout' ? await callDaemon(daemon, 'runs.rollout', { name: target }) : await callDaemon(daemon, `runs.${command}`, { id: target });
    if (!reply.ok) return fail(reply.error.message);
    process.stdout.write(parsed.flags.json ? JSON.stringify(reply.value, null, 2) + '\n' : `${reply.value.id}  ${reply.value.service}  ${reply.value.status}${reply.value.reason ? `  ${reply.value.reason}` : ''}\n`);
    return 0;
  });
}

/** One line per run, then its steps indented: `build  succeeded  12.3 s`. */
export function formatRuns(runs: RolloutRun[]): string {
  if (runs.length === 0) return 'no runs\n';
  return runs
    .map((run) => {
      const head = `${run.id}  ${run.service}  ${run.status}  ${new Date(run.createdAt).toISOString()}${run.reason ? `\n    ${run.reason}` : ''}`;
      const steps = run.steps.map((step) => {
        const took = step.startedAt !== null && step.endedAt !== null ? `  ${((step.endedAt - step.startedAt) / 1000).toFixed(1)} s` : '';
        return `    ${step.name.padEnd(16)}${step.status}${took}`;
      });
      return [head, ...steps].join('\n');
    })
    .join('\n') + '\n';
}
