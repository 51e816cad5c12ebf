// The read-only viewer (issue 18) against real daemon processes: every REST route that changes
// something answers 403 and changes nothing, every GET answers as it does for the operator, a
// WebSocket viewer is refused a change but reads, subscribes and follows logs; the operator is
// unaffected; changes and refusals land in the audit with role, action and address, in the
// orchestrator log and at /api/audit, still there after a restart.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REST_ROUTES } from '../engine/api/rest-route-table';
import { METHOD_NAMES } from '../../shared/contract-names';
import { METHOD_ACCESS } from '../../shared/method-access';
import { CONTRACT_WS_PATH, CONTRACT_WS_PROTOCOL, tokenSubprotocol } from '../../shared/wire';
import type { ServiceSnapshot } from '../../shared/model';
import type { AuditEntry } from '../attach/audit-log';
import { runCliProcess, type RunningCli, stopCliProcesses } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';
import { NO_VIEWER_TOKEN } from '../cli/client-commands';

const ticker = `node -e "setInterval(() => console.log('tick'), 200)"`;
const VIEWER = 'viewer-token-for-the-gallery';

interface Daemon {
  cli: RunningCli;
  url: string;
  token: string;
  request: (token: string, method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
}

async function startDaemon(manifest: string, stateDir: string, { viewerFlag = true } = {}): Promise<Daemon> {
  const args = ['serve', '--config', manifest, '--port', '0', '--state-dir', stateDir, '--quiet', ...(viewerFlag ? ['--viewer-token', VIEWER] : [])];
  const cli = runCliProcess(args, viewerFlag ? {} : { env: { SHOWRUNNER_VIEWER_TOKEN: VIEWER } });
  const [, url, token] = (await waitFor(() => /listening on (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(cli.output()), Boolean, { what: 'daemon listening', timeoutMs: 60_000 }))!;
  const request = async (as: string, method: string, path: string, body?: unknown) => {
    const reply = await fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${as}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await reply.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // metrics: text
    }
    return { status: reply.status, body: parsed as any };
  };
  return { cli, url, token, request };
}

/** A contract client over the daemon's WebSocket, as the browser page connects. */
async function openSocket(url: string, token: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${CONTRACT_WS_PATH}`, [CONTRACT_WS_PROTOCOL, tokenSubprotocol(token)]);
  const messages: any[] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const call = async (method: string, args: unknown) => {
    const mine = ++id;
    ws.send(JSON.stringify({ type: 'call', id: mine, method, args }));
    const reply: any = await waitFor(() => messages.find((message) => message.type === 'reply' && message.id === mine), Boolean, { what: `reply to ${method}` });
    return reply.reply;
  };
  return { ws, messages, call };
}

const service = async (daemon: Daemon, name: string): Promise<ServiceSnapshot> =>
  ((await daemon.request(daemon.token, 'GET', '/api/services')).body.services as ServiceSnapshot[]).find((one) => one.name === name)!;

describe('the viewer role, with real daemons', () => {
  let dir: string;
  let manifest: string;
  let state: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-viewer-'));
    manifest = join(dir, 'services.toml');
    state = join(dir, 'state');
    await writeFile(manifest, `[services.web]\ncommand = ${JSON.stringify(ticker)}\n`);
  });
  afterEach(async () => {
    await stopCliProcesses(); // before the folder goes: a daemon may still write into it
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every change over REST 403 and every read as for the operator', async () => {
    const daemon = await startDaemon(manifest, state);
    await waitFor(() => service(daemon, 'web'), (web) => web?.state.kind === 'running', { what: 'web running', timeoutMs: 30_000 });
    const before = await service(daemon, 'web');
    // A run artifact needs its file name; the run `{id}` does not exist (404 for both roles).
    const fill = (path: string) => path.replace('{name}', 'web').replace('{doc}', 'notes') + (path.endsWith('/artifact') ? '?name=run.json' : '');

    for (const route of REST_ROUTES.filter((each) => !each.open && each.path !== '/api/call/{method}')) {
      const path = fill(route.path);
      if (route.method === 'GET') {
        if (path === '/api/events') continue; // a stream: below
        const asViewer = await daemon.request(VIEWER, 'GET', path);
        const asOperator = await daemon.request(daemon.token, 'GET', path);
        expect(asViewer.status, path).toBe(asOperator.status);
        expect([200, 404], path).toContain(asViewer.status);
        if (!path.includes('{') && !/\/(runtimes|sessions)\/notes$/.test(path)) expect(asViewer.status, path).toBe(200);
      } else {
        const body = route.path === '/api/services' ? { name: 'extra', command: ticker } : { doc: 'notes' };
        const reply = await daemon.request(VIEWER, route.method, path, route.method === 'DELETE' ? undefined : body);
        expect(reply.status, `${route.method} ${path}`).toBe(403);
        expect(reply.body.error.code, `${route.method} ${path}`).toBe('forbidden');
      }
    }
    // Every contract method at /api/call/{method}: changes refused, reads answered.
    const argsFor: Record<string, unknown> = { 'logs.tail': { process: 'web' }, 'logs.lines': { process: 'web' }, 'logs.filePath': { process: 'web' }, 'logs.follow': { processes: [] }, 'executions.list': { doc: 'notes' }, 'runs.get': { id: 'none' }, 'runs.artifact': { id: 'none', name: 'run.json' } };
    for (const method of METHOD_NAMES) {
      const args = argsFor[method] ?? (METHOD_ACCESS[method] === 'change' ? { name: 'web' } : {});
      const reply = await daemon.request(VIEWER, 'POST', `/api/call/${method}`, args);
      if (METHOD_ACCESS[method] === 'change') {
        expect([reply.status, reply.body.error?.code], method).toEqual([403, 'forbidden']);
        continue;
      }
      // A read answers the viewer as it answers the operator (executions.list: 404, no monitor; runs.get/artifact: 404, no such run).
      const asOperator = await daemon.request(daemon.token, 'POST', `/api/call/${method}`, args);
      expect(reply.status, `${method}: ${JSON.stringify(reply.body)}`).toBe(asOperator.status);
      expect(reply.status, method).not.toBe(403);
      if (!['executions.list', 'runs.get', 'runs.artifact'].includes(method)) expect(reply.status, method).toBe(200);
    }
    expect((await daemon.request(VIEWER, 'POST', '/api/call/access.role', {})).body).toEqual({ role: 'viewer' });
    expect((await daemon.request(daemon.token, 'POST', '/api/call/access.role', {})).body).toEqual({ role: 'operator' });
    // Server-sent events: open to the viewer.
    const controller = new AbortController();
    const events = await fetch(`${daemon.url}/api/events`, { headers: { Authorization: `Bearer ${VIEWER}` }, signal: controller.signal });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
    // Nothing changed: still running, never restarted, nothing added.
    const after = await service(daemon, 'web');
    expect(after.state.kind).toBe('running');
    expect(after.restarts).toBe(before.restarts);
    expect(after.state).toEqual(before.state);
    expect((await daemon.request(daemon.token, 'GET', '/api/services')).body.services.map((one: ServiceSnapshot) => one.name)).toEqual(['web']);
    // A token that is neither is still 401.
    expect((await daemon.request('wrong-token-wrong-token', 'GET', '/api/services')).status).toBe(401);
  }, 120_000);

  it('refuses a viewer\'s change over the WebSocket, lets it subscribe and follow logs, and audits it all across a restart', async () => {
    // The viewer token from the environment this time (kept out of `ps`).
    let daemon = await startDaemon(manifest, state, { viewerFlag: false });
    await waitFor(() => service(daemon, 'web'), (web) => web?.state.kind === 'running', { what: 'web running', timeoutMs: 30_000 });
    const viewer = await openSocket(daemon.url, VIEWER);
    expect(await viewer.call('access.role', {})).toEqual({ ok: true, value: { role: 'viewer' } });
    const refused = await viewer.call('services.restart', { name: 'web' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const subscribed = await viewer.call('system.subscribe', {});
    expect(subscribed.ok).toBe(true);
    expect(await viewer.call('logs.follow', { processes: ['web'] })).toMatchObject({ ok: true });
    await waitFor(() => viewer.messages.some((message) => message.type === 'event' && message.name === 'log.chunk' && message.payload.process === 'web'), Boolean, { what: 'a log chunk of web' });
    expect((await service(daemon, 'web')).restarts).toBe(0);

    // The operator is unaffected, over REST and the WebSocket, and the viewer sees what it did.
    const operator = await openSocket(daemon.url, daemon.token);
    expect(await operator.call('access.role', {})).toEqual({ ok: true, value: { role: 'operator' } });
    expect(await operator.call('services.stop', { name: 'web' })).toMatchObject({ ok: true });
    expect((await daemon.request(daemon.token, 'POST', '/api/services/web/start')).status).toBe(200);
    await waitFor(() => viewer.messages.filter((message) => message.type === 'event' && message.name === 'service.changed' && message.payload.service.name === 'web').map((message) => message.payload.service.state.kind), (kinds) => kinds.includes('stopping') && kinds.at(-1) === 'running', { what: 'the viewer seeing web stop and start' });
    expect((await daemon.request(VIEWER, 'POST', '/api/services/web/stop')).status).toBe(403);
    viewer.ws.close();
    operator.ws.close();

    const audit = async (as: string) => (await daemon.request(as, 'GET', '/api/audit')).body.entries as AuditEntry[];
    const brief = (entries: AuditEntry[]) => entries.map((entry) => `${entry.role} ${entry.transport} ${entry.action} ${entry.result}`);
    const expected = [
      'viewer websocket services.restart denied',
      'operator websocket services.stop ok',
      'operator rest services.start ok',
      'viewer rest POST /api/services/web/stop denied',
    ];
    const entries = await waitFor(() => audit(daemon.token), (list) => list.length >= 4, { what: 'four audit entries' });
    expect(brief(entries)).toEqual(expected);
    for (const entry of entries) {
      expect(entry.address).toMatch(/127\.0\.0\.1|::1/);
      expect(Date.parse(entry.time)).toBe(entry.at);
    }
    expect(entries[0].args).toEqual({ name: 'web' });
    // The viewer may read the audit too (it holds no secret).
    expect(brief(await audit(VIEWER))).toEqual(expected);
    expect(brief((await daemon.request(daemon.token, 'GET', `/api/audit?since=${entries[2].at}&limit=1`)).body.entries)).toEqual(expected.slice(3));
    expect((await daemon.request(daemon.token, 'GET', '/api/audit?limit=0')).status).toBe(400);
    const orchestratorLog = (await daemon.request(daemon.token, 'GET', '/api/logs/orchestrator?lines=200')).body.lines.join('\n');
    expect(orchestratorLog).toContain('audit: viewer services.restart name=web from');
    expect(orchestratorLog).toContain('audit: operator services.stop name=web from');

    // A restart reads the record back.
    daemon.cli.child.kill('SIGTERM');
    expect(await daemon.cli.exited).toBe(0);
    daemon = await startDaemon(manifest, state);
    expect(brief(await audit(daemon.token))).toEqual(expected);
  }, 120_000);

  it('prints the read-only panel URL with `url --viewer`, each daemon its own, and says when there is none', async () => {
    const daemon = await startDaemon(manifest, state, { viewerFlag: false }); // from the environment
    const printed = async (...args: string[]) => {
      const cli = runCliProcess(['url', '--config', manifest, ...args]);
      return { code: await cli.exited, output: cli.output().trim() };
    };
    // A second daemon under the same HOME, another manifest and viewer token: each keeps its own.
    const otherManifest = join(dir, 'other.toml');
    await writeFile(otherManifest, `[services.web]\ncommand = ${JSON.stringify(ticker)}\n`);
    const other = runCliProcess(['serve', '--config', otherManifest, '--port', '0', '--state-dir', state, '--quiet', '--viewer-token', 'another-viewer-token-here']);
    const [, otherUrl] = (await waitFor(() => /listening on (http:\/\/[^/\s]+)\//.exec(other.output()), Boolean, { what: 'the second daemon listening', timeoutMs: 60_000 }))!;
    const otherViewer = runCliProcess(['url', '--config', otherManifest, '--viewer']);
    expect(await otherViewer.exited).toBe(0);
    expect(otherViewer.output().trim()).toBe(`${otherUrl}/?token=another-viewer-token-here`);
    expect(await printed()).toEqual({ code: 0, output: `${daemon.url}/?token=${encodeURIComponent(daemon.token)}` });
    const viewer = await printed('--viewer');
    expect(viewer).toEqual({ code: 0, output: `${daemon.url}/?token=${encodeURIComponent(VIEWER)}` });
    // The token it prints is the viewer's: it reads, and a change is refused.
    const token = new URL(viewer.output).searchParams.get('token')!;
    expect((await daemon.request(token, 'POST', '/api/call/access.role', {})).body).toEqual({ role: 'viewer' });
    expect((await daemon.request(token, 'POST', '/api/services/web/stop')).status).toBe(403);

    daemon.cli.child.kill('SIGTERM');
    expect(await daemon.cli.exited).toBe(0);
    const plain = runCliProcess(['serve', '--config', manifest, '--port', '0', '--state-dir', state, '--quiet']);
    await waitFor(() => plain.output(), (text) => text.includes('listening on'), { what: 'daemon without a viewer token', timeoutMs: 60_000 });
    expect(await printed('--viewer')).toEqual({ code: 1, output: `showrunner: ${NO_VIEWER_TOKEN}` });
  }, 120_000);

  it('refuses to start when the viewer token is the operator\'s', async () => {
    const cli = runCliProcess(['serve', '--config', manifest, '--port', '0', '--state-dir', state, '--token', VIEWER, '--viewer-token', VIEWER]);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('the viewer token must differ from the operator token');
    expect(cli.output()).not.toContain('listening on');
  }, 60_000);
});
