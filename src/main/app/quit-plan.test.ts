import { describe, expect, it } from 'vitest';
import { exited, failed, running, serviceSnapshot } from '../../../test/fixtures/service-snapshots';
import { planQuit, quitProgressHtml, runQuit, type QuitHooks } from './quit-plan';

describe('planQuit', () => {
  it('stops the active services and says how many', () => {
    const plan = planQuit([serviceSnapshot('a', running()), serviceSnapshot('b', { kind: 'starting' }), serviceSnapshot('c', exited(0)), serviceSnapshot('d', failed())]);
    expect(plan).toEqual({ mode: 'stop-services', stopping: 2, message: 'Stopping 2 services…', showProgressWindow: true });
    expect(planQuit([serviceSnapshot('a', running())]).message).toBe('Stopping 1 service…');
  });

  it('quits without a progress window when nothing runs', () => {
    expect(planQuit([serviceSnapshot('c', exited(0))])).toMatchObject({ stopping: 0, message: 'Quitting…', showProgressWindow: false });
  });

  it('only detaches when attached to a daemon, whose services keep running', () => {
    expect(planQuit([serviceSnapshot('a', running())], { attached: true })).toMatchObject({ mode: 'detach', stopping: 0, showProgressWindow: false });
  });
});

describe('runQuit', () => {
  function recorder(closeEngine: () => Promise<void>) {
    const steps: string[] = [];
    const hooks: QuitHooks = {
      showProgress: (message) => steps.push(`progress ${message}`),
      closeEngine: async () => {
        steps.push('close engine');
        await closeEngine();
      },
      releaseLock: async () => void steps.push('release lock'),
      cleanup: () => steps.push('cleanup'),
      exit: (code) => steps.push(`exit ${code}`),
      log: (line) => steps.push(`log ${line.split('\n')[0]}`),
    };
    return { steps, hooks };
  }

  it('shows progress, stops everything, releases the lock, cleans up, then exits', async () => {
    const { steps, hooks } = recorder(async () => {});
    const code = await runQuit(planQuit([serviceSnapshot('a', running())]), hooks);
    expect(code).toBe(0);
    expect(steps).toEqual(['progress Stopping 1 service…', 'close engine', 'release lock', 'cleanup', 'exit 0']);
  });

  it('still releases the lock and exits, with code 1, when stopping fails', async () => {
    const { steps, hooks } = recorder(async () => {
      throw new Error('stop timed out');
    });
    expect(await runQuit(planQuit([]), hooks)).toBe(1);
    expect(steps.slice(-4)).toEqual(['log quit: stopping services failed: Error: stop timed out', 'release lock', 'cleanup', 'exit 1']);
  });
});

describe('quitProgressHtml', () => {
  it('escapes the message and allows no script', () => {
    const html = quitProgressHtml('Stopping <b>2</b> services…');
    expect(html).toContain('Stopping &#60;b&#62;2&#60;/b&#62; services…');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script');
  });
});
