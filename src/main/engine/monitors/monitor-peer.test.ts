import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import type { MrpRuntime } from '../mrp/mrp-runtime';
import type { SyncServer } from '../sync/sync-server';
import { startSyncAndRuntime, stopSyncAndRuntime } from './sync-and-runtime.test-kit';
import { EditorPeer } from './editor-peer.test-kit';
import type { ExecutionRunner, RunEvent, RunRequest } from './execution-runner';
import { MonitorPeer } from './monitor-peer';
import type { PeerTiming } from './peer-timing';
import { MrpRunner } from './mrp-runner';
import { SpawnRunner } from './spawn-runner.test-kit';

/** The real client, recording which interrupts the monitor sent. */
class RecordingRunner extends MrpRunner {
  readonly interrupted: string[] = [];
  override async interrupt(runtimeUrl: string, execId: string): Promise<void> {
    this.interrupted.push(execId);
    await super.interrupt(runtimeUrl, execId);
  }
}

const RUNTIME = 'http://runtime.test/mrp/v1';
const FAST: Partial<PeerTiming> = { settleMs: 40, headlessBlockMs: 300, outputFlushMs: 20, sweepMs: 200 };

let dir: string;
let sync: SyncServer;
let runtime: MrpRuntime;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  ({ dir, sync, runtime } = await startSyncAndRuntime('monitor-peer-'));
});

afterEach(() => stopSyncAndRuntime({ dir, sync, runtime }, cleanups));

function monitor(runner: ExecutionRunner, options: { id?: string | undefined; timing?: Partial<PeerTiming>; syncUrl?: string; doc?: string; runtimes?: Record<string, string> } = {}): MonitorPeer {
  const peer = new MonitorPeer({
    doc: options.doc ?? 'notebook',
    syncUrl: options.syncUrl ?? sync.url,
    monitorId: 'id' in options ? options.id : 'monitor-a',
    runner,
    runtimes: { runtimes: options.runtimes ?? { bash: runtime.urls.bash, node: runtime.urls.node } },
    timing: { ...FAST, ...options.timing },
  });
  peer.start();
  cleanups.push(() => peer.stop());
  return peer;
}

async function editor(options: { createsOutputBlocks?: boolean; doc?: string } = {}): Promise<EditorPeer> {
  const peer = await EditorPeer.connect(sync.url, options.doc ?? 'notebook', options);
  cleanups.push(() => peer.close());
  return peer;
}

function statusOf(editorPeer: EditorPeer, id: string): () => string {
  return () => String(editorPeer.entry(id)?.status);
}

describe('MonitorPeer', () => {
  it('runs a bash cell and a node cell into their output blocks while the editor types elsewhere', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner);
    await peer.whenSynced();
    const ed = await editor();
    ed.text.insert(0, '# Notes\n\n');
    ed.addCell('bash', 'for i in 1 2 3; do echo "line $i"; done');
    ed.addCell('node', 'console.log("from node", 6 * 7)');
    ed.startTyping(3);
    const bash = ed.request('for i in 1 2 3; do echo "line $i"; done', 'bash');
    const node = ed.request('console.log("from node", 6 * 7)', 'node');
    await waitFor(statusOf(ed, bash), (s) => s === 'completed', { what: 'bash completed' });
    await waitFor(statusOf(ed, node), (s) => s === 'completed', { what: 'node completed' });
    ed.stopTyping();
    await waitFor(() => ed.output(bash), (text) => text === 'line 1\nline 2\nline 3\n', { what: 'bash output' });
    await waitFor(() => ed.output(node), (text) => text === 'from node 42\n', { what: 'node output' });
    const heading = ed.content().split('\n')[0];
    expect(heading).toBe('# Notes' + 'x'.repeat(ed.typedCount));
    expect(ed.entry(bash)).toMatchObject({ claimedBy: 'monitor-a', outputBlockReady: true });
    expect(ed.entry(bash)?.startedAt).toEqual(expect.any(Number));
    expect(ed.entry(bash)?.completedAt).toEqual(expect.any(Number));
  });

  it('creates the output block after the code cell itself when no editor does', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner);
    await peer.whenSynced();
    const client = await editor({ createsOutputBlocks: false });
    client.text.insert(0, 'intro\n\n```bash\necho headless\n```\n\nafter\n');
    const id = client.request('echo headless', 'bash');
    await waitFor(statusOf(client, id), (s) => s === 'completed', { what: 'completed' });
    await waitFor(
      () => client.content(),
      (text) => text === `intro\n\n\`\`\`bash\necho headless\n\`\`\`\n\n\`\`\`output:${id}\nheadless\n\`\`\`\n\nafter\n`,
      { what: 'block after the cell' },
    );
    expect(client.entry(id)).toMatchObject({ outputBlockReady: true, status: 'completed' });
  });

  it('replaces an output block that already follows the cell when running headless', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner);
    await peer.whenSynced();
    const client = await editor({ createsOutputBlocks: false });
    client.text.insert(0, '```bash\necho again\n```\n\n```output:exec-old\nold output\n```\n');
    const id = client.request('echo again', 'bash');
    await waitFor(statusOf(client, id), (s) => s === 'completed');
    await waitFor(() => client.content(), (text) => text === `\`\`\`bash\necho again\n\`\`\`\n\n\`\`\`output:${id}\nagain\n\`\`\`\n`, {
      what: 'old block replaced',
    });
  });

  it('turns an editor cancel into an interrupt and keeps the entry cancelled', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner);
    await peer.whenSynced();
    const ed = await editor();
    ed.addCell('bash', 'echo started; sleep 30; echo never');
    ed.addCell('bash', 'echo next');
    const id = ed.request('echo started; sleep 30; echo never', 'bash');
    await waitFor(() => ed.output(id), (text) => text === 'started\n', { what: 'started output' });
    const next = ed.request('echo next', 'bash');
    ed.cancel(id);
    await waitFor(() => runner.interrupted, (list) => list.includes(id), { what: 'interrupt sent' });
    // The next cell of the same session can only run once the runtime stopped the first.
    await waitFor(statusOf(ed, next), (s) => s === 'completed', { what: 'next cell ran after the interrupt' });
    expect(ed.entry(id)?.status).toBe('cancelled');
    expect(ed.output(id)).not.toContain('never');
  });

  it('asks the editor for input and sends its answer to the runtime, for node and bash cells', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner);
    await peer.whenSynced();
    const ed = await editor();
    const nodeCode = 'const name = await input("Name? "); console.log("hello " + name)';
    const bashCode = 'mrmd_input "Colour? " colour; echo "likes $colour"';
    ed.addCell('node', nodeCode);
    ed.addCell('bash', bashCode);
    const node = ed.request(nodeCode, 'node');
    const bash = ed.request(bashCode, 'bash');
    for (const [id, answer] of [
      [node, 'Ada'],
      [bash, 'green'],
    ] as const) {
      const request = await waitFor(() => ed.entry(id)?.stdinRequest as { prompt: string; password: boolean } | null, (r) => Boolean(r), {
        what: `stdin request for ${id}`,
      });
      expect(request).toMatchObject({ prompt: expect.stringMatching(/\?\s*$/), password: false });
      expect(peer.execution(id)?.stdinPrompt).toBe(request?.prompt);
      ed.respond(id, answer);
    }
    await waitFor(statusOf(ed, node), (s) => s === 'completed', { what: 'node completed' });
    await waitFor(statusOf(ed, bash), (s) => s === 'completed', { what: 'bash completed' });
    expect(ed.output(node)).toContain('hello Ada');
    expect(ed.output(bash)).toContain('likes green');
    expect(ed.entry(node)).toMatchObject({ stdinRequest: null, stdinResponse: null });
  });

  it('records an error with its traceback and shows it in the output block', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner);
    await peer.whenSynced();
    const ed = await editor();
    const code = 'function inner() { throw new TypeError("bad input") }\ninner()';
    ed.addCell('node', code);
    const id = ed.request(code, 'node');
    await waitFor(statusOf(ed, id), (s) => s === 'error', { what: 'error' });
    const error = ed.entry(id)?.error as { type: string; message: string; traceback: string[] };
    expect(error).toMatchObject({ type: 'TypeError', message: 'bad input' });
    expect(error.traceback.join('\n')).toContain('inner');
    await waitFor(() => ed.output(id) ?? '', (text) => text.startsWith('TypeError: bad input'), { what: 'error in the block' });
    expect(peer.execution(id)?.error).toBe('TypeError: bad input');
  });

  it('fails a run whose runtime goes silent for the stuck timeout, and frees the session', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner, { timing: { stuckTimeoutMs: 600 } });
    await peer.whenSynced();
    const ed = await editor();
    ed.addCell('bash', 'echo before; sleep 20');
    ed.addCell('bash', 'echo after');
    const silent = ed.request('echo before; sleep 20', 'bash');
    const next = ed.request('echo after', 'bash');
    // Generous waits: on a loaded machine the run, the interrupt and the next run are slow.
    await waitFor(statusOf(ed, silent), (s) => s === 'error', { timeoutMs: 30_000, what: 'stuck error' });
    expect(ed.entry(silent)?.error).toMatchObject({ type: 'Stuck', message: 'no event from the runtime for 600 ms' });
    await waitFor(statusOf(ed, next), (s) => s === 'completed', { timeoutMs: 30_000, what: 'next cell ran' });
  });

  it('fails an entry whose runtime is not allowed, saying why', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner);
    await peer.whenSynced();
    const ed = await editor();
    ed.addCell('ruby', 'puts 1');
    const id = ed.request('puts 1', 'ruby', { runtimeUrl: 'http://evil.example/mrp/v1' });
    await waitFor(statusOf(ed, id), (s) => s === 'error');
    expect(String((ed.entry(id)?.error as { message: string }).message)).toContain('http://evil.example/mrp/v1 is not on the allow-list');
  });

  it('waits while a foreign client keeps the runtime busy (409) instead of failing', async () => {
    const runner = new SpawnRunner({ refuseWhenBusy: true });
    const peer = monitor(runner, { runtimes: { bash: RUNTIME } });
    await peer.whenSynced();
    const release = runner.occupy(RUNTIME, 'notebook');
    const ed = await editor();
    ed.addCell('bash', 'echo finally');
    const id = ed.request('echo finally', 'bash');
    await waitFor(statusOf(ed, id), (s) => s === 'running', { what: 'running (waiting on 409)' });
    release();
    await waitFor(statusOf(ed, id), (s) => s === 'completed', { what: 'completed after the runtime freed up' });
    expect(ed.output(id)).toBe('finally\n');
  });

  it('drops a cell cancelled while it waits on a busy runtime, without running it', async () => {
    const runner = new SpawnRunner({ refuseWhenBusy: true });
    const peer = monitor(runner, { runtimes: { bash: RUNTIME } });
    await peer.whenSynced();
    const release = runner.occupy(RUNTIME, 'notebook');
    cleanups.push(release);
    const ed = await editor();
    ed.addCell('bash', 'echo never');
    const id = ed.request('echo never', 'bash');
    await waitFor(statusOf(ed, id), (s) => s === 'running', { what: 'waiting on 409' });
    ed.cancel(id);
    await waitFor(() => peer.snapshot().counts.cancelled ?? 0, (n) => n === 1);
    release();
    // Runs of one session are serialized: once the next cell is done, the cancelled one is over.
    ed.addCell('bash', 'echo next');
    const next = ed.request('echo next', 'bash');
    await waitFor(statusOf(ed, next), (s) => s === 'completed', { what: 'next cell' });
    expect([...runner.runs.keys()]).toEqual([next]);
    expect(runner.interrupted).toEqual([]);
  });

  it('resumes an entry it claimed before a restart and fails one it was running', async () => {
    const runner = new RecordingRunner();
    const first = monitor(runner, { timing: { headlessBlockMs: 60_000 } });
    await first.whenSynced();
    const client = await editor({ createsOutputBlocks: false });
    client.addCell('bash', 'echo resumed');
    client.addCell('bash', 'echo long; echo run >> runs.txt; sleep 30');
    const running = client.request('echo long; echo run >> runs.txt; sleep 30', 'bash', { session: 'long' });
    await waitFor(statusOf(client, running), (s) => s === 'claimed');
    client.markReady(running);
    await waitFor(() => client.output(running), (text) => text === 'long\n', { what: 'long cell running' });
    const claimedOnly = client.request('echo resumed', 'bash');
    await waitFor(statusOf(client, claimedOnly), (s) => s === 'claimed');
    await first.stop({ failOwned: false });
    cleanups.splice(cleanups.length - 2, 1);
    expect(client.entry(running)?.status).toBe('running');

    const second = monitor(runner);
    await second.whenSynced();
    await waitFor(statusOf(client, claimedOnly), (s) => s === 'completed', { what: 'claimed entry resumed' });
    expect(client.output(claimedOnly)).toBe('resumed\n');
    await waitFor(statusOf(client, running), (s) => s === 'error', { what: 'running entry failed' });
    expect(client.entry(running)?.error).toMatchObject({ type: 'MonitorRestarted' });
    expect(readFileSync(join(dir, 'runs.txt'), 'utf8')).toBe('run\n');
  });

  it('is a new peer after a restart: what the old one left is failed as MonitorRestarted once it is gone, never run again', async () => {
    const runner = new RecordingRunner();
    const first = monitor(runner, { id: undefined, timing: { headlessBlockMs: 60_000 } });
    expect(first.monitorId).toMatch(/^showrunner@.+\/\d+\/[0-9a-f]{8}$/);
    await first.whenSynced();
    const client = await editor({ createsOutputBlocks: false });
    client.addCell('bash', 'echo left; echo run >> left.txt');
    client.addCell('bash', 'echo long; echo run >> runs.txt; sleep 30');
    const running = client.request('echo long; echo run >> runs.txt; sleep 30', 'bash', { session: 'long' });
    await waitFor(statusOf(client, running), (s) => s === 'claimed');
    client.markReady(running);
    await waitFor(() => client.output(running), (text) => text === 'long\n', { what: 'long cell running' });
    const claimedOnly = client.request('echo left; echo run >> left.txt', 'bash');
    await waitFor(statusOf(client, claimedOnly), (s) => s === 'claimed');
    // A crash: the peer leaves without failing what it owns.
    await first.stop({ failOwned: false });
    cleanups.splice(cleanups.length - 2, 1);

    const second = monitor(runner, { id: undefined, timing: { goneOwnerMs: 500 } });
    expect(second.monitorId).not.toBe(first.monitorId);
    await second.whenSynced();
    for (const id of [claimedOnly, running]) {
      await waitFor(statusOf(client, id), (s) => s === 'error', { what: `${id} failed` });
      expect(client.entry(id)).toMatchObject({ claimedBy: first.monitorId, error: { type: 'MonitorRestarted' } });
      expect(String((client.entry(id)?.error as { message: string }).message)).toContain(first.monitorId);
    }
    expect(readFileSync(join(dir, 'runs.txt'), 'utf8')).toBe('run\n');
    // Alone with a fresh id, the first peer started the claimed cell at its claim (claim.ts,
    // "Alone"): it may have run before the crash, once; the new peer never runs it.
    expect(['', 'run\n']).toContain(existsSync(join(dir, 'left.txt')) ? readFileSync(join(dir, 'left.txt'), 'utf8') : '');
    // The new peer serves new requests.
    client.addCell('bash', 'echo after');
    const after = client.request('echo after', 'bash');
    await waitFor(statusOf(client, after), (s) => s === 'claimed');
    client.markReady(after);
    await waitFor(statusOf(client, after), (s) => s === 'completed');
    expect(client.entry(after)?.claimedBy).toBe(second.monitorId);
  });

  it("never takes mrmd-monitor's numeric claim for its own, and recovers it only once that client is gone", async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner, { timing: { goneOwnerMs: 500 } });
    await peer.whenSynced();
    const foreign = await editor({ createsOutputBlocks: false });
    foreign.provider.awareness.setLocalStateField('user', { name: 'mrmd-monitor', color: '#10b981', type: 'monitor' });
    const client = await editor({ createsOutputBlocks: false });
    const entry = (id: string, claimedBy: number) => ({ id, code: 'echo x', language: 'bash', runtimeUrl: null, status: 'ready', claimedBy, claimedAt: Date.now() });
    client.executions.set('exec-1-present', entry('exec-1-present', foreign.ydoc.clientID));
    client.executions.set('exec-2-absent', entry('exec-2-absent', 123456789));
    await waitFor(statusOf(client, 'exec-2-absent'), (s) => s === 'error', { what: 'absent client’s entry failed' });
    expect(client.entry('exec-2-absent')?.error).toMatchObject({ type: 'MonitorRestarted' });
    // Both entries were judged in the same sweeps: the present client's claim was left alone.
    expect(client.entry('exec-1-present')).toMatchObject({ status: 'ready', claimedBy: foreign.ydoc.clientID });
    foreign.close();
    await waitFor(statusOf(client, 'exec-1-present'), (s) => s === 'error', { what: 'entry failed once its client left' });
    expect(runner.interrupted).toEqual([]);
  });

  it('fails what it owns when stopped, so no cell waits for a monitor that is gone', async () => {
    const runner = new RecordingRunner();
    const peer = monitor(runner, { timing: { headlessBlockMs: 60_000 } });
    await peer.whenSynced();
    const client = await editor({ createsOutputBlocks: false });
    client.addCell('bash', 'echo never');
    const id = client.request('echo never', 'bash');
    await waitFor(statusOf(client, id), (s) => s === 'claimed');
    await peer.stop();
    await waitFor(statusOf(client, id), (s) => s === 'error');
    expect(client.entry(id)?.error).toMatchObject({ type: 'MonitorStopped' });
  });
  it('writes the outcome as soon as the runtime sends it, while the next cell of the session waits for the stream to close', async () => {
    // The real client; the stream is held open after its `result` until the test lets go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const closed: string[] = [];
    const runner = new (class extends MrpRunner {
      override async *run(request: RunRequest, signal: AbortSignal): AsyncIterable<RunEvent> {
        for await (const event of super.run(request, signal)) {
          yield event;
          if (event.kind === 'result' && closed.length === 0) await held;
        }
        closed.push(request.execId);
      }
    })();
    const peer = monitor(runner);
    await peer.whenSynced();
    const ed = await editor();
    ed.addCell('bash', 'echo first');
    ed.addCell('bash', 'echo second');
    const first = ed.request('echo first', 'bash');
    await waitFor(statusOf(ed, first), (s) => s === 'completed', { what: 'first completed while its stream is open', timeoutMs: 15_000 });
    expect(ed.output(first)).toBe('first\n');
    const second = ed.request('echo second', 'bash');
    await waitFor(statusOf(ed, second), (s) => s === 'ready', { what: 'second ready', timeoutMs: 15_000 });
    expect(closed).toEqual([]);
    expect(ed.entry(second)?.status).toBe('ready');
    release();
    await waitFor(statusOf(ed, second), (s) => s === 'completed', { what: 'second completed', timeoutMs: 15_000 });
    expect(closed).toEqual([first, second]);
    expect(ed.output(second)).toBe('second\n');
  });
});
