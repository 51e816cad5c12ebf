import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { runCliProcess } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The entry point as the supervisor runs it: `showrunner sync-server ARGS` in its own process. */
const runMain = (args: string[]) => runCliProcess(['sync-server', ...args]);

describe('runSyncServerMain', () => {
  it('prints a ready line, serves documents, and writes them when stopped with SIGTERM', async () => {
    const docs = mkdtempSync(path.join(tmpdir(), 'sync-main-'));
    cleanups.push(() => rmSync(docs, { recursive: true, force: true }));
    const main = runMain(['--port', '0', '--docs', docs, '--save-debounce-ms', '60000']);
    const output = await waitFor(main.output, (text) => /^ready ws:\/\/127\.0\.0\.1:\d+$/m.test(text), { what: 'ready line', timeoutMs: 15_000 });
    const url = /^ready (\S+)$/m.exec(output)![1];

    const health = await fetch(`${url.replace('ws://', 'http://')}/health`);
    expect(await health.json()).toEqual({ status: 'healthy' });

    const doc = new Y.Doc();
    const provider = new WebsocketProvider(url, 'main-doc', doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    cleanups.push(() => {
      provider.destroy();
      doc.destroy();
    });
    await waitFor(() => provider.synced, Boolean, { what: 'synced' });
    doc.getText('content').insert(0, 'written at shutdown');
    await waitFor(main.output, (text) => /connect doc=main-doc\.md/.test(text), { what: 'connection logged' });
    // A second client proves the edit reached the server before the stop.
    const witness = new Y.Doc();
    const witnessProvider = new WebsocketProvider(url, 'main-doc', witness, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    cleanups.push(() => {
      witnessProvider.destroy();
      witness.destroy();
    });
    await waitFor(() => witness.getText('content').toString(), (text) => text === 'written at shutdown', { what: 'edit on server' });

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(readFileSync(path.join(docs, 'main-doc.md'), 'utf8')).toBe('written at shutdown');
  });

  it('exits with 2 when asked to bind beyond loopback without a token', async () => {
    const main = runMain(['--host', '0.0.0.0', '--port', '0', '--docs', tmpdir()]);
    expect(await main.exited).toBe(2);
    expect(main.output()).toMatch(/token is required/);
  });
});
