import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogRing } from './log-ring';

const numbered = (from: number, to: number): string => {
  let text = '';
  for (let i = from; i < to; i++) text += `line ${String(i).padStart(6, '0')} ${'x'.repeat(i % 37)}\n`;
  return text;
};

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(last, point));
    last = point;
  }
  return pieces;
}

describe('LogRing', () => {
  it('starts small and grows its first block without losing or reordering bytes', () => {
    const ring = new LogRing({ maxBytes: 2 * 1024 * 1024 });
    const text = numbered(0, 3000);
    for (let at = 0; at < text.length; at += 700) ring.write('stdout', Buffer.from(text.slice(at, at + 700)));
    expect(ring.tail().data).toBe(text);
    expect(ring.lines(3000).map((line) => line.text)).toEqual(text.trimEnd().split('\n'));
    expect(ring.retainedBytes).toBe(Buffer.byteLength(text));
  });

  it('keeps lines that arrive split across chunks whole', () => {
    const ring = new LogRing();
    for (const piece of ['hel', 'lo\nwor', 'ld\n', 'and a', ' partial']) ring.write('stdout', Buffer.from(piece));
    expect(ring.lines(10).map((line) => line.text)).toEqual(['hello', 'world', 'and a partial']);
    expect(ring.tail().data).toBe('hello\nworld\nand a partial');
  });

  it('never decodes a character split between writes as U+FFFD, even byte by byte', () => {
    const text = 'café 😀 ünïcødé ✓\n日本語\n';
    const bytes = Buffer.from(text);
    const ring = new LogRing();
    for (let i = 0; i < bytes.length; i++) {
      ring.write('stdout', bytes.subarray(i, i + 1));
      const tail = ring.tail();
      expect(tail.data).not.toContain('\uFFFD');
      expect(text.startsWith(tail.data)).toBe(true);
      expect(Buffer.byteLength(tail.data)).toBe(tail.next.offset);
      for (const line of ring.lines(5)) expect(line.text).not.toContain('\uFFFD');
    }
    expect(ring.lines(5).map((line) => line.text)).toEqual(['café 😀 ünïcødé ✓', '日本語']);
  });

  it('holds total bytes under the budget plus one block and counts every evicted line exactly', () => {
    const ring = new LogRing({ maxBytes: 4096 });
    const lineCount = 2000;
    const bytes = Buffer.from(numbered(0, lineCount));
    for (let i = 0; i < bytes.length; i += 97) {
      ring.write('stdout', bytes.subarray(i, i + 97));
      expect(ring.retainedBytes).toBeLessThanOrEqual(ring.maxBytes + ring.blockBytes);
    }
    expect(ring.totalBytes).toBe(bytes.length);
    const kept = ring.lines(lineCount);
    expect(kept.length).toBe(ring.lineCount);
    const first = Number(/^line (\d+)/.exec(kept[0].text)?.[1]);
    expect(ring.droppedLines).toBe(first);
    expect(kept.map((line) => line.text)).toEqual(numbered(first, lineCount).trimEnd().split('\n'));
    expect(ring.retainedBytes).toBeGreaterThanOrEqual(ring.maxBytes - ring.blockBytes);
  });

  it('reads the same lines however the output was chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('\n', 'é', '😀', '\r\n', '\x1b[31m')), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, cuts) => {
          const text = parts.join('');
          const bytes = Buffer.from(text);
          const ring = new LogRing({ maxBytes: 1 << 20 });
          for (const piece of split(bytes, cuts)) ring.write('stdout', piece);
          expect(ring.tail().data).toBe(text);
          const expected = text.split('\n').map((line) => line.replace(/\r$/, ''));
          if (text.endsWith('\n') || text === '') expected.pop();
          expect(ring.lines(1000).map((line) => line.text)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('evicts and indexes the same whether lines come in bulk or byte by byte, under small bounds', () => {
    // Bulk writes take the many-lines path (pushLines, a search per evicted block); single bytes
    // never do, so they are the reference.
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('\n', '\n\n\n', 'é\n', '\r\n', 'ab\n'.repeat(30))), { maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom(64, 200, 1000),
        fc.constantFrom(16, 40, undefined),
        (parts, cuts, maxBytes, maxLines) => {
          const bytes = Buffer.from(parts.join(''));
          const bulk = new LogRing({ maxBytes, maxLines });
          const single = new LogRing({ maxBytes, maxLines });
          split(bytes, cuts).forEach((piece, i) => bulk.write(i % 3 === 2 ? 'stderr' : 'stdout', piece, i));
          let at = 0;
          for (const piece of split(bytes, cuts)) {
            for (const byte of piece) single.write(at % 3 === 2 ? 'stderr' : 'stdout', Buffer.of(byte), at);
            at++;
          }
          expect(bulk.lineCount).toBe(single.lineCount);
          expect(bulk.droppedLines).toBe(single.droppedLines);
          expect(bulk.lines(10_000)).toEqual(single.lines(10_000));
          expect(bulk.tail()).toEqual(single.tail());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets a reader resume from a tail offset without duplicates or gaps, byte by byte through multi-byte text', () => {
    const text = numbered(0, 50).replace(/x/g, 'é😀');
    const bytes = Buffer.from(text);
    const ring = new LogRing();
    ring.write('stdout', bytes.subarray(0, 101));
    const first = ring.tail();
    let seen = first.data;
    let cursor = first.next;
    for (let i = 101; i < bytes.length; i += 3) {
      ring.write('stdout', bytes.subarray(i, i + 3));
      const read = ring.read(cursor);
      expect(read.dropped).toBe(0);
      seen += read.data;
      cursor = read.next;
    }
    expect(seen).toBe(text);
  });

  it('tells a reader how many lines were evicted before it caught up', () => {
    const ring = new LogRing({ maxBytes: 1024 });
    ring.write('stdout', Buffer.from(numbered(0, 5)));
    const cursor = ring.tail().next;
    ring.write('stdout', Buffer.from(numbered(5, 500)));
    const read = ring.read(cursor);
    const firstShown = Number(/^line (\d+)/.exec(read.data)?.[1]);
    expect(read.dropped).toBe(firstShown - 5);
    expect(read.data).toBe(numbered(firstShown, 500));
  });

  it('skips to a line start and counts the skipped lines when a read has a byte budget', () => {
    const ring = new LogRing();
    ring.write('stdout', Buffer.from(numbered(0, 100)));
    const read = ring.read({ offset: 0, line: 0 }, 200);
    expect(Buffer.byteLength(read.data)).toBeLessThanOrEqual(200);
    const firstShown = Number(/^line (\d+)/.exec(read.data)?.[1]);
    expect(read.dropped).toBe(firstShown);
    expect(read.data).toBe(numbered(firstShown, 100));
  });

  it('cuts a tail at a line start when one falls inside the window', () => {
    const ring = new LogRing();
    ring.write('stdout', Buffer.from('first line\nsecond line\nthird\n'));
    expect(ring.tail(15).data).toBe('third\n');
    expect(ring.tail(15).next.offset).toBe(ring.totalBytes);
  });

  it('cuts a tail inside one long line only at a character boundary', () => {
    const ring = new LogRing();
    ring.write('stdout', Buffer.from('😀'.repeat(100)));
    for (let max = 1; max < 12; max++) {
      const tail = ring.tail(max);
      expect(tail.data).not.toContain('\uFFFD');
      expect(Buffer.byteLength(tail.data)).toBeLessThanOrEqual(max);
    }
  });

  it('records time and stream per line and starts a new line where the other stream interrupts', () => {
    const ring = new LogRing();
    ring.write('stdout', Buffer.from('prompt> '), 1000);
    ring.write('stderr', Buffer.from('warning\n'), 2000);
    ring.write('system', Buffer.from('exited with 1\n'), 3000);
    expect(ring.lines(10)).toEqual([
      { at: 1000, stream: 'stdout', text: 'prompt> ' },
      { at: 2000, stream: 'stderr', text: 'warning' },
      { at: 3000, stream: 'system', text: 'exited with 1' },
    ]);
    expect(ring.tail().data).toBe('prompt> warning\nexited with 1\n');
  });

  it('keeps ANSI colour sequences as they came', () => {
    const ring = new LogRing();
    ring.write('stdout', Buffer.from('\x1b[31mred\x1b[0m\n'));
    expect(ring.lines(1)[0].text).toBe('\x1b[31mred\x1b[0m');
  });

  it('keeps the newest part of a line longer than the whole ring readable', () => {
    const ring = new LogRing({ maxBytes: 1000 });
    ring.write('stdout', Buffer.from('a\n'));
    ring.write('stdout', Buffer.from('é'.repeat(5000)));
    const tail = ring.tail();
    expect(tail.data.length).toBeGreaterThan(400);
    expect(tail.data).toMatch(/^é+$/);
    expect(ring.retainedBytes).toBeLessThanOrEqual(ring.maxBytes + ring.blockBytes);
    expect(ring.lines(1)[0].text).toMatch(/^é+$/);
  });

  it('bounds its line index, dropping the oldest lines when many tiny lines arrive', () => {
    const ring = new LogRing({ maxBytes: 64 * 1024, maxLines: 100 });
    ring.write('stdout', Buffer.from('\n'.repeat(1000) + 'last\n'));
    expect(ring.lineCount).toBe(100);
    expect(ring.droppedLines).toBe(901);
    expect(ring.lines(1)[0].text).toBe('last');
  });
});
