import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputReader } from './output-reader';

const runs = process.platform === 'win32' ? it.skip : it;

describe('OutputReader', () => {
  runs('hands over every byte of a large output in order, though it reuses one buffer', async () => {
    const copies: Buffer[] = [];
    const reader = await OutputReader.open((data) => copies.push(Buffer.from(data)), { bufferBytes: 64 * 1024 });
    expect(reader).not.toBeNull();
    // 3 MB of numbered lines, written faster than one buffer takes them.
    const script = "let s = ''; for (let i = 0; i < 150000; i++) s += 'line ' + String(i).padStart(9, '0') + '\\n'; process.stdout.write(s);";
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', reader!.childEnd, 'inherit'] });
    reader!.releaseChildEnd();
    await reader!.closed;
    const got = Buffer.concat(copies);
    let expected = '';
    for (let i = 0; i < 150000; i++) expected += `line ${String(i).padStart(9, '0')}\n`;
    expect(got.length).toBe(expected.length);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(copies.length).toBeGreaterThan(1);
    expect(child.exitCode ?? (await new Promise((resolve) => child.once('exit', resolve)))).toBe(0);
  });

  runs('stays open while a grandchild holds the output, and ends when it closes', async () => {
    let text = '';
    const reader = await OutputReader.open((data) => (text += data.toString()));
    // The shell exits at once; its background child waits for a line on fd 3, then writes and exits.
    const child = spawn('sh', ['-c', '(read _ <&3; echo late) & echo early'], { stdio: ['ignore', reader!.childEnd, 'inherit', 'pipe'] });
    reader!.releaseChildEnd();
    await new Promise((resolve) => child.once('exit', resolve));
    let closed = false;
    void reader!.closed.then(() => (closed = true));
    // Nothing lets the grandchild go on until we write its line, so closing now would be a bug.
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    (child.stdio[3] as Writable).end('go\n');
    await reader!.closed;
    expect(text).toBe('early\nlate\n');
  });
});
