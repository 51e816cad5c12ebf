// Issue 15, point 6: state changes reach stderr (the systemd journal), one line each, from the
// real CLI; `--quiet` silences them and stdout keeps its single `listening` line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../shared/model';
import { startDaemonCli, stopDaemonClis, type DaemonCli } from '../../../test/helpers/daemon-cli';
import { waitFor } from '../../../test/helpers/wait-for';
import { fixture, NODE } from '../../../test/fixtures/supervisor-test-kit';
import { transitionLine } from './transition-line';

const dirs: string[] = [];
afterEach(async () => {
  await stopDaemonClis();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function serve(extra: string[]): DaemonCli {
  const dir = mkdtempSync(join(tmpdir(), 'transition-line-'));
  dirs.push(dir);
  const manifest = join(dir, 'services.toml');
  const crash = `'${NODE}' '${fixture('crash-after.js')}' 0 1`;
  writeFileSync(manifest, ['[services.kiosk]', `command = "${crash}"`, 'restart_delay_seconds = 4', ''].join('\n'));
  return startDaemonCli(['serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state'), '--log-dir', join(dir, 'logs'), ...extra]);
}

describe('transitionLine', () => {
  it('is one line: name, from → to, and the first line of the reason', () => {
    expect(transitionLine({ name: 'kiosk' }, { at: 0, from: 'running', to: 'backoff', reason: 'exited with code 1; retry in 4 s' })).toBe(
      'kiosk: running → backoff: exited with code 1; retry in 4 s',
    );
    expect(transitionLine({ name: 'x' }, { at: 0, from: 'running', to: 'failed', reason: 'internal error: boom\n    at f (x.ts:1)' })).toBe(
      'x: running → failed: internal error: boom',
    );
  });
});

describe('showrunner serve on stderr', () => {
  it('prints every state change of a crashing service, one line each', async () => {
    const daemon = serve([]);
    const stderr = await waitFor(daemon.stderr, (text) => text.includes('kiosk: running → backoff:'), { what: 'a backoff line on stderr', timeoutMs: 60_000 });
    expect(stderr).toContain('kiosk: blocked → starting: autostart\n');
    expect(stderr).toMatch(/kiosk: starting → running: started \(pid \d+\)\n/);
    expect(stderr).toContain('kiosk: running → backoff: exited with code 1; retry in 4 s\n');
    const stdout = await waitFor(daemon.stdout, (text) => text.endsWith('\n'), { what: 'the listening line' });
    expect(stdout).toMatch(/^Showrunner listening on http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n$/);
  }, 120_000);

  it('says nothing of state changes with --quiet, and keeps the listening line', async () => {
    const daemon = serve(['--quiet']);
    await waitFor(daemon.stdout, (text) => text.endsWith('\n'), { what: 'the listening line', timeoutMs: 60_000 });
    const kiosk = await waitFor(
      () => daemon.get<{ services: ServiceSnapshot[] }>('/api/services').then((body) => body.services.find((s) => s.name === 'kiosk')),
      (service) => service?.state.kind === 'backoff',
      { what: 'kiosk in backoff', timeoutMs: 60_000 },
    );
    // A slow poll may catch a later round of the loop: its first round is what must be there.
    expect(kiosk?.transitions.map((t) => t.to).slice(0, 3)).toEqual(['starting', 'running', 'backoff']);
    expect(daemon.stderr()).not.toContain('→');
    expect(daemon.stdout()).toMatch(/^Showrunner listening on http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n$/);
  }, 120_000);
});
