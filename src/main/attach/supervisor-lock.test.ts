import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/wait-for';
import { acquireSupervisorLock, isHolderAlive, lockFilePath, readSupervisorLock, type LockInfo } from './supervisor-lock';
import { processStartTime } from '../engine/supervisor/proc-table';

const onLinux = process.platform === 'linux';

describe('supervisor lock', () => {
  let dir: string;
  let stateDir: string;
  let manifestPath: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'supervisor-lock-'));
    stateDir = join(dir, 'state');
    manifestPath = join(dir, 'services.toml');
    await writeFile(manifestPath, '[services.a]\ncommand = "true"\n');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  function startChild(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve(child));
      child.once('error', reject);
    });
  }

  async function writeLock(info: Partial<LockInfo> & { pid: number }): Promise<string> {
    const file = await lockFilePath(manifestPath, stateDir);
    const made = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'test' });
    if (made.ok) await made.lock.release();
    const full: LockInfo = { processStart: null, manifest: manifestPath, url: null, token: null, holder: 'daemon', acquiredAt: 1, ...info };
    await writeFile(file, JSON.stringify(full));
    return file;
  }

  it('is taken when free, holds pid, start time, url and token, and is released', async () => {
    const result = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'daemon', url: 'http://127.0.0.1:7420', token: 'T' });
    if (!result.ok) throw new Error('want the lock');
    expect(result.tookOver).toBeNull();
    const read = await readSupervisorLock(manifestPath, stateDir);
    expect(read).toMatchObject({ pid: process.pid, manifest: manifestPath, url: 'http://127.0.0.1:7420', token: 'T', holder: 'daemon' });
    if (onLinux) expect(read?.processStart).toBe(processStartTime(process.pid));
    await result.lock.release();
    expect(await readSupervisorLock(manifestPath, stateDir)).toBeNull();
    expect(await readdir(join(stateDir, 'locks'))).toEqual([]);
  });

  it('is one lock per manifest, keyed by its real path', async () => {
    const link = join(dir, 'link.toml');
    await symlink(manifestPath, link);
    expect(await lockFilePath(link, stateDir)).toBe(await lockFilePath(manifestPath, stateDir));
    expect(await lockFilePath(join(dir, 'other.toml'), stateDir)).not.toBe(await lockFilePath(manifestPath, stateDir));
    const first = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' });
    const viaLink = await acquireSupervisorLock({ manifestPath: link, stateDir, holder: 'desktop' });
    const other = await acquireSupervisorLock({ manifestPath: join(dir, 'other.toml'), stateDir, holder: 'desktop' });
    expect([first.ok, viaLink.ok, other.ok]).toEqual([true, false, true]);
    if (first.ok) await first.lock.release();
    if (other.ok) await other.lock.release();
  });

  it('is refused while a live process holds it, naming the holder', async () => {
    const child = await startChild();
    await writeLock({ pid: child.pid!, processStart: processStartTime(child.pid!), url: 'http://127.0.0.1:7555', token: 'tok' });
    const result = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' });
    expect(result).toMatchObject({ ok: false, holder: { pid: child.pid, url: 'http://127.0.0.1:7555', token: 'tok' } });
  });

  it('is refused to a second taker in the same process too', async () => {
    const first = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' });
    expect((await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' })).ok).toBe(false);
    if (first.ok) await first.lock.release();
  });

  it('is taken over from a holder that died', async () => {
    const child = await startChild();
    const pid = child.pid!;
    await writeLock({ pid, processStart: processStartTime(pid) });
    child.kill('SIGKILL');
    await waitFor(() => isProcessGone(pid), (gone) => gone, { what: 'the holder to be gone' });
    const result = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' });
    if (!result.ok) throw new Error('want the lock');
    expect(result.tookOver?.pid).toBe(pid);
    expect((await readSupervisorLock(manifestPath, stateDir))?.pid).toBe(process.pid);
    await result.lock.release();
  });

  it.skipIf(!onLinux)('is taken over when the pid was reused by another process (start time differs)', async () => {
    await writeLock({ pid: process.pid, processStart: '1' });
    expect(isHolderAlive({ pid: process.pid, processStart: '1' } as LockInfo)).toBe(false);
    const result = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' });
    expect(result.ok && result.tookOver?.processStart).toBe('1');
    if (result.ok) await result.lock.release();
  });

  it('is taken over when the file is unreadable', async () => {
    const file = await lockFilePath(manifestPath, stateDir);
    await writeLock({ pid: process.pid });
    await writeFile(file, '{ not json');
    const result = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' });
    expect(result.ok).toBe(true);
    if (result.ok) await result.lock.release();
  });

  it('records the url and token a daemon gets after listening, and no longer updates once taken over', async () => {
    const result = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'daemon' });
    if (!result.ok) throw new Error('want the lock');
    await result.lock.update({ url: 'http://127.0.0.1:7777', token: 'secret' });
    expect(await readSupervisorLock(manifestPath, stateDir)).toMatchObject({ url: 'http://127.0.0.1:7777', token: 'secret', pid: process.pid });
    await writeLock({ pid: 1, holder: 'someone else' });
    await expect(result.lock.update({ url: 'http://x' })).rejects.toThrow('no longer ours');
    await result.lock.release();
    expect((await readSupervisorLock(manifestPath, stateDir))?.holder).toBe('someone else');
  });

  it('lets exactly one of many concurrent takers win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    for (const result of results) if (result.ok) await result.lock.release();
  });
});

function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
