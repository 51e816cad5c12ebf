import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { daemonized, SLOW_MS, makeSpec, nodeCommand, readPidFile, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import { StateFile } from './state-file';
import { TreeSampler } from './tree-sampler';

const harness = supervisorHarness();

describe('stats', () => {
  it('sums RSS and counts every process of the tree, grandchildren outside the group included', async () => {
    const { supervisor, events } = harness.supervisor({ statsIntervalMs: 50 });
    const pidfile = join(harness.tempDir(), 'pids');
    await supervisor.apply([makeSpec('stubborn', nodeCommand('ignore-sigterm-with-grandchildren.js', pidfile), { stopTimeoutMs: 100 })]);
    await waitFor(() => readPidFile(pidfile), (map) => map.size === 3, { what: 'three pids written' });
    const stats = await waitFor(() => supervisor.get('stubborn')!.stats, (value) => value?.processCount === 3, { what: 'a tree of three' });
    // Three node processes: each well above a megabyte resident.
    expect(stats!.rssBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(events.some(({ snapshot, transition }) => transition === null && snapshot.stats !== null)).toBe(true);
    const stopped = await supervisor.stop('stubborn');
    expect(stopped.stats).toBeNull();
  });

  it('counts a helper that double-forked away from the tree, found by its launch marker, and records it', async () => {
    const { supervisor, stateDir } = harness.supervisor({ statsIntervalMs: 50 });
    const pidfile = join(harness.tempDir(), 'pids');
    await supervisor.apply([makeSpec('forking', nodeCommand('double-fork.js', pidfile), { stopTimeoutMs: 100 })]);
    const pids = await daemonized(pidfile);
    await waitFor(() => supervisor.get('forking')!.stats, (value) => value?.processCount === 2, { what: 'main and daemon counted', timeoutMs: 15_000 });
    const recorded = await waitFor(
      () => StateFile.forInstance(stateDir, 'test').read()?.services.forking?.members.map((ref) => ref.pid),
      (members) => !!members?.includes(pids.get('daemon')!),
      { what: 'the daemon recorded as a member', timeoutMs: 15_000 },
    );
    expect(recorded).toEqual([pids.get('daemon')]);
  }, 2 * SLOW_MS);

  it('measures the CPU a busy process uses between two samples', async () => {
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    harness.cleanup(() => {
      busy.kill('SIGKILL');
    });
    const sampler = new TreeSampler();
    const tree = { name: 'busy', rootPid: busy.pid!, known: [] };
    expect((await sampler.sample([tree])).get('busy')!.stats.cpuPercent).toBe(0);
    const started = Date.now();
    await waitFor(() => Date.now() - started, (elapsed) => elapsed >= 200, { what: 'some time to pass' });
    const second = (await sampler.sample([tree])).get('busy')!;
    expect(second.stats.cpuPercent).toBeGreaterThan(0);
    expect(second.stats.processCount).toBe(1);
  });
});
