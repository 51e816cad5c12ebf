import { describe, expect, it } from 'vitest';
import { LogFeed, type TerminalSink } from './log-feed';

function harness(options: { maxUnacknowledgedBytes?: number; maxQueuedBytes?: number } = {}) {
  const written: string[] = [];
  const pendingAcks: (() => void)[] = [];
  const frames: (() => void)[] = [];
  const sink: TerminalSink = {
    write(data, onParsed) {
      written.push(data);
      pendingAcks.push(onParsed);
    },
    clear() {
      written.push('<clear>');
    },
  };
  const feed = new LogFeed(sink, { ...options, schedule: (callback) => frames.push(callback) });
  const frame = () => frames.splice(0).forEach((callback) => callback());
  const ack = () => pendingAcks.splice(0).forEach((callback) => callback());
  return { feed, written, frame, ack };
}

describe('LogFeed', () => {
  it('shows history, then only the new part of overlapping live chunks', () => {
    const { feed, written, frame } = harness();
    feed.acceptChunk({ process: 'a', offset: 4, data: 'one\n', dropped: 0 }); // before history: ignored
    feed.acceptTail({ process: 'a', offset: 8, data: 'one\ntwo\n', dropped: 0 });
    feed.acceptChunk({ process: 'a', offset: 8, data: 'two\n', dropped: 0 }); // already shown
    feed.acceptChunk({ process: 'a', offset: 14, data: 'two\nthré\n', dropped: 0 }); // overlaps by 4 bytes
    frame();
    expect(written.join('')).toBe('one\ntwo\nthré\n');
    expect(feed.offset).toBe(14);
  });

  it('ignores an older tail after newer output was shown (a reload race)', () => {
    const { feed, written, frame } = harness();
    feed.acceptTail({ process: 'a', offset: 10, data: '0123456789', dropped: 0 });
    feed.acceptTail({ process: 'a', offset: 5, data: '01234', dropped: 0 });
    frame();
    expect(written.join('')).toBe('0123456789');
  });

  it('starts over, clearing the terminal, when the daemon restarted', () => {
    const { feed, written, frame } = harness();
    feed.acceptTail({ process: 'a', offset: 8, data: 'old one\n', dropped: 0 });
    frame();
    feed.reset();
    feed.acceptTail({ process: 'a', offset: 4, data: 'new\n', dropped: 0 });
    frame();
    expect(written).toEqual(['old one\n', '<clear>', 'new\n']);
  });

  it('counts a gap in offsets and lines the ring dropped', () => {
    const { feed } = harness();
    const seen: number[][] = [];
    feed.onDroppedChange = (lines, bytes) => seen.push([lines, bytes]);
    feed.acceptTail({ process: 'a', offset: 4, data: 'abc\n', dropped: 2 }); // older history: in the file, not lost here
    feed.acceptChunk({ process: 'a', offset: 20, data: 'xyz\n', dropped: 0 });
    feed.acceptChunk({ process: 'a', offset: 24, data: 'end\n', dropped: 3 });
    expect(seen).toEqual([
      [0, 12],
      [3, 12],
    ]);
  });

  it('batches writes per frame and holds them while xterm is behind, dropping the oldest past the cap', () => {
    const { feed, written, frame, ack } = harness({ maxUnacknowledgedBytes: 8, maxQueuedBytes: 12 });
    feed.acceptTail({ process: 'a', offset: 0, data: '', dropped: 0 });
    let offset = 0;
    const send = (data: string) => feed.acceptChunk({ process: 'a', offset: (offset += data.length), data, dropped: 0 });
    send('line1\n');
    send('line2\n');
    frame();
    expect(written).toEqual(['line1\nline2\n']); // one write for two chunks
    send('line3\n');
    send('line4\n');
    send('line5\n');
    frame(); // unacknowledged 12 >= 8: nothing written, and line3 was dropped past 12 queued bytes
    expect(written).toHaveLength(1);
    expect(feed.droppedLines).toBe(1);
    ack();
    frame();
    expect(written[1]).toBe('line4\nline5\n');
  });
});
