// Whole trees (issue 14): a service whose helper double-forked into its own session leaves
// nothing behind a stop, a kill or a quit, while another service of the same supervisor and
// the same-named service of another supervisor (its own OS process) run on untouched.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { alivePids, daemonized, makeSpec, nodeCommand, SLOW_MS, supervisorHarness, supervisorInChild } from '../../../../test/fixtures/supervisor-test-kit';

const harness = supervisorHarness();

/** The same double-forking service under another supervisor, in its own OS process. */
async function otherSupervisor(stateDir: string): Promise<number[]> {
  const { pidfile } = await supervisorInChild(harness, stateDir, 'other', 'double-fork.js');
  const pids = await daemonized(pidfile);
  return [pids.get('main')!, pids.get('daemon')!];
}

describe('stopping a service with a double-forked daemon', () => {
  it.each(['stop', 'kill', 'dispose'] as const)('%s leaves none of its processes; another service and another supervisor run on', async (how) => {
    const stateDir = harness.tempDir();
    const others = await otherSupervisor(stateDir);
    const { supervisor, logs } = harness.supervisor({ stateDir });
    const pidfile = join(harness.tempDir(), 'pids');
    await supervisor.apply([
      makeSpec('stubborn', nodeCommand('double-fork.js', pidfile), { stopTimeoutMs: 300 }),
      makeSpec('sleeper', 'exec sleep 30'),
    ]);
    const pids = await daemonized(pidfile);
    const sleeper = supervisor.get('sleeper')!.state;
    if (sleeper.kind !== 'running') throw new Error(`sleeper is ${sleeper.kind}`);
    const ours = [pids.get('main')!, pids.get('daemon')!];
    expect(alivePids(ours)).toEqual(ours);

    if (how === 'dispose') await supervisor.dispose();
    else await supervisor[how]('stubborn');
    expect(alivePids(ours)).toEqual([]);
    expect(alivePids(others)).toEqual(others);
    if (how !== 'dispose') expect(alivePids([sleeper.pid])).toEqual([sleeper.pid]);
    // The daemon ignores SIGTERM: a soft stop ends it with SIGKILL after the timeout.
    if (how === 'stop') expect(logs.text('stubborn')).toContain('1 processes still running after 300 ms (SIGTERM); killed with SIGKILL');
  }, 3 * SLOW_MS);

  it('kills the daemon when the main process exits on its own, as the rest of the tree', async () => {
    const { supervisor, kind } = harness.supervisor();
    const pidfile = join(harness.tempDir(), 'pids');
    await supervisor.apply([makeSpec('stubborn', nodeCommand('double-fork.js', pidfile), { restart: 'never' })]);
    const pids = await daemonized(pidfile);
    process.kill(pids.get('main')!, 'SIGTERM');
    await waitFor(kind('stubborn'), (state) => state === 'exited', { what: 'stubborn exited', timeoutMs: 15_000 });
    expect(alivePids([pids.get('daemon')!])).toEqual([]);
  }, SLOW_MS);
});
