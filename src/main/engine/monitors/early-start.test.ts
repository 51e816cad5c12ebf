// claim.ts, "Alone": a monitor with no other monitor in the document starts the run at its
// claim, and writes nothing (status, output, outcome) until the editor's `ready` names it; a
// cancel before that interrupts the run and nothing is written. Real sync server, runtime and
// bash; the editor writes `ready` only when the test says so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import type { MrpRuntime } from '../mrp/mrp-runtime';
import type { SyncServer } from '../sync/sync-server';
import { startSyncAndRuntime, stopSyncAndRuntime } from './sync-and-runtime.test-kit';
import { EditorPeer } from './editor-peer.test-kit';
import type { RunEvent, RunRequest } from './execution-runner';
import { MonitorPeer } from './monitor-peer';
import { MrpRunner } from './mrp-runner';

/** The real client, recording each run as it is asked for, each event once the monitor has handled it, and each interrupt. */
class WatchedRunner extends MrpRunner {
  readonly started: string[] = [];
  readonly handled: string[] = [];
  readonly interrupted: string[] = [];
  override async *run(request: RunRequest, signal: AbortSignal): AsyncIterable<RunEvent> {
    this.started.push(request.execId);
    for await (const event of super.run(request, signal)) {
      yield event;
      this.handled.push(`${request.execId} ${event.kind}`);
    }
    this.handled.push(`${request.execId} closed`);
  }
  override async interrupt(runtimeUrl: string, execId: string): Promise<void> {
    this.interrupted.push(execId);
    await super.interrupt(runtimeUrl, execId);
  }
}

let dir: string;
let sync: SyncServer;
let runtime: MrpRuntime;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  ({ dir, sync, runtime } = await startSyncAndRuntime('monitor-early-'));
});

afterEach(() => stopSyncAndRuntime({ dir, sync, runtime }, cleanups));

async function setUp(monitorId?: string, aloneAfterMs = 0): Promise<{ runner: WatchedRunner; editor: EditorPeer }> {
  const runner = new WatchedRunner();
  const peer = new MonitorPeer({
    doc: 'notebook',
    syncUrl: sync.url,
    monitorId,
    runner,
    runtimes: { runtimes: { bash: runtime.urls.bash } },
    // No headless block within the test: the entry stays `claimed` until the editor answers.
    // `aloneAfterMs: 0`: alone from the first sync, so that a cell requested at once starts early.
    timing: { headlessBlockMs: 120_000, outputFlushMs: 20, sweepMs: 200, aloneAfterMs },
  });
  peer.start();
  cleanups.push(() => peer.stop());
  await peer.whenSynced();
  const editor = await EditorPeer.connect(sync.url, 'notebook', { createsOutputBlocks: false });
  cleanups.push(() => editor.close());
  return { runner, editor };
}

describe('a monitor alone in the document', () => {
  it('runs the cell at its claim and writes running, output and outcome only once the editor is ready', { timeout: 60_000 }, async () => {
    const { runner, editor } = await setUp();
    const code = 'echo early; echo run >> early.txt';
    editor.addCell('bash', code);
    const id = editor.request(code, 'bash');
    // The run is asked for in the same turn as the claim, before the claim is even sent.
    await waitFor(() => String(editor.entry(id)?.status), (status) => status === 'claimed', { what: 'claimed' });
    expect(runner.started).toEqual([id]);
    await waitFor(() => runner.handled, (events) => events.includes(`${id} result`), { what: 'the outcome handled before ready', timeoutMs: 30_000 });
    expect(readFileSync(join(dir, 'early.txt'), 'utf8')).toBe('run\n');
    expect(editor.entry(id)?.status).toBe('claimed');
    expect(editor.entry(id)?.startedAt ?? null).toBeNull();
    editor.markReady(id);
    await waitFor(() => String(editor.entry(id)?.status), (status) => status === 'completed', { what: 'completed after ready' });
    expect(editor.output(id)).toBe('early\n');
    expect(typeof editor.entry(id)?.startedAt).toBe('number');
    expect(readFileSync(join(dir, 'early.txt'), 'utf8')).toBe('run\n');
  });

  it('interrupts a run cancelled before the editor was ready, and writes nothing', { timeout: 60_000 }, async () => {
    const { runner, editor } = await setUp();
    const code = 'echo started; sleep 30; echo late >> late.txt';
    editor.addCell('bash', code);
    const id = editor.request(code, 'bash');
    await waitFor(() => runner.handled, (events) => events.includes(`${id} stdout`), { what: 'the run under way before ready', timeoutMs: 30_000 });
    editor.cancel(id);
    await waitFor(() => runner.interrupted, (list) => list.includes(id), { what: 'interrupt sent' });
    await waitFor(() => runner.handled, (events) => events.includes(`${id} closed`), { what: 'the stream closed', timeoutMs: 30_000 });
    expect(editor.entry(id)?.status).toBe('cancelled');
    expect(editor.output(id)).toBeNull();
    expect(existsSync(join(dir, 'late.txt'))).toBe(false);
  });

  // Alone, the run would have been asked for in the claim's own turn (the first test).
  it.each([
    // A monitor connecting in the same instant may not be in awareness yet (claim.ts, "Alone").
    { when: 'while it has been synced for less than aloneAfterMs', monitorId: undefined, aloneAfterMs: 120_000 },
    { when: 'when given an explicit id (it resumes claims after a restart)', monitorId: 'monitor-explicit', aloneAfterMs: 0 },
  ])('waits for ready before running $when', { timeout: 60_000 }, async ({ monitorId, aloneAfterMs }) => {
    const { runner, editor } = await setUp(monitorId, aloneAfterMs);
    const code = 'echo waited; echo run >> waited.txt';
    editor.addCell('bash', code);
    const id = editor.request(code, 'bash');
    await waitFor(() => String(editor.entry(id)?.status), (status) => status === 'claimed', { what: 'claimed' });
    expect(runner.started).toEqual([]);
    expect(existsSync(join(dir, 'waited.txt'))).toBe(false);
    editor.markReady(id);
    await waitFor(() => String(editor.entry(id)?.status), (status) => status === 'completed', { what: 'completed after ready' });
    expect(editor.output(id)).toBe('waited\n');
    expect(readFileSync(join(dir, 'waited.txt'), 'utf8')).toBe('run\n');
  });
});
