import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { fileStamp, LogFileWriter } from './log-file-writer';

const AT = Date.UTC(2026, 0, 31, 12, 0, 0);

describe('LogFileWriter', () => {
  let dir: string;
  const writers: LogFileWriter[] = [];
  const errors: Error[] = [];
  const make = (options: Partial<ConstructorParameters<typeof LogFileWriter>[0]> = {}): LogFileWriter => {
    const writer = new LogFileWriter({ dir: join(dir, 'api'), name: 'api', onError: (error) => errors.push(error), ...options });
    writers.push(writer);
    return writer;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-log-files-'));
    errors.length = 0;
  });
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((writer) => writer.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('names files by the launch time in UTC', () => {
    expect(fileStamp(Date.UTC(2026, 0, 31, 12, 34, 56, 789))).toBe('20260131-123456');
    expect(fileStamp(Date.UTC(2025, 11, 1, 3, 4, 5))).toBe('20251201-030405');
  });

  it('writes each line with its UTC time and stream, holding partial lines per stream', async () => {
    const writer = make();
    writer.beginLaunch(AT);
    writer.write('stdout', Buffer.from('hello\nwor'), AT);
    writer.write('stderr', Buffer.from('oops\n'), AT + 1);
    writer.write('stdout', Buffer.from('ld\n\x1b[32mgreen\x1b[0m\n'), AT + 2);
    await writer.close();
    expect(await readFile(join(dir, 'api', 'api-20260131-120000.log'), 'utf8')).toBe(
      '2026-01-31T12:00:00.000Z [stdout] hello\n' +
        '2026-01-31T12:00:00.001Z [stderr] oops\n' +
        '2026-01-31T12:00:00.000Z [stdout] world\n' +
        '2026-01-31T12:00:00.002Z [stdout] \x1b[32mgreen\x1b[0m\n',
    );
  });

  it('ends a partial line when the next launch begins, and starts a new file', async () => {
    const writer = make();
    writer.beginLaunch(AT);
    writer.write('stdout', Buffer.from('no newline'), AT);
    writer.beginLaunch(AT + 5000);
    writer.write('stdout', Buffer.from('second run\n'), AT + 5000);
    await writer.close();
    expect(await readdir(join(dir, 'api'))).toEqual(['api-20260131-120000.log', 'api-20260131-120005.log']);
    expect(await readFile(join(dir, 'api', 'api-20260131-120000.log'), 'utf8')).toBe('2026-01-31T12:00:00.000Z [stdout] no newline\n');
    expect(await readFile(join(dir, 'api', 'api-20260131-120005.log'), 'utf8')).toBe('2026-01-31T12:00:05.000Z [stdout] second run\n');
  });

  it('flushes an idle partial line but keeps back a character still missing bytes', async () => {
    const writer = make();
    writer.write('stdout', Buffer.from([0x61, 0x3e, 0x20, 0xc3]), AT);
    expect(writer.flushIdle(AT + 10, 100)).toBe(true);
    expect(writer.flushIdle(AT + 100, 100)).toBe(true);
    writer.write('stdout', Buffer.from([0xa9, 0x0a]), AT + 200);
    await writer.close();
    expect(await readFile(join(dir, 'api', 'api-20260131-120000.log'), 'utf8')).toBe(
      '2026-01-31T12:00:00.000Z [stdout] a> \n2026-01-31T12:00:00.000Z [stdout] é\n',
    );
  });

  it('rotates to .log.1, .log.2 past maxFileBytes and keeps only maxFiles files, the first one among them', async () => {
    const writer = make({ maxFileBytes: 300, maxFiles: 3 });
    writer.beginLaunch(AT);
    for (let i = 0; i <= 40; i++) writer.write('stdout', Buffer.from(`line ${i}\n`), AT);
    await writer.close();
    const files = await readdir(join(dir, 'api'));
    // 8 lines of 41–42 bytes cross 300, so lines 32–39 fill `.log.4` and line 40 opens `.log.5`.
    // The run's first file stays (its start, where a failure explains itself); the middle goes.
    expect(files.sort()).toEqual(['api-20260131-120000.log', 'api-20260131-120000.log.4', 'api-20260131-120000.log.5']);
    const newest = await readFile(join(dir, 'api', 'api-20260131-120000.log.5'), 'utf8');
    expect(newest).toBe('2026-01-31T12:00:00.000Z [stdout] line 40\n');
    for (const file of files) expect((await stat(join(dir, 'api', file))).size).toBeLessThan(300 + 42);
  });

  it('deletes the oldest launches first when the bytes per process exceed the limit', async () => {
    const writer = make({ maxTotalBytes: 1000, maxFiles: 100 });
    for (let launch = 0; launch < 6; launch++) {
      writer.beginLaunch(AT + launch * 1000);
      writer.write('stdout', Buffer.from('x'.repeat(300) + '\n'), AT + launch * 1000);
    }
    await writer.close();
    // Six files of 335 bytes; three would be 1005, over the limit.
    expect((await readdir(join(dir, 'api'))).sort()).toEqual(['api-20260131-120004.log', 'api-20260131-120005.log']);
  });

  it('counts both launches of a file two launches in one second share', async () => {
    const writer = make({ maxTotalBytes: 1000, maxFiles: 100 });
    for (let launch = 0; launch < 6; launch++) {
      // Two launches per second: three files of two launches (670 bytes) each.
      const at = AT + Math.floor(launch / 2) * 1000 + (launch % 2) * 400;
      writer.beginLaunch(at);
      writer.write('stdout', Buffer.from('x'.repeat(300) + '\n'), at);
    }
    await writer.close();
    const names = (await readdir(join(dir, 'api'))).sort();
    expect(names).toEqual(['api-20260131-120002.log']);
    expect((await stat(join(dir, 'api', names[0]))).size).toBe(670);
  });

  it('leaves files of other processes alone', async () => {
    const other = new LogFileWriter({ dir: join(dir, 'api'), name: 'api-worker', onError: (error) => errors.push(error) });
    writers.push(other);
    other.write('stdout', Buffer.from('keep me\n'), AT - 60_000);
    await other.close();
    const writer = make({ maxFiles: 1 });
    writer.beginLaunch(AT);
    writer.beginLaunch(AT + 1000);
    await writer.close();
    await waitFor(() => readdir(join(dir, 'api')), (files) => files.length === 2, { what: 'one api file and the worker file' });
    expect((await readdir(join(dir, 'api'))).sort()).toEqual(['api-20260131-120001.log', 'api-worker-20260131-115900.log']);
  });

  it('passes any bytes through unchanged, valid UTF-8 or not', async () => {
    const writer = make();
    const raw = Buffer.from([...Array.from({ length: 256 }, (_, byte) => byte).filter((byte) => byte !== 10), 10]);
    writer.write('stdout', Buffer.concat([raw, raw.subarray(0, 100)]), AT);
    writer.write('stdout', raw.subarray(100), AT);
    await writer.close();
    const prefix = Buffer.from('2026-01-31T12:00:00.000Z [stdout] ');
    expect(await readFile(join(dir, 'api', 'api-20260131-120000.log'))).toEqual(Buffer.concat([prefix, raw, prefix, raw]));
  });

  it('also deletes files an earlier run left, oldest first', async () => {
    await mkdir(join(dir, 'api'), { recursive: true });
    for (const name of ['api-20250101-000000.log', 'api-20250101-000000.log.1', 'api-20250102-000000.log', 'api-20250103-000000.log', 'notes.txt']) {
      await writeFile(join(dir, 'api', name), 'old\n');
    }
    const writer = make({ maxFiles: 3 });
    writer.beginLaunch(AT);
    await writer.close();
    expect((await readdir(join(dir, 'api'))).sort()).toEqual(['api-20250102-000000.log', 'api-20250103-000000.log', 'api-20260131-120000.log', 'notes.txt']);
  });

  it('reports once and writes nothing when the folder cannot be created', async () => {
    const blocker = join(dir, 'file');
    await rm(blocker, { force: true });
    await writeFile(blocker, 'not a folder');
    const writer = make({ dir: join(blocker, 'api') });
    writer.beginLaunch(AT);
    writer.write('stdout', Buffer.from('lost\n'), AT);
    writer.write('stdout', Buffer.from('lost too\n'), AT);
    await writer.close();
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/ENOTDIR|EEXIST/);
    expect(writer.path).toBeNull();
  });
});
