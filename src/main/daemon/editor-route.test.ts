// The editor page's doors (issue 24) on a real daemon server and a real orchestrator: the page
// and the bundle's files open, under the editor's CSP; without the bundle a page that says how
// to get it; mrmd's start page redirects to it; `serve` has no editor; /api/runtimes (and the
// legacy /api/sessions) give a document a monitor and answer where to sync and run.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawReply } from '../../../test/helpers/raw-request';
import { sourceCliArgv } from '../../../test/helpers/cli-argv';
import { createOrchestrator, type Orchestrator } from '../engine/orchestrator';
import { startDaemonServer, type DaemonServer } from './daemon-server';

const TOKEN = 'editor-route-token';
const SYNC = 'ws://127.0.0.1:4999';
const RUNTIMES = { bash: 'http://127.0.0.1:8999/mrp/v1', node: 'http://127.0.0.1:8999/node/mrp/v1' };

describe('the editor page and the runtime attachments of showrunner mrmd', () => {
  let dir: string;
  let orchestrator: Orchestrator;
  const servers: DaemonServer[] = [];
  let mrmd: DaemonServer;

  async function serverWith(editorDir: string | null): Promise<DaemonServer> {
    const server = await startDaemonServer({
      hub: orchestrator.hub,
      call: (method, args) => orchestrator.call(method as never, args as never),
      urls: () => ({ sync: SYNC, runtimes: RUNTIMES }),
      metrics: () => '',
      token: TOKEN,
      port: 0,
      rendererDir: join(dir, 'renderer'),
      editorDir,
    });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'editor-route-'));
    await mkdir(join(dir, 'renderer', 'editor'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>panel</title>');
    await writeFile(join(dir, 'renderer', 'editor', 'index.html'), '<!doctype html><title>editor</title><script src="./mrmd.iife.js"></script>');
    await mkdir(join(dir, 'vendor', 'assets', 'fonts'), { recursive: true });
    await writeFile(join(dir, 'vendor', 'mrmd.iife.js'), 'var mrmd = {};');
    await writeFile(join(dir, 'vendor', 'LICENSE'), 'MIT License');
    await writeFile(join(dir, 'vendor', 'assets', 'fonts', 'Literata-Variable.ttf'), 'font');
    await writeFile(join(dir, 'secret.txt'), 'not served');
    await mkdir(join(dir, 'empty'));
    // Monitors only (no sync server of ours, no runtime): their peers are real, and keep trying
    // to reach SYNC, where nothing listens.
    orchestrator = await createOrchestrator({
      manifestPath: join(dir, 'mrmd'),
      staticManifest: { file: null, root: dir, logDir: join(dir, 'logs'), services: [], monitors: { syncUrl: SYNC, runtimes: RUNTIMES, allowedRuntimeUrls: [], documents: [] } },
      stateDir: join(dir, 'state'),
      usbSource: null,
      deviceRoot: join(dir, 'dev'),
      statsIntervalMs: 0,
      cliArgv: sourceCliArgv,
      runtime: 'off',
      watchManifest: false,
    });
    mrmd = await serverWith(join(dir, 'vendor'));
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await orchestrator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const raw = (server: DaemonServer, path: string, method = 'GET'): Promise<RawReply> => rawRequest(server.url, path, { method });


  async function api(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? TOKEN}`;
    const response = await fetch(`${mrmd.url}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    return { status: response.status, body: await response.json() };
  }

  it('serves the page without a token, under a CSP that lets it reach the sync server and runtimes only', async () => {
    const page = await raw(mrmd, '/editor/?doc=notes');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>editor</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4999 http://127.0.0.1:8999");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('serves the bundle, its licence and fonts, and nothing else from the vendor folder', async () => {
    const bundle = await raw(mrmd, '/editor/mrmd.iife.js');
    expect([bundle.status, bundle.headers['content-type'], bundle.body]).toEqual([200, 'text/javascript; charset=utf-8', 'var mrmd = {};']);
    expect((await raw(mrmd, '/editor/LICENSE')).body).toBe('MIT License');
    expect((await raw(mrmd, '/editor/assets/fonts/Literata-Variable.ttf')).headers['content-type']).toBe('font/ttf');
    // Dot segments leave /editor/ (the URL parser resolves them) and reach the panel's files.
    for (const path of ['/editor/%2e%2e/secret.txt', '/editor/../secret.txt', '/editor/%2e%2e%2fsecret.txt', '/editor/other.js', '/editor/assets/fonts/missing.ttf']) {
      expect((await raw(mrmd, path)).body, path).not.toContain('not served');
    }
    for (const path of ['/editor/other.js', '/editor/assets/fonts/missing.ttf', '/editor/%2e%2e%2fsecret.txt']) expect((await raw(mrmd, path)).status, path).toBe(404);
  });

  it("redirects mrmd's start page and the bare folder to /editor/, keeping the query", async () => {
    for (const [path, location] of [
      ['/examples/minimal.html?doc=intro', '/editor/?doc=intro'],
      ['/editor?doc=a', '/editor/?doc=a'],
    ]) {
      const answer = await raw(mrmd, path);
      expect([answer.status, answer.headers.location]).toEqual([302, location]);
    }
  });

  it('says how to get the bundle when it is not there, and that `serve` has no editor', async () => {
    const missing = await raw(await serverWith(join(dir, 'empty')), '/editor/?doc=notes');
    expect(missing.status).toBe(503);
    expect(missing.body).toContain('node scripts/fetch-mrmd-editor.mjs');
    expect(missing.body).toContain('mrmd-electron');
    const serve = await serverWith(null);
    const none = await raw(serve, '/editor/');
    expect(none.status).toBe(404);
    expect(none.body).toContain('showrunner mrmd');
    // The panel's probe: no editor, no link.
    expect((await raw(serve, '/editor/', 'HEAD')).status).toBe(404);
    expect((await raw(mrmd, '/editor/', 'HEAD')).status).toBe(200);
  });

  it('lists the origins a page of this server has, for the sync server and runtime to allow', () => {
    expect(mrmd.origins).toEqual(expect.arrayContaining([`http://127.0.0.1:${mrmd.port}`, `http://localhost:${mrmd.port}`]));
    expect(mrmd.origins.every((origin) => origin.endsWith(`:${mrmd.port}`))).toBe(true);
  });

  it('POST /api/runtimes gives the document a monitor and answers what mrmd.runtime() reads', async () => {
    expect((await api('/api/runtimes', { method: 'POST', body: { doc: 'notes' }, token: null })).status).toBe(401);
    const created = await api('/api/runtimes', { method: 'POST', body: { doc: 'notes', python: 'shared' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      doc: 'notes',
      id: 'shared',
      sync: SYNC,
      runtimes: { bash: { url: RUNTIMES.bash, port: 8999 }, node: { url: RUNTIMES.node } },
      monitor: { doc: 'notes', running: true },
    });
    expect((await api('/api/monitors/notes')).body).toMatchObject({ doc: 'notes', running: true });
    // Again, and through the legacy name: the same monitor, not a second one.
    expect((await api('/api/sessions', { method: 'POST', body: { doc: 'notes' } })).body.monitor.running).toBe(true);
    expect((await api('/api/monitors')).body.monitors.filter((monitor: { doc: string }) => monitor.doc === 'notes')).toHaveLength(1);
    expect((await api('/api/runtimes')).body.runtimes.map((entry: { doc: string }) => entry.doc)).toContain('notes');
    expect((await api('/api/sessions/notes')).body.sync).toBe(SYNC);
  });

  it('refuses a bad document name with a detail the bundle shows, and DELETE stops the monitor', async () => {
    const bad = await api('/api/runtimes', { method: 'POST', body: { doc: '../etc' } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/\.\./);
    expect((await api('/api/runtimes', { method: 'POST', body: {} })).status).toBe(400);
    await api('/api/runtimes', { method: 'POST', body: { doc: 'gone' } });
    const deleted = await api('/api/runtimes/gone', { method: 'DELETE' });
    expect(deleted).toMatchObject({ status: 200, body: { doc: 'gone', running: false } });
    expect(await api('/api/sessions/never', { method: 'DELETE' })).toMatchObject({ status: 200, body: { doc: 'never', running: false } });
    expect((await api('/api/runtimes/never')).status).toBe(404);
  });
});
