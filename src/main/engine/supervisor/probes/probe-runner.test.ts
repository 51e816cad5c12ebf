import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../../test/helpers/wait-for';
import { freePort, makeSpec, nodeCommand, QUIET_HOME, supervisorHarness } from '../../../../../test/fixtures/supervisor-test-kit';
import type { HealthSpec, ProbeTiming } from '../../config/manifest-types';
import { readProcess } from '../proc-table';
import { execProbe } from './exec-probe';
import { httpProbe } from './http-probe';
import { processProbe } from './process-probe';
import { ProbeRunner } from './probe-runner';
import { tcpProbe } from './tcp-probe';

const harness = supervisorHarness();
const timing: ProbeTiming = { intervalMs: 50, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 2, successThreshold: 1 };

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    harness.cleanup(() => new Promise<void>((done) => server.close(() => done())));
  });
}

describe('probes', () => {
  it('passes an HTTP probe only for a status inside the expected range', async () => {
    let status = 204;
    const port = await listen(createHttpServer((_, response) => response.writeHead(status).end()));
    const url = `http://127.0.0.1:${port}/health`;
    expect(await httpProbe(url, [200, 299], 1000)).toEqual({ ok: true, message: 'HTTP 204' });
    status = 500;
    expect(await httpProbe(url, [200, 299], 1000)).toEqual({ ok: false, message: 'HTTP 500 (want 200–299)' });
  });

  it('fails an HTTP probe that gets no answer within its timeout', async () => {
    const port = await listen(createHttpServer(() => {}));
    const outcome = await httpProbe(`http://127.0.0.1:${port}/`, [200, 399], 100);
    expect(outcome).toEqual({ ok: false, message: 'timed out after 100 ms' });
  });

  it('reports a refused connection in words for HTTP and TCP probes', async () => {
    const port = await freePort();
    expect(await httpProbe(`http://127.0.0.1:${port}/`, [200, 399], 1000)).toEqual({ ok: false, message: 'connection refused' });
    expect(await tcpProbe('127.0.0.1', port, 1000)).toEqual({ ok: false, message: `127.0.0.1:${port} connection refused` });
  });

  it('passes a TCP probe when something accepts connections', async () => {
    const port = await listen(createTcpServer((socket) => socket.destroy()));
    expect((await tcpProbe('127.0.0.1', port, 1000)).ok).toBe(true);
  });

  it('runs an exec probe in the service env and dir, and kills it at the timeout', async () => {
    const context = { workingDir: harness.tempDir(), env: { PROBE_WORD: 'ready', HOME: QUIET_HOME } };
    expect(await execProbe('test "$PROBE_WORD" = ready && echo "$PWD"', 2000, context)).toEqual({ ok: true, message: `exit 0: ${context.workingDir}` });
    expect(await execProbe('echo not yet >&2; exit 3', 2000, context)).toEqual({ ok: false, message: 'exit 3: not yet' });
    expect(await execProbe('sleep 30', 100, context)).toEqual({ ok: false, message: 'timed out after 100 ms' });
  });

  it('checks with a process probe that the main process is still the same one', () => {
    const self = { pid: process.pid, startTime: readProcess(process.pid)!.startTime };
    expect(processProbe(self).ok).toBe(true);
    expect(processProbe({ ...self, startTime: 'another' }).ok).toBe(false);
  });
});

describe('ProbeRunner', () => {
  it('waits for successThreshold passes in a row before calling a service healthy', async () => {
    const port = await listen(createHttpServer((_, response) => response.writeHead(200).end()));
    const health: HealthSpec = { type: 'http', url: `http://127.0.0.1:${port}/`, expectStatus: [200, 299], timing: { ...timing, successThreshold: 3 } };
    const seen: string[] = [];
    const runner = new ProbeRunner({
      health,
      main: { pid: process.pid, startTime: '' },
      context: { workingDir: '/', env: {} },
      onResult: (state) => seen.push(state),
      onUnhealthy: () => {},
    });
    harness.cleanup(() => runner.stop());
    runner.start();
    await waitFor(() => seen.length, (count) => count >= 3, { what: 'three results' });
    expect(seen.slice(0, 3)).toEqual(['unknown', 'unknown', 'healthy']);
  });
});

describe('liveness', () => {
  it('restarts a service whose probe fails failureThreshold times after it was healthy', async () => {
    const { supervisor, kind } = harness.supervisor();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    await supervisor.apply([makeSpec('web', nodeCommand('http-gate-server.js', port), { health: { type: 'http', url, expectStatus: [200, 299], timing } })]);
    await waitFor(() => supervisor.get('web')!.lastProbe?.message, (message) => message?.startsWith('HTTP') ?? false, { what: 'web answering' });
    await fetch(`${url}open`, { method: 'POST' });
    await waitFor(() => supervisor.get('web')!.health, (health) => health === 'healthy', { what: 'web healthy' });

    await fetch(`${url}close`, { method: 'POST' });
    const restarted = await waitFor(() => supervisor.get('web')!, (web) => web.restarts === 1, { what: 'one restart' });
    expect(restarted.transitions.map((t) => `${t.to}: ${t.reason}`)).toContain('stopping: unhealthy: HTTP 503 (want 200–299)');
    await waitFor(kind('web'), (state) => state === 'running', { what: 'web running again' });
  });

  it('keeps a service that never became healthy running, shown unhealthy', async () => {
    const { supervisor } = harness.supervisor();
    const port = await freePort();
    const health: HealthSpec = { type: 'tcp', host: '127.0.0.1', port, timing: { ...timing, failureThreshold: 1, intervalMs: 100 } };
    await supervisor.apply([makeSpec('slow', 'exec sleep 30', { health })]);
    const slow = await waitFor(() => supervisor.get('slow')!, (s) => s.health === 'unhealthy', { what: 'unhealthy' });
    expect(slow.state.kind).toBe('running');
    expect(slow.restarts).toBe(0);
    expect(slow.probe).toEqual({ type: 'tcp', target: `127.0.0.1:${port}` });
  });
});

describe('probe results after the process is gone', () => {
  it('drops an answer that arrives after the runner was stopped (the process exited meanwhile)', async () => {
    // The server holds the request until the test lets it answer: the answer then arrives late.
    let answer: (() => void) | null = null;
    let closed = false;
    const server = createHttpServer((_, response) => {
      answer = () => response.writeHead(200).end();
      response.socket?.once('close', () => (closed = true));
    });
    const port = await listen(server);
    const results: string[] = [];
    const runner = new ProbeRunner({
      health: { type: 'http', url: `http://127.0.0.1:${port}/`, expectStatus: [200, 299], timing },
      main: { pid: process.pid, startTime: readProcess(process.pid)?.startTime ?? '' },
      context: { workingDir: QUIET_HOME, env: {} },
      onResult: (health, result) => results.push(`${health}: ${result.message}`),
      onUnhealthy: () => results.push('restart'),
    });
    runner.start();
    await waitFor(() => answer, (held) => held !== null, { what: 'the probe request held by the server' });
    runner.stop();
    answer!();
    // The probe closes its socket only after it has read the answer and run its continuation.
    await waitFor(() => closed, (done) => done, { what: 'the probe socket closed' });
    expect(results).toEqual([]);
  });
});
