// The editor's output block and the monitor's headless one, made concurrently: on a loaded
// machine the editor's answer to `claimed` can reach the monitor after its headless wait, even
// after the run has ended. The late copy must still end up merged into one block holding the
// run's output, whichever of the two `ready` writes Yjs keeps (decided by client ids, forced
// here: the editor's copy of the document gets the lowest or the highest id).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startMrpRuntime, type MrpRuntime } from '../mrp/mrp-runtime';
import { startSyncServer, type SyncServer } from '../sync/sync-server';
import { EditorPeer } from './editor-peer.test-kit';
import { MonitorPeer } from './monitor-peer';
import { MrpRunner } from './mrp-runner';

let dir: string;
let sync: SyncServer;
let runtime: MrpRuntime;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'output-block-race-'));
  sync = await startSyncServer({ port: 0, docsDir: dir, saveDebounceMs: 20 });
  runtime = await startMrpRuntime({ port: 0, cwd: dir });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await runtime.close();
  await sync.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the editor does on `claimed` (editor-peer.test-kit.ts), on a detached copy of its document. */
function editorAnswer(doc: Y.Doc, id: string): void {
  const text = doc.getText('content');
  const executions = doc.getMap<Record<string, unknown>>('executions');
  const entry = executions.get(id)!;
  const marker = '```output:' + id + '\n';
  const cell = text.toString().indexOf('\n' + String(entry.code) + '\n```\n');
  const cellEnd = cell + String(entry.code).length + 6;
  text.insert(cellEnd, '\n' + marker + '```\n');
  const outputPosition = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, cellEnd + 1 + marker.length));
  executions.set(id, { ...entry, status: 'ready', outputBlockReady: true, outputPosition });
}

function blocksOf(editor: EditorPeer, id: string): number {
  return editor.content().split('```output:' + id + '\n').length - 1;
}

describe('output block made by both the editor and the headless monitor', () => {
  for (const [label, clientID] of [
    ['loses', 1],
    ['wins', 2 ** 32 - 1],
  ] as const) {
    it(`keeps one block with the output when the editor's late ready write ${label}`, { timeout: 60_000 }, async () => {
      const peer = new MonitorPeer({
        doc: 'notebook',
        syncUrl: sync.url,
        monitorId: 'monitor-a',
        runner: new MrpRunner(),
        runtimes: { runtimes: { bash: runtime.urls.bash } },
        timing: { settleMs: 40, headlessBlockMs: 200, outputFlushMs: 20, sweepMs: 200 },
      });
      peer.start();
      cleanups.push(() => peer.stop());
      await peer.whenSynced();
      const editor = await EditorPeer.connect(sync.url, 'notebook', { createsOutputBlocks: false });
      cleanups.push(() => editor.close());
      editor.addCell('bash', 'echo first');
      editor.addCell('bash', 'echo late');
      const id = editor.request('echo late', 'bash');
      await waitFor(() => editor.entry(id)?.status, (status) => status === 'claimed', { what: 'claimed' });

      // The editor answers on what it saw, but its answer reaches the others only later.
      const late = new Y.Doc();
      late.clientID = clientID;
      Y.applyUpdate(late, Y.encodeStateAsUpdate(editor.ydoc));
      const seen = Y.encodeStateVector(late);
      editorAnswer(late, id);

      await waitFor(() => editor.entry(id)?.status, (status) => status === 'completed', { what: 'completed headless' });
      await waitFor(() => editor.output(id), (output) => output === 'late\n', { what: 'output in the headless block' });
      // The text and the entry arrive in one update, as after a reconnect.
      Y.applyUpdate(editor.ydoc, Y.encodeStateAsUpdate(late, seen));

      await waitFor(
        () => ({ blocks: blocksOf(editor, id), output: editor.output(id), status: editor.entry(id)?.status }),
        (state) => state.blocks === 1 && state.output === 'late\n' && state.status === 'completed',
        { timeoutMs: 10_000, what: 'one output block holding the output' },
      );
      expect(editor.content()).toBe('```bash\necho first\n```\n\n```bash\necho late\n```\n\n```output:' + id + '\nlate\n```\n');
    });
  }

  it('leaves every output block alone while its claim may still lose: the winner may be writing into the other copy', { timeout: 60_000 }, async () => {
    // A foreign monitor (mrmd-monitor acknowledges nothing) keeps our claim unconfirmed for the
    // settle window, as an unseen rival claim does on a loaded machine.
    const foreign = await EditorPeer.connect(sync.url, 'notebook', { createsOutputBlocks: false });
    cleanups.push(() => foreign.close());
    foreign.provider.awareness.setLocalStateField('user', { name: 'mrmd-monitor', type: 'monitor' });
    const peer = new MonitorPeer({
      doc: 'notebook',
      syncUrl: sync.url,
      monitorId: 'monitor-b',
      runner: new MrpRunner(),
      runtimes: { runtimes: { bash: runtime.urls.bash } },
      timing: { settleMs: 120_000, headlessBlockMs: 200, sweepMs: 200 },
    });
    peer.start();
    cleanups.push(() => peer.stop());
    await peer.whenSynced();
    const editor = await EditorPeer.connect(sync.url, 'notebook', { createsOutputBlocks: false });
    cleanups.push(() => editor.close());
    editor.addCell('bash', 'echo late');
    const id = editor.request('echo late', 'bash');
    await waitFor(() => editor.entry(id), (entry) => entry?.status === 'ready' && entry.claimedBy === 'monitor-b', { what: 'ready, headless block' });

    // The editor's own block for the same id arrives, with an entry write...
    const marker = '```output:' + id + '\n';
    editor.text.insert(editor.content().indexOf(marker), marker + '```\n\n');
    editor.executions.set(id, { ...editor.entry(id)!, note: 'editor' });
    // ...and the rival that really won writes its output into that block meanwhile.
    const winner = new Y.Doc();
    Y.applyUpdate(winner, Y.encodeStateAsUpdate(editor.ydoc));
    const seen = Y.encodeStateVector(winner);
    const winnerText = winner.getText('content');
    winnerText.insert(winnerText.toString().indexOf(marker) + marker.length, 'from the winner\n');

    const monitorSees = (): Record<string, unknown> | undefined => peer.ydoc.getMap<Record<string, unknown>>('executions').get(id);
    await waitFor(monitorSees, (entry) => entry?.note === 'editor', { what: 'the monitor saw the second block' });
    Y.applyUpdate(editor.ydoc, Y.encodeStateAsUpdate(winner, seen));
    await waitFor(() => peer.ydoc.getText('content').toString(), (text) => text.includes('from the winner'), { what: "the winner's output at the monitor" });
    expect(peer.ydoc.getText('content').toString()).toContain(marker + 'from the winner\n```\n');
  });
});
