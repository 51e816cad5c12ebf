// `mrmd --packages` with a real python3 and pip (issue 20): a wheel lands in the runtime's
// virtual environment; without pip, one clear line and the daemon starts anyway.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';
import { findFreePort } from '../engine/net/find-free-port';
import { findOnPath } from '../engine/mrp/python-interpreter';
import { installPackages } from './mrmd-packages';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mrmd-packages-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const PYTHON = findOnPath('python3');
if (PYTHON === null) throw new Error('these tests need python3 on PATH');

/** A one-module wheel built by hand (a wheel is a zip), so pip needs no index and no build. */
function buildWheel(dir: string): string {
  const wheel = path.join(dir, 'mrmdprobe-0.1-py3-none-any.whl');
  const script = [
    'import sys, zipfile',
    "files = {'mrmdprobe.py': 'VALUE = 42\\n',",
    "  'mrmdprobe-0.1.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: mrmdprobe\\nVersion: 0.1\\n',",
    "  'mrmdprobe-0.1.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}",
    "record = ''.join(name + ',,\\n' for name in files) + 'mrmdprobe-0.1.dist-info/RECORD,,\\n'",
    "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
    '    for name, text in files.items(): z.writestr(name, text)',
    "    z.writestr('mrmdprobe-0.1.dist-info/RECORD', record)",
  ].join('\n');
  execFileSync(PYTHON!, ['-c', script, wheel]);
  return wheel;
}

describe('installPackages', () => {
  it('installs into the runtime environment (VIRTUAL_ENV) with pip', async () => {
    const dir = tempDir();
    const venv = path.join(dir, 'venv');
    execFileSync(PYTHON!, ['-m', 'venv', venv], { timeout: 240_000 });
    const wheel = buildWheel(dir);
    const said: string[] = [];
    const env = { ...process.env, VIRTUAL_ENV: venv, PIP_NO_INDEX: '1' };
    expect(await installPackages(wheel, { env, say: (line) => said.push(line) })).toBe(true);
    expect(said).toEqual([`mrmd: installing ${wheel} into ${path.join(venv, 'bin', 'python3')} with pip`]);
    expect(execFileSync(path.join(venv, 'bin', 'python3'), ['-c', 'import mrmdprobe; print(mrmdprobe.VALUE)'], { encoding: 'utf8' })).toBe('42\n');
  }, 300_000);

  it('says in one line when the environment has no pip, and mrmd starts anyway', async () => {
    const dir = tempDir();
    const venv = path.join(dir, 'bare');
    execFileSync(PYTHON!, ['-m', 'venv', '--without-pip', venv], { timeout: 120_000 });
    const [port, syncPort, runtimePort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const mrmd = runCliProcess(
      ['mrmd', '--docs', path.join(dir, 'docs'), '--port', String(port), '--sync-port', String(syncPort), '--runtime-port', String(runtimePort),
        '--no-monitors', '--no-editor', '--packages', 'numpy,pandas', '--state-dir', path.join(dir, 'state'), '--log-dir', path.join(dir, 'logs')],
      { env: { VIRTUAL_ENV: venv } },
    );
    const output = await waitFor(mrmd.output, (text) => /http:\/\/127\.0\.0\.1:\d+/.test(text), { what: 'listening line', timeoutMs: 60_000 });
    expect(output).toContain(`mrmd: --packages: pip is not available for ${path.join(venv, 'bin', 'python3')}; not installing numpy, pandas`);
    expect(output.match(/--packages/g)).toHaveLength(1);
    mrmd.child.kill('SIGTERM');
    expect(await mrmd.exited).toBe(0);
  }, 180_000);
});
