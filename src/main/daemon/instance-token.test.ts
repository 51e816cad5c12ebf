// The lasting token: made once per instance key, kept 0600, reused, overridden, rotated.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instanceToken, instanceTokenPath } from './instance-token';

describe('instanceToken', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'instance-token-'));
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it('makes a token once, stores it 0600 and returns the same one next time', async () => {
    const first = await instanceToken({ stateDir, key: 'aaaa' });
    expect(first.source).toBe('new');
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect((await stat(instanceTokenPath(stateDir, 'aaaa'))).mode & 0o777).toBe(0o600);
    expect(await instanceToken({ stateDir, key: 'aaaa' })).toEqual({ token: first.token, source: 'stored' });
  });

  it('keeps one token per instance key', async () => {
    const a = await instanceToken({ stateDir, key: 'aaaa' });
    const b = await instanceToken({ stateDir, key: 'bbbb' });
    expect(a.token).not.toBe(b.token);
  });

  it('lets --token and then SHOWRUNNER_TOKEN override the stored one without replacing it', async () => {
    const stored = await instanceToken({ stateDir, key: 'aaaa' });
    expect(await instanceToken({ stateDir, key: 'aaaa', given: 'from-flag', fromEnv: 'from-env' })).toEqual({ token: 'from-flag', source: 'flag' });
    expect(await instanceToken({ stateDir, key: 'aaaa', fromEnv: 'from-env' })).toEqual({ token: 'from-env', source: 'env' });
    expect((await readFile(instanceTokenPath(stateDir, 'aaaa'), 'utf8')).trim()).toBe(stored.token);
  });

  it('rotates with --new-token and keeps the new one', async () => {
    const old = await instanceToken({ stateDir, key: 'aaaa' });
    const rotated = await instanceToken({ stateDir, key: 'aaaa', rotate: true });
    expect(rotated.source).toBe('new');
    expect(rotated.token).not.toBe(old.token);
    expect((await instanceToken({ stateDir, key: 'aaaa' })).token).toBe(rotated.token);
  });

  it('replaces a stored file that is empty or cut short', async () => {
    await instanceToken({ stateDir, key: 'aaaa' });
    await writeFile(instanceTokenPath(stateDir, 'aaaa'), 'short\n');
    const next = await instanceToken({ stateDir, key: 'aaaa' });
    expect(next.source).toBe('new');
    expect(next.token).not.toBe('short');
  });
});
