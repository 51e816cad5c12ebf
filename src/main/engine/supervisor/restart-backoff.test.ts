import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { makeSpec, nodeCommand, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import { RestartBackoff } from './restart-backoff';

const harness = supervisorHarness();
const settings = { restartDelayMs: 100, maxRestartDelayMs: 1000, maxRestarts: 5, restartWindowMs: 60_000 };

describe('RestartBackoff', () => {
  it('doubles the delay per crash with at most 10 % jitter, up to the cap', () => {
    const none = new RestartBackoff(settings, () => 0);
    expect([1, 2, 3, 4, 5].map(() => none.next(10))).toEqual([
      { kind: 'retry', delayMs: 100, attempt: 1 },
      { kind: 'retry', delayMs: 200, attempt: 2 },
      { kind: 'retry', delayMs: 400, attempt: 3 },
      { kind: 'retry', delayMs: 800, attempt: 4 },
      { kind: 'retry', delayMs: 1000, attempt: 5 },
    ]);
    const most = new RestartBackoff(settings, () => 0.999);
    expect(most.next(10)).toMatchObject({ delayMs: 110 });
  });

  it('gives up after maxRestarts crashes in a row, however long the delays were', () => {
    const backoff = new RestartBackoff({ ...settings, maxRestartDelayMs: 3_600_000, maxRestarts: 2 }, () => 0);
    expect(backoff.next(5).kind).toBe('retry');
    expect(backoff.next(5).kind).toBe('retry');
    expect(backoff.next(5)).toEqual({ kind: 'give-up', restarts: 2, windowMs: 60_000 });
  });

  it('starts over after a run that stayed up for the whole window, and after a manual start', () => {
    const backoff = new RestartBackoff(settings, () => 0);
    backoff.next(5);
    backoff.next(5);
    expect(backoff.next(60_000)).toEqual({ kind: 'retry', delayMs: 100, attempt: 1 });
    backoff.next(5);
    backoff.reset();
    expect(backoff.next(5)).toMatchObject({ attempt: 1 });
  });
});

describe('restart policy', () => {
  it('restarts a crashing service with growing delays, then marks it failed, and a manual start clears that', async () => {
    const { supervisor, logs, transitions } = harness.supervisor();
    await supervisor.apply([makeSpec('crasher', nodeCommand('crash-after.js', 0, 3), { restartDelayMs: 40, maxRestarts: 3 })]);
    const failed = await waitFor(() => supervisor.get('crasher')!, (s) => s.state.kind === 'failed', { what: 'failed' });
    expect(failed.state).toEqual({ kind: 'failed', reason: 'crash loop: exited with code 3 after 3 restarts, none stayed up 60 s', restarts: 3, windowMs: 60_000 });
    expect(failed.restarts).toBe(3);
    expect(logs.launches.get('crasher')).toBe(4);
    const delays = transitions()
      .filter((line) => line.startsWith('crasher backoff:'))
      .map((line) => Number(/in (\d+) ms$/.exec(line)![1]));
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(40);
    expect(delays[1]).toBeGreaterThanOrEqual(80);
    expect(delays[2]).toBeGreaterThanOrEqual(160);
    expect(delays[2]).toBeLessThanOrEqual(176);

    const again = await supervisor.start('crasher');
    expect(again.state.kind).not.toBe('failed');
    expect(logs.launches.get('crasher')).toBe(5);
  });

  it('lets a stop during backoff win over the pending restart', async () => {
    const { supervisor, logs } = harness.supervisor();
    await supervisor.apply([makeSpec('crasher', nodeCommand('crash-after.js', 0, 1), { restartDelayMs: 300 })]);
    const backoff = await waitFor(() => supervisor.get('crasher')!.state, (state) => state.kind === 'backoff', { what: 'backoff' });
    const stopped = await supervisor.stop('crasher');
    expect(stopped.state).toMatchObject({ kind: 'exited', code: 1 });
    expect(stopped.transitions.at(-1)?.reason).toBe('stopped by operator');
    // Gate on the clock passing the retry time: the cancelled timer must not have launched anything.
    await waitFor(() => Date.now(), (now) => backoff.kind === 'backoff' && now > backoff.nextTryAt + 150, { what: 'retry time passed' });
    expect(logs.launches.get('crasher')).toBe(1);
    expect(supervisor.get('crasher')!.state.kind).toBe('exited');
  });

  it('leaves a service with restart = never exited after a failure', async () => {
    const { supervisor } = harness.supervisor();
    await supervisor.apply([makeSpec('once', nodeCommand('crash-after.js', 0, 2), { restart: 'never' })]);
    const done = await waitFor(() => supervisor.get('once')!, (s) => s.state.kind === 'exited', { what: 'exited' });
    expect(done.state).toMatchObject({ code: 2, signal: null });
    expect(done.transitions.at(-1)?.reason).toBe('exited with code 2 (restart = never)');
  });

  it('restarts a service with restart = always even after a clean exit', async () => {
    const { supervisor, logs } = harness.supervisor();
    await supervisor.apply([makeSpec('loop', 'exit 0', { restart: 'always', restartDelayMs: 20 })]);
    await waitFor(() => logs.launches.get('loop') ?? 0, (count) => count >= 3, { what: 'three launches' });
    await supervisor.stop('loop');
  });

  it('treats a command that cannot start as a crash with the reason in the log', async () => {
    const { supervisor, logs } = harness.supervisor();
    await supervisor.apply([makeSpec('nowhere', 'exec sleep 30', { workingDir: '/nonexistent/dir', maxRestarts: 1, restartDelayMs: 10 })]);
    const failed = await waitFor(() => supervisor.get('nowhere')!, (s) => s.state.kind === 'failed', { what: 'failed' });
    expect(failed.state).toMatchObject({ reason: expect.stringContaining('working_dir /nonexistent/dir does not exist') });
    expect(logs.text('nowhere', 'system')).toContain('working_dir /nonexistent/dir does not exist');
  });
});
