// Issue 15, point 5: device globs were regexes, and a crafted one (`a*a*a*…b` against a long
// name) backtracked for seconds per name and froze `/health`. GlobMatcher must mean what the
// regex meant, and do bounded work.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { waitFor } from '../../../../test/helpers/wait-for';
import { createOrchestrator, type Orchestrator } from '../orchestrator';
import { GlobMatcher } from './glob-matcher';

/** The matcher this replaces, kept as the oracle for its semantics. */
function oldGlobRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[' && glob.indexOf(']', i + 2) > 0) {
      const end = glob.indexOf(']', i + 2);
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

describe('GlobMatcher', () => {
  it('matches the usual device globs', () => {
    expect(new GlobMatcher('gradi-cam*').matches('gradi-cam2')).toBe(true);
    expect(new GlobMatcher('gradi-cam*').matches('gradi-ca')).toBe(false);
    expect(new GlobMatcher('ttyUSB?').matches('ttyUSB0')).toBe(true);
    expect(new GlobMatcher('ttyUSB?').matches('ttyUSB10')).toBe(false);
    expect(new GlobMatcher('video[0-3]').matches('video2')).toBe(true);
    expect(new GlobMatcher('video[!0-3]').matches('video2')).toBe(false);
    expect(new GlobMatcher('usb-*Arduino*').matches('usb-2341_Arduino_Uno-if00')).toBe(true);
    expect(new GlobMatcher('cam[').matches('cam[')).toBe(true);
  });

  it('means what the old regex meant, on small globs and names', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '*', '?', '[', ']', '!', '^', '\\', '.', '0');
    const glob = fc.array(alphabet, { maxLength: 8 }).map((chars) => chars.join(''));
    const name = fc.array(fc.constantFrom('a', 'b', '-', '*', '?', '[', ']', '!', '^', '\\', '.', '0'), { maxLength: 8 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(glob, name, (g, n) => {
        let oracle: RegExp;
        try {
          oracle = oldGlobRegex(g);
        } catch {
          return true; // a reversed range was an invalid regex before; now it matches nothing
        }
        expect(new GlobMatcher(g).matches(n)).toBe(oracle.test(n));
      }),
      { numRuns: 20_000 },
    );
  });

  it('does at most (atoms + 1) × (name + 1) steps on a crafted worst case', () => {
    const glob = `${'a*'.repeat(40)}b`;
    const name = 'a'.repeat(4096);
    const steps = { count: 0 };
    expect(new GlobMatcher(glob).matches(name, steps)).toBe(false);
    expect(steps.count).toBeLessThanOrEqual((81 + 1) * (name.length + 1));
  });
});

describe('a crafted device glob in a manifest', () => {
  let dir: string | null = null;
  let orchestrator: Orchestrator | null = null;
  afterEach(async () => {
    await orchestrator?.close();
    orchestrator = null;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('leaves the service blocked on the device and the engine answering', async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-glob-'));
    const devRoot = join(dir, 'dev');
    await mkdir(devRoot);
    // 200 names the glob nearly matches: each one cost the regex O(n^k) backtracking.
    for (let i = 0; i < 200; i++) await writeFile(join(devRoot, `${'a'.repeat(200)}${i}`), '');
    const file = join(dir, 'services.toml');
    await writeFile(file, `[services.cam]\ncommand = "sleep 30"\nrequires_devices = ["/dev/${'a*'.repeat(12)}b"]\n`);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: devRoot, statsIntervalMs: 0, cliArgv: sourceCliArgv });
    const service = await waitFor(() => orchestrator!.snapshot().services.find((s) => s.name === 'cam'), (s) => s?.state.kind === 'blocked', { what: 'cam blocked', timeoutMs: 30_000 });
    expect(service?.state).toMatchObject({ kind: 'blocked', waitingOn: { devices: [`/dev/${'a*'.repeat(12)}b`] } });
    expect((await orchestrator.call('devices.list', {})).ok).toBe(true);
  });
});
