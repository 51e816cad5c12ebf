import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogChunk } from '../../../shared/model';
import { waitFor } from '../../../../test/helpers/wait-for';
import { logDirName } from './log-dir-name';
import { LogStore, type LogStoreOptions } from './log-store';

const AT = Date.UTC(2026, 0, 31, 12, 0, 0);

describe('LogStore', () => {
  let dir: string;
  const stores: LogStore[] = [];
  const make = (options: LogStoreOptions = {}): LogStore => {
    const store = new LogStore({ logDir: dir, ...options });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-log-store-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('makes process names safe as folder names', () => {
    expect(logDirName('api')).toBe('api');
    expect(logDirName('monitor:my doc')).toBe('monitor-my_doc');
    expect(logDirName('monitor:notes/today.md')).toBe('monitor-notes_today.md');
    expect(logDirName('..')).toBe('__');
    expect(logDirName('')).toBe('_');
  });

  it('writes the §8 layout: a file per launch, the orchestrator at first write, monitors by safe name', async () => {
    let now = AT;
    const store = make({ now: () => now });
    store.beginLaunch('api');
    store.write('api', 'stdout', 'listening on 8080\n');
    store.write('orchestrator', 'system', 'api started\n');
    store.write('monitor:my doc', 'stderr', 'claimed exec-1\n');
    now = AT + 61_000;
    store.beginLaunch('api');
    store.write('api', 'stderr', '\x1b[31mcrashed\x1b[0m\n');
    expect(store.filePath('api')).toBe(join(dir, 'api', 'api-20260131-120101.log'));
    await store.close();

    expect((await readdir(dir)).sort()).toEqual(['api', 'monitor-my_doc', 'orchestrator']);
    expect((await readdir(join(dir, 'api'))).sort()).toEqual(['api-20260131-120000.log', 'api-20260131-120101.log']);
    expect(await readFile(join(dir, 'api', 'api-20260131-120000.log'), 'utf8')).toBe('2026-01-31T12:00:00.000Z [stdout] listening on 8080\n');
    expect(await readFile(join(dir, 'api', 'api-20260131-120101.log'), 'utf8')).toBe('2026-01-31T12:01:01.000Z [stderr] \x1b[31mcrashed\x1b[0m\n');
    expect(await readFile(join(dir, 'orchestrator', 'orchestrator-20260131-120000.log'), 'utf8')).toBe('2026-01-31T12:00:00.000Z [system] api started\n');
    expect(await readdir(join(dir, 'monitor-my_doc'))).toEqual(['monitor-my_doc-20260131-120000.log']);
    expect(store.processes()).toEqual(['api', 'orchestrator', 'monitor:my doc']);
  });

  it('writes a prompt without newline to the file once the process goes quiet', async () => {
    const store = make({ partialFlushMs: 30 });
    store.beginLaunch('shell');
    store.write('shell', 'stdout', 'Password: ');
    const file = store.filePath('shell');
    expect(file).not.toBeNull();
    await waitFor(() => readFile(file!, 'utf8').catch(() => ''), (text) => text.endsWith('[stdout] Password: \n'), { what: 'the prompt in the file' });
  });

  it('keeps working in memory and reports once when the log folder cannot be written', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const problems: string[] = [];
    const store = make({ logDir: join(blocker, 'logs'), onProblem: (message) => problems.push(message) });
    for (const name of ['api', 'db', 'orchestrator']) {
      store.beginLaunch(name);
      store.write(name, 'stdout', `${name} says hi\n`);
    }
    store.beginLaunch('api');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('kept in memory');
    expect(store.lines('db', 10)).toEqual(['db says hi']);
    expect(store.filePath('api')).toBeNull();
  });

  it('asks a producer to pause while its file is behind, and says when to go on', async () => {
    const store = make({ highWaterBytes: 64 * 1024 });
    const block = 'x'.repeat(79) + '\n';
    let accepted = true;
    for (let i = 0; i < 2000 && accepted; i++) accepted = store.write('chatty', 'stdout', block.repeat(10));
    expect(accepted).toBe(false);
    await store.whenWritable('chatty');
    expect(store.write('chatty', 'stdout', 'more\n')).toBe(true);
    await store.close();
    expect(store.stats('chatty')?.linesNotWritten).toBe(0);
  });

  it('returns tails and lines, and an empty tail for a process never seen', () => {
    const store = make({ logDir: null });
    store.write('api', 'stdout', 'one\ntwo\nthr');
    store.write('api', 'stdout', 'ee\n');
    expect(store.lines('api', 2)).toEqual(['two', 'three']);
    expect(store.tail('api')).toEqual({ process: 'api', offset: 14, data: 'one\ntwo\nthree\n', dropped: 0 });
    expect(store.tail('api', 7)).toEqual({ process: 'api', offset: 14, data: 'three\n', dropped: 0 });
    expect(store.tail('nobody')).toEqual({ process: 'nobody', offset: 0, data: '', dropped: 0 });
    expect(store.lines('nobody', 5)).toEqual([]);
  });

  it('coalesces many writes into few callbacks', async () => {
    const store = make({ logDir: null, batchMs: 20 });
    const chunks: LogChunk[] = [];
    store.subscribe('api', (chunk) => {
      chunks.push(chunk);
    });
    let expected = '';
    for (let i = 0; i < 1000; i++) {
      store.write('api', 'stdout', `line ${i}\n`);
      expected += `line ${i}\n`;
    }
    await waitFor(() => chunks.map((chunk) => chunk.data).join(''), (text) => text === expected, { what: 'all 1000 lines' });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ process: 'api', offset: Buffer.byteLength(expected), dropped: 0 });
  });

  it('sends a quiet process at once while a chatty one waits for its next batch', async () => {
    // A batch interval far longer than the test: only the leading edge can deliver in time.
    const store = make({ logDir: null, batchMs: 60_000 });
    const chunks: LogChunk[] = [];
    store.subscribe('*', (chunk) => {
      chunks.push(chunk);
    });
    store.write('flood', 'stdout', 'first\n');
    await waitFor(() => chunks.length, (count) => count === 1, { what: "the flood's first chunk, sent at once" });
    store.write('flood', 'stdout', 'second\n'); // within its interval: waits
    store.write('quiet', 'stdout', 'hello\n');
    await waitFor(() => chunks.length, (count) => count === 2, { what: "the quiet process's line" });
    expect(chunks.map((chunk) => [chunk.process, chunk.data])).toEqual([
      ['flood', 'first\n'],
      ['quiet', 'hello\n'],
    ]);
    await store.close(); // delivers what still waits
    expect(chunks.at(-1)).toMatchObject({ process: 'flood', data: 'second\n' });
  });

  it('sends every process to a wildcard subscriber, including processes that appear later', async () => {
    const store = make({ logDir: null, batchMs: 5 });
    store.write('old', 'stdout', 'before subscribing\n');
    const seen = new Map<string, string>();
    const unsubscribe = store.subscribe('*', (chunk) => {
      seen.set(chunk.process, (seen.get(chunk.process) ?? '') + chunk.data);
    });
    store.write('old', 'stdout', 'after\n');
    store.write('new', 'stderr', 'first words\n');
    await waitFor(() => seen.size, (size) => size === 2, { what: 'chunks for two processes' });
    expect(Object.fromEntries(seen)).toEqual({ old: 'after\n', new: 'first words\n' });
    unsubscribe();
    store.write('old', 'stdout', 'unheard\n');
    await store.close();
    expect(seen.get('old')).toBe('after\n');
  });

  it('lets a follower that fetched a tail resume without duplicated or missing lines', async () => {
    const store = make({ logDir: null, batchMs: 5 });
    store.write('api', 'stdout', 'history 1\nhistory 2\n');
    // The client follows first, then fetches history, then drops chunk bytes it already has.
    const chunks: LogChunk[] = [];
    store.subscribe('api', (chunk) => {
      chunks.push(chunk);
    });
    store.write('api', 'stdout', 'between\n');
    const tail = store.tail('api');
    store.write('api', 'stdout', 'after 1\nafter ');
    store.write('api', 'stdout', '2\n');
    await waitFor(() => chunks.at(-1)?.offset, (offset) => offset === store.tail('api').offset, { what: 'the last chunk' });
    let text = tail.data;
    let have = tail.offset;
    for (const chunk of chunks) {
      const bytes = Buffer.from(chunk.data);
      const start = chunk.offset - bytes.length;
      if (chunk.offset <= have) continue;
      text += bytes.subarray(have - start).toString();
      have = chunk.offset;
    }
    expect(text).toBe('history 1\nhistory 2\nbetween\nafter 1\nafter 2\n');

    // A later subscriber can also start exactly where a tail ended.
    const resumed: LogChunk[] = [];
    store.subscribe('api', (chunk) => {
      resumed.push(chunk);
    }, { fromOffset: tail.offset });
    await waitFor(() => resumed.length, (count) => count === 1, { what: 'one resumed chunk' });
    expect(resumed[0]).toEqual({ process: 'api', offset: have, data: 'after 1\nafter 2\n', dropped: 0 });
  });

  it('gives a subscriber that says it is behind a dropped count instead of a growing queue', async () => {
    const store = make({ logDir: null, batchMs: 5, ringBytes: 4096 });
    const chunks: LogChunk[] = [];
    let accept = false;
    const subscription = store.subscribe('api', (chunk) => {
      chunks.push(chunk);
      return accept;
    });
    store.write('api', 'stdout', 'first\n');
    await waitFor(() => chunks.length, (count) => count === 1, { what: 'the first chunk' });
    let witnessed = '';
    store.subscribe('api', (chunk) => {
      witnessed = chunk.data;
    });
    for (let i = 0; i < 2000; i++) store.write('api', 'stdout', `line ${String(i).padStart(5, '0')}\n`);
    // Once another subscriber has the output, a batch has run; the paused one got nothing.
    await waitFor(() => witnessed, (data) => data.endsWith('line 01999\n'), { what: 'a batch' });
    expect(store.tail('api').dropped).toBeGreaterThan(0);
    expect(chunks).toHaveLength(1);
    accept = true;
    subscription.resume();
    await waitFor(() => chunks.length, (count) => count === 2, { what: 'the catch-up chunk' });
    const catchUp = chunks[1];
    const firstShown = Number(/^line (\d+)/.exec(catchUp.data)?.[1]);
    expect(catchUp.dropped).toBe(firstShown);
    expect(Buffer.byteLength(catchUp.data)).toBeLessThanOrEqual(4096 + 512);
    expect(catchUp.data.endsWith('line 01999\n')).toBe(true);
  });

  it('skips a lagging subscriber to the newest maxChunkBytes and says how many lines it missed', async () => {
    const store = make({ logDir: null, batchMs: 5 });
    const chunks: LogChunk[] = [];
    store.subscribe('api', (chunk) => {
      chunks.push(chunk);
    }, { maxChunkBytes: 100 });
    for (let i = 0; i < 100; i++) store.write('api', 'stdout', `line ${String(i).padStart(3, '0')}\n`);
    await waitFor(() => chunks.length, (count) => count === 1, { what: 'one chunk' });
    expect(chunks[0]).toEqual({ process: 'api', offset: 900, data: Array.from({ length: 11 }, (_, i) => `line 0${89 + i}\n`).join(''), dropped: 89 });
  });

  it('keeps delivering to others when one listener throws, and reports it once', async () => {
    const problems: string[] = [];
    const store = make({ logDir: null, batchMs: 5, onProblem: (message) => problems.push(message) });
    const good: string[] = [];
    store.subscribe('api', () => {
      throw new Error('broken pane');
    });
    store.subscribe('api', (chunk) => {
      good.push(chunk.data);
    });
    store.write('api', 'stdout', 'a\n');
    await waitFor(() => good.length, (count) => count === 1, { what: 'a chunk' });
    store.write('api', 'stdout', 'b\n');
    await waitFor(() => good.length, (count) => count === 2, { what: 'another chunk' });
    expect(problems).toEqual(['a log subscriber failed: broken pane']);
  });

  it('delivers what waits and writes held partial lines when it closes', async () => {
    const store = make({ batchMs: 10_000, now: () => AT });
    const chunks: LogChunk[] = [];
    store.subscribe('api', (chunk) => {
      chunks.push(chunk);
    });
    store.write('api', 'stdout', 'done\nno newline yet');
    await store.close();
    expect(chunks.map((chunk) => chunk.data)).toEqual(['done\nno newline yet']);
    expect(await readFile(join(dir, 'api', 'api-20260131-120000.log'), 'utf8')).toBe(
      '2026-01-31T12:00:00.000Z [stdout] done\n2026-01-31T12:00:00.000Z [stdout] no newline yet\n',
    );
  });
});
