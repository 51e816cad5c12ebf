import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileDurable } from './write-file-durable';

describe('writeFileDurable', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-durable-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes text and bytes, making the folder, and leaves no temporary file', async () => {
    await writeFileDurable(join(dir, 'notes', 'today.md'), '# Today\n');
    await writeFileDurable(join(dir, 'notes', 'today.snapshot'), new Uint8Array([1, 2, 3]));
    expect(await readFile(join(dir, 'notes', 'today.md'), 'utf8')).toBe('# Today\n');
    expect([...(await readFile(join(dir, 'notes', 'today.snapshot')))]).toEqual([1, 2, 3]);
    expect((await readdir(join(dir, 'notes'))).sort()).toEqual(['today.md', 'today.snapshot']);
  });

  it('keeps the old content whole when the new one cannot be written', async () => {
    const folder = join(dir, 'ro');
    await mkdir(folder);
    await writeFile(join(folder, 'status.json'), '{"old":true}');
    await chmod(folder, 0o500);
    try {
      // As root the folder stays writable; a target that is a folder fails the rename instead.
      const target = process.getuid?.() === 0 ? join(dir, 'ro') : join(folder, 'status.json');
      await expect(writeFileDurable(target, '{"new":true}')).rejects.toThrow();
    } finally {
      await chmod(folder, 0o700);
    }
    expect(await readFile(join(folder, 'status.json'), 'utf8')).toBe('{"old":true}');
    expect(await readdir(folder)).toEqual(['status.json']);
  });
});
