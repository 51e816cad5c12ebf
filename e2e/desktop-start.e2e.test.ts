// Issue 16: `npm start` finds the Electron binary the way electron-vite looks for it, turns the
// `electron` package's ELECTRON_OVERRIDE_DIST_PATH into electron-vite's ELECTRON_EXEC_PATH, and
// offline fails with one line saying what to set (no stack trace). Runs the real script and
// the real `electron` install step, pointed at a mirror that refuses connections.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { repoRoot } from './helpers/daemon-process';
import { findElectronBinary } from './helpers/electron-binary';

const script = join(repoRoot, 'scripts', 'electron-vite.mjs');
const run = (env: NodeJS.ProcessEnv, args = ['preview', '--skipBuild']) =>
  promisify(execFile)(process.execPath, [script, ...args], { cwd: repoRoot, env: { ...process.env, ELECTRON_EXEC_PATH: '', ELECTRON_OVERRIDE_DIST_PATH: '', ...env }, timeout: 120_000 }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('npm start: finding the Electron binary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-start-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hands ELECTRON_OVERRIDE_DIST_PATH to electron-vite, which starts that binary', async () => {
    // A stand-in binary: records that electron-vite ran it, with which arguments.
    const marker = join(dir, 'ran');
    await writeFile(join(dir, 'electron'), `#!/bin/sh\necho "$@" > '${marker}'\n`);
    await chmod(join(dir, 'electron'), 0o755);
    const result = await run({ ELECTRON_OVERRIDE_DIST_PATH: dir });
    expect(result.code).toBe(0);
    expect(await readFile(marker, 'utf8')).toContain('.');
  });

  it('names a missing ELECTRON_EXEC_PATH in one line', async () => {
    const result = await run({ ELECTRON_EXEC_PATH: join(dir, 'nope') });
    expect(result).toMatchObject({ code: 1, stderr: `showrunner: ELECTRON_EXEC_PATH=${join(dir, 'nope')} does not exist; point it at an Electron 45 binary\n` });
  });

  // Only where the binary was never downloaded (as on a fresh `npm ci`): else nothing to fetch.
  it.skipIf('path' in findElectronBinary())('offline, fails in one line that says what to set, without a stack trace', async () => {
    const refused = `http://127.0.0.1:${await findFreePort()}/`;
    const result = await run({ ELECTRON_MIRROR: refused, electron_config_cache: join(dir, 'cache') });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('downloading the Electron binary');
    expect(lines[1]).toMatch(/^showrunner: the Electron binary is not installed and could not be downloaded \(.+\); set ELECTRON_EXEC_PATH=/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
