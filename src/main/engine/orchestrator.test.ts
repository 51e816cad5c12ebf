// The engine assembled: a real manifest on disk, real child processes, the renderer's store on
// the other side of the contract. Editing the file applies a diff; breaking it changes nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSystemStore } from '../../renderer/src/store/system-store';
import { createHubTransport } from '../../../test/helpers/hub-transport';
import { sourceCliArgv } from '../../../test/helpers/cli-argv';
import { waitFor } from '../../../test/helpers/wait-for';
import { findFreePort } from './net/find-free-port';
import { EditorPeer } from './monitors/editor-peer.test-kit';
import { createOrchestrator, type Orchestrator } from './orchestrator';

const ticker = (label: string) => `node -e "setInterval(() => console.log('${label}'), 100)"`;

function manifest(services: Record<string, string>, extra = ''): string {
  return (
    Object.entries(services)
      .map(([name, body]) => `[services.${name}]\n${body}\n`)
      .join('\n') + extra
  );
}

/** 101 when the WebSocket opened, else the HTTP status the server refused it with. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

describe('createOrchestrator', () => {
  let dir: string;
  let file: string;
  let orchestrator: Orchestrator | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-orchestrator-'));
    file = join(dir, 'services.toml');
  });

  afterEach(async () => {
    await orchestrator?.close();
    orchestrator = null;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(text: string, { openRuntime = false } = {}) {
    await writeFile(file, text);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, cliArgv: sourceCliArgv, openRuntime });
    const transport = createHubTransport(orchestrator.hub);
    const store = createSystemStore(transport);
    await waitFor(() => store.getState().synced, Boolean, { what: 'store synced' });
    return store;
  }

  it('starts the manifest in dependency order and shows it live in the renderer store', async () => {
    const store = await start(
      manifest({
        db: `command = ${JSON.stringify(ticker('db'))}`,
        api: `command = ${JSON.stringify(ticker('api'))}\ndependencies = ["db"]`,
      }),
    );
    await waitFor(() => store.getState().services.api?.state.kind, (kind) => kind === 'running', { what: 'api running', timeoutMs: 10_000 });
    expect(store.getState().serviceOrder).toEqual(['db', 'api']);
    expect(store.getState().manifestPath).toBe(file);
    const lines = await waitFor(
      () => orchestrator!.call('logs.lines', { process: 'api', lines: 5 }),
      (reply) => reply.ok && reply.value.lines.some((line) => line.includes('api')),
      { what: 'api output in its log' },
    );
    expect(lines.ok).toBe(true);

    const logFile = await orchestrator!.call('logs.filePath', { process: 'api' });
    expect(logFile.ok && logFile.value.path).toMatch(/\/logs\/api\/api-\d{8}-\d{6}\.log$/);
    // Only the desktop shell opens files; the engine says so, with the path.
    expect(await orchestrator!.call('logs.openFile', { process: 'api' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    await store.getState().call('services.stop', { name: 'api' });
    await waitFor(() => store.getState().services.api.state.kind, (kind) => kind !== 'running' && kind !== 'stopping', { what: 'api stopped' });
  });

  it('keeps the running set when the manifest breaks, shows the problem, and applies the fix as a diff', async () => {
    const store = await start(manifest({ db: `command = ${JSON.stringify(ticker('db'))}` }));
    const running = await waitFor(() => store.getState().services.db?.state, (state) => state?.kind === 'running', { what: 'db running', timeoutMs: 10_000 });
    const pid = running.kind === 'running' ? running.pid : -1;

    await writeFile(file, manifest({ db: `command = ${JSON.stringify(ticker('db'))}\nrestart = "sometimes"` }));
    const problems = await waitFor(() => store.getState().problems, (list) => list.length > 0, { what: 'manifest problems', timeoutMs: 10_000 });
    expect(problems[0]).toMatchObject({ file, line: 3, field: 'services.db.restart' });
    expect(store.getState().services.db.state).toMatchObject({ kind: 'running', pid });

    await writeFile(file, manifest({ db: `command = ${JSON.stringify(ticker('db'))}`, cache: `command = ${JSON.stringify(ticker('cache'))}` }));
    await waitFor(() => store.getState().services.cache?.state.kind, (kind) => kind === 'running', { what: 'cache added and running', timeoutMs: 10_000 });
    expect(store.getState().problems).toEqual([]);
    // Unchanged services keep their process.
    expect(store.getState().services.db.state).toMatchObject({ kind: 'running', pid });
  });

  it('starts with an invalid manifest, reporting it, and supervises nothing until it is fixed', async () => {
    const store = await start('[services.a]\ncommand = 1\n');
    expect(store.getState().problems[0]).toMatchObject({ line: 2, field: 'services.a.command' });
    expect(store.getState().serviceOrder).toEqual([]);
    const reply = await orchestrator!.call('manifest.reload', {});
    expect(reply).toMatchObject({ ok: true, value: { applied: false } });
  });

  it('supervises the built-in sync server and runtime as services mrmd-sync and mrmd-runtime', async () => {
    const syncPort = await findFreePort();
    const store = await start(`[sync]\nport = ${syncPort}\ndocs_dir = "docs"\n\n[monitors]\n`);
    for (const name of ['mrmd-sync', 'mrmd-runtime']) {
      await waitFor(() => store.getState().services[name], (service) => service?.state.kind === 'running' && service.health === 'healthy', {
        what: `${name} running and healthy`,
        timeoutMs: 15_000,
      });
      expect(store.getState().services[name].origin).toBe('builtin');
    }
    const health = await fetch(`http://127.0.0.1:${syncPort}/health`);
    expect(await health.json()).toEqual({ status: 'healthy' });
    const runtime = store.getState().services['mrmd-runtime'];
    expect(runtime.command).toContain('mrp-runtime');
    const lines = await orchestrator!.call('logs.lines', { process: 'mrmd-sync', lines: 20 });
    expect(lines.ok && lines.value.lines.some((line) => line.includes('ready ws://'))).toBe(true);
  });

  it('runs a monitor peer for a document: an editor requests a cell and sees it complete with output', async () => {
    const syncPort = await findFreePort();
    const store = await start(`[sync]\nport = ${syncPort}\ndocs_dir = "docs"\n\n[monitors]\ndocuments = ["notes"]\n`);
    await waitFor(() => store.getState().monitors.notes, (monitor) => monitor?.connection === 'connected', { what: 'monitor for notes connected', timeoutMs: 15_000 });
    await waitFor(() => store.getState().services['mrmd-runtime'], (service) => service?.health === 'healthy', { what: 'runtime healthy', timeoutMs: 15_000 });
    const editor = await EditorPeer.connect(`ws://127.0.0.1:${syncPort}`, 'notes');
    try {
      editor.addCell('bash', 'echo hello from bash');
      const id = editor.request('echo hello from bash', 'bash');
      await waitFor(() => editor.entry(id)?.status, (status) => status === 'completed' || status === 'error', { what: 'execution finished', timeoutMs: 15_000 });
      expect(editor.entry(id)?.status).toBe('completed');
      expect(editor.output(id)).toContain('hello from bash');
      const executions = await orchestrator!.call('executions.list', { doc: 'notes' });
      expect(executions.ok && executions.value.find((execution) => execution.id === id)?.status).toBe('completed');
      const snapshot = orchestrator!.snapshot();
      expect(snapshot.logProcesses).toContain('monitor:notes');
      // The panel's run counts follow the executions.
      await waitFor(() => store.getState().monitors.notes?.counts.completed ?? 0, (count) => count >= 1, { what: 'completed count on the monitor' });
      // The monitor ran it through a runtime that nobody else can use (issue 15).
      const runtimeUrl = orchestrator!.urls().runtimes.bash;
      const refused = await fetch(`${runtimeUrl}/execute`, { method: 'POST', body: JSON.stringify({ code: 'id' }) });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: 'missing or wrong token' });
      expect(store.getState().services['mrmd-runtime'].command).not.toMatch(/token/i);
      // The runtime's line about the refusal comes through its pipe: wait for it, not for luck.
      const runtimeLog = async () => ((await orchestrator!.call('logs.lines', { process: 'mrmd-runtime', lines: 500 })) as { ok: true; value: { lines: string[] } }).value.lines.join('\n');
      const logged = await waitFor(runtimeLog, (text) => /401: missing or wrong token/.test(text), { what: "the runtime's log line for the refused request" });
      expect(logged).toMatch(/execute\/stream/);
    } finally {
      editor.close();
    }
  });

  it('keeps the built-in runtime open on loopback in mrmd mode, as mrmd-editor and mrmd-monitor expect', async () => {
    const store = await start(`[monitors]\n`, { openRuntime: true });
    await waitFor(() => store.getState().services['mrmd-runtime'], (service) => service?.health === 'healthy', { what: 'runtime healthy', timeoutMs: 15_000 });
    const answer = await fetch(`${orchestrator!.urls().runtimes.bash}/execute`, { method: 'POST', body: JSON.stringify({ code: 'echo open' }) });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ success: true, stdout: 'open\n' });
  });

  it('joins a [sync] server that has a token, and the server refuses clients without it', async () => {
    const syncPort = await findFreePort();
    const token = 'sync-token-0123456789abcdef';
    const store = await start(`[sync]\nport = ${syncPort}\ndocs_dir = "docs"\ntoken = "${token}"\n\n[monitors]\ndocuments = ["notes"]\n`);
    await waitFor(() => store.getState().monitors.notes, (monitor) => monitor?.connection === 'connected', { what: 'monitor for notes connected', timeoutMs: 15_000 });
    expect(await upgradeStatus(`ws://127.0.0.1:${syncPort}/notes`)).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${syncPort}/notes?token=${token}`)).toBe(101);
    const health = await fetch(`http://127.0.0.1:${syncPort}/health`);
    expect(health.status).toBe(200);
    expect(store.getState().services['mrmd-sync'].command).not.toContain(token);
  });

  it('answers monitor calls without a sync server with the reason', async () => {
    await start(manifest({ db: `command = ${JSON.stringify(ticker('db'))}` }));
    const reply = await orchestrator!.call('monitors.start', { doc: 'notes' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('[sync]') } });
  });
});
