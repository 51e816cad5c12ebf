// Retention under the crash loop of issue 16: a loop every few seconds used to delete its own
// history in a minute (20 files kept). Size and age now bound it, and the run's first file stays.
import { mkdtemp, readdir, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStamp, LogFileWriter } from './log-file-writer';

const AT = Date.UTC(2026, 0, 31, 12, 0, 0);

describe('log retention', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-retention-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the first failure of a crash loop and stays under the size limit', async () => {
    const writer = new LogFileWriter({ dir: join(dir, 'api'), name: 'api', maxTotalBytes: 4000, onError: (error) => expect.fail(error.message) });
    writer.beginLaunch(AT);
    writer.write('stderr', Buffer.from('FIRST FAILURE: cannot open /dev/video0\n'), AT);
    // 200 restarts three seconds apart, each with 100 bytes of output: 20 kB against 4 kB kept.
    for (let launch = 1; launch <= 200; launch++) {
      const at = AT + launch * 3000;
      writer.beginLaunch(at, { restart: true });
      writer.write('stderr', Buffer.from(`launch ${launch} ${'x'.repeat(80)}\n`), at);
    }
    await writer.close();
    const files = (await readdir(join(dir, 'api'))).sort();
    expect(files[0]).toBe(`api-${fileStamp(AT)}.log`);
    expect(await readFile(join(dir, 'api', files[0]), 'utf8')).toContain('FIRST FAILURE');
    expect(files.at(-1)).toBe(`api-${fileStamp(AT + 200 * 3000)}.log`);
    // More than 20 files: the count is no longer the limit, the bytes are.
    expect(files.length).toBeGreaterThan(20);
    expect(files.length).toBeLessThan(40);
  });

  it('deletes files older than the age limit and keeps newer ones', async () => {
    const folder = join(dir, 'api');
    await mkdir(folder);
    const old = join(folder, `api-${fileStamp(AT - 20 * 86_400_000)}.log`);
    const recent = join(folder, `api-${fileStamp(AT - 86_400_000)}.log`);
    await writeFile(old, 'old\n');
    await writeFile(recent, 'recent\n');
    const twentyDaysAgo = (Date.now() - 20 * 86_400_000) / 1000;
    await utimes(old, twentyDaysAgo, twentyDaysAgo);
    const writer = new LogFileWriter({ dir: folder, name: 'api', maxAgeMs: 14 * 86_400_000, onError: (error) => expect.fail(error.message) });
    writer.beginLaunch(AT);
    writer.write('stdout', Buffer.from('now\n'), AT);
    await writer.close();
    expect((await readdir(folder)).sort()).toEqual([`api-${fileStamp(AT - 86_400_000)}.log`, `api-${fileStamp(AT)}.log`]);
  });
});
