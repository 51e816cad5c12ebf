// scripts/fetch-mrmd-editor.mjs (issue 24) as a real process: it extracts mrmd-electron's
// bundle, licence and fonts from the pinned tarball, does nothing when they are there, refuses
// a tarball that fails the integrity check, and offline fails with one line (or, --optional,
// carries on).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli-argv';

const script = join(repoRoot, 'scripts', 'fetch-mrmd-editor.mjs');
// `npm test` runs the script first, which leaves the tarball here.
const cachedTarball = join(repoRoot, 'node_modules', '.cache', 'mrmd-editor', 'mrmd-electron-0.5.4.tgz');

describe('fetch-mrmd-editor', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fetch-mrmd-editor-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function run(env: Record<string, string>, args: string[] = []) {
    const result = spawnSync(process.execPath, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
    return { code: result.status, stderr: result.stderr, stdout: result.stdout };
  }

  it('extracts the bundle, its licence and fonts from the pinned tarball, once', async () => {
    expect(existsSync(cachedTarball), `${cachedTarball} (run node scripts/fetch-mrmd-editor.mjs)`).toBe(true);
    const vendor = join(dir, 'vendor');
    const first = run({ MRMD_EDITOR_TARBALL: cachedTarball, MRMD_EDITOR_DIR: vendor });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^showrunner: mrmd editor mrmd-electron@0\.5\.4 \(MIT\) fetched into /);
    expect((await readFile(join(vendor, 'mrmd.iife.js'), 'utf8')).startsWith('var mrmd = (function (exports) {')).toBe(true);
    expect(await readFile(join(vendor, 'LICENSE'), 'utf8')).toContain('MIT License');
    for (const font of ['MonaspaceNeon-Variable.woff2', 'Literata-Variable.ttf', 'Literata-Italic-Variable.ttf']) expect(existsSync(join(vendor, 'assets', 'fonts', font)), font).toBe(true);
    // Nothing else of the package (its Electron app, main.js, preload) comes along.
    expect(existsSync(join(vendor, 'main.js'))).toBe(false);
    const again = run({ MRMD_EDITOR_TARBALL: join(dir, 'absent.tgz'), MRMD_EDITOR_DIR: vendor });
    expect([again.code, again.stderr]).toEqual([0, '']);
  });

  it('refuses a tarball that fails the pinned integrity, and writes nothing', async () => {
    const tampered = join(dir, 'tampered.tgz');
    await copyFile(cachedTarball, tampered);
    const bytes = await readFile(tampered);
    bytes[bytes.length - 100] ^= 0xff;
    await writeFile(tampered, bytes);
    const result = run({ MRMD_EDITOR_TARBALL: tampered, MRMD_EDITOR_DIR: join(dir, 'tampered-vendor') });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('expected the pinned sha512-jFRTxW');
    expect(existsSync(join(dir, 'tampered-vendor'))).toBe(false);
  });

  it('offline, fails with one clear line; --optional carries on', () => {
    const env = {
      MRMD_EDITOR_DIR: join(dir, 'offline-vendor'),
      MRMD_EDITOR_CACHE: join(dir, 'offline-cache'),
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: join(dir, 'npm-cache'),
      npm_config_fetch_retries: '0',
      npm_config_offline: 'false',
    };
    const result = run(env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^showrunner: cannot get the mrmd editor: npm pack mrmd-electron@0\.5\.4 failed \(.*ECONNREFUSED.*\); connect once or set MRMD_EDITOR_TARBALL=/);
    const optional = run(env, ['--optional']);
    expect(optional.code).toBe(0);
    expect(optional.stderr).toContain('continuing without it');
  });
});
