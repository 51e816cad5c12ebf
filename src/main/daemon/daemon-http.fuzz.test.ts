// Hostile input (issue 17): a few thousand random and malformed requests at every route of a real
// daemon process (methods, paths, encodings, bodies, huge names, raw garbage on the socket).
// Nothing may answer 5xx, /health must keep answering, and the running service keeps its pid.
// Seeded, so a failure can be replayed: the seed is in the failure message.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../shared/contract';
import { sourceCliArgv } from '../../../test/helpers/cli-argv';
import { waitFor } from '../../../test/helpers/wait-for';
import { REST_ROUTES } from '../engine/api/rest-route-table';

const REQUESTS = 2500;
const CONCURRENCY = 16;
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

/** mulberry32: small, seeded, good enough to pick test input. */
function rng(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the daemon under random and malformed requests', () => {
  let dir: string;
  let daemon: ChildProcess;
  let output = '';
  let port = 0;
  let token = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-fuzz-'));
    const manifest = join(dir, 'services.toml');
    await writeFile(manifest, `[services.base]\ncommand = 'exec node -e "setInterval(() => {}, 1000)"'\n`);
    const [node, ...prefix] = sourceCliArgv;
    daemon = spawn(node, [...prefix, 'serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state'), '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    daemon.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const match = await waitFor(() => /listening on http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(output), Boolean, { what: 'daemon listening', timeoutMs: 60_000 });
    port = Number(match![1]);
    token = match![2];
  }, 90_000);

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  const errors = new Map<string, number>();
  function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<number> {
    return new Promise((resolve) => {
      let req;
      try {
        req = httpRequest({ host: '127.0.0.1', port, method, path, agent: false, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', () => resolve(-1));
        });
      } catch {
        resolve(-2); // the client itself refused the input (an illegal method or path): nothing sent
        return;
      }
      req.setTimeout(20_000, () => req.destroy());
      req.on('error', (error: NodeJS.ErrnoException) => {
        errors.set(error.code ?? error.message, (errors.get(error.code ?? error.message) ?? 0) + 1);
        resolve(-1);
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  const pidOfBase = async (): Promise<number | undefined> => {
    const reply = await fetch(`http://127.0.0.1:${port}/api/services/base`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await reply.json()) as { state: { kind: string; pid?: number } };
    return body.state.kind === 'running' ? body.state.pid : undefined;
  };

  it('answers every request without a 5xx; /health answers and the service keeps its pid', { timeout: 240_000 }, async () => {
    const pid = await waitFor(pidOfBase, (value) => typeof value === 'number', { what: 'base running', timeoutMs: 60_000 });
    const random = rng(seed);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const junk = (length: number) => Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0x2fff))).join('');
    const name = () =>
      pick([
        () => junk(1 + Math.floor(random() * 12)),
        () => 'x'.repeat(1000 + Math.floor(random() * 20_000)),
        () => '..%2F..%2Fetc%2Fpasswd',
        () => '%zz%',
        () => encodeURIComponent(junk(8)),
        () => '%00',
        () => 'monitor:' + junk(4),
        () => 'a/b/c',
        () => '',
      ])();
    const value = (depth: number): unknown =>
      pick([
        () => null,
        () => random() < 0.5,
        () => Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1),
        () => random() * 1e308,
        () => junk(Math.floor(random() * 40)),
        () => 'y'.repeat(Math.floor(random() * 200_000)),
        () => (depth > 3 ? [] : Array.from({ length: Math.floor(random() * 5) }, () => value(depth + 1))),
        () => (depth > 3 ? {} : object(depth + 1)),
      ])();
    const keys = ['name', 'command', 'doc', 'process', 'lines', 'maxBytes', 'processes', 'enabled', 'changes', 'restart', 'health', 'env', 'dependencies', 'id', 'text', '__proto__', 'constructor'];
    const object = (depth: number) => Object.fromEntries(Array.from({ length: Math.floor(random() * 6) }, () => [random() < 0.8 ? pick(keys) : junk(5), value(depth)]));
    const body = (): Buffer | string | undefined =>
      pick([
        () => undefined,
        () => JSON.stringify(object(0)),
        () => JSON.stringify(value(0)),
        () => '{"name": ',
        () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))),
        () => '\uFEFF{}',
        () => '[' .repeat(5000),
        () => JSON.stringify({ name: junk(6), command: 'true', health: { type: junk(3) } }),
        () => JSON.stringify({ doc: `notes-${Math.floor(random() * 100)}` }),
      ])();
    // Never a real service name, and never the set-wide actions: the point is that nothing runs differently.
    const callable = methodNames.filter((method) => !method.endsWith('All'));
    const path = () => {
      const route = pick(REST_ROUTES);
      const template = route.path === '/api/call/{method}' ? `/api/call/${random() < 0.9 ? pick(callable) : name()}` : route.path;
      let built = template.replace(/\{[^}]+\}/g, () => name());
      if (random() < 0.2) built += `?lines=${pick(['-1', 'NaN', '1e9', '99999999999', junk(3), ''])}&logs=${encodeURIComponent(junk(4))}`;
      if (random() < 0.05) built = built.replace('/api', pick(['/API', '/api/', '//api', '/api/../api']));
      return built;
    };

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const index = next++;
        const method = pick(['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'GET', 'POST']);
        const target = path();
        // /api/events streams forever: fuzz its refusals only (wrong method, no token).
        const events = target.includes('events');
        const headers: Record<string, string> = {};
        if (!events && random() < 0.9) headers.Authorization = `Bearer ${random() < 0.95 ? token : junk(10)}`;
        if (random() < 0.7) headers['Content-Type'] = pick(['application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data']);
        if (random() < 0.05) headers.Origin = pick(['http://evil.example', 'null', `http://127.0.0.1:${port}`]);
        const sent = method === 'GET' || method === 'HEAD' ? undefined : body();
        const status = await send(method, target, headers, sent);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // A reset while the client still writes a body the server chose not to read (a DELETE,
        // a refused token) is an early answer, not a failure; without a body it is one.
        const earlyRefusal = status === -1 && sent !== undefined && sent.length > 0;
        if (status >= 500 || (status === -1 && !earlyRefusal)) failures.push(`#${index} ${method} ${target.slice(0, 120)} → ${status}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Raw garbage on the socket: not HTTP at all, or HTTP with lies in it.
    const garbage = ['\x00\x01\x02\r\n\r\n', 'GET /api/services HTTP/1.1\r\nContent-Length: -5\r\n\r\n', `POST /api/services HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`, 'GET / HTTP/9.9\r\n\r\n'];
    for (const text of garbage) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(text));
        socket.setTimeout(10_000, () => socket.destroy());
        socket.on('data', (chunk) => {
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString())?.[1] ?? 0);
          if (status >= 500) failures.push(`raw ${JSON.stringify(text.slice(0, 40))} → ${status}`);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }

    expect(failures, `seed ${seed}; statuses ${JSON.stringify([...statuses])}; errors ${JSON.stringify([...errors])}`).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(await pidOfBase()).toBe(pid);
    expect(daemon.exitCode).toBeNull();
    // The fuzz did reach the routes: most requests were answered, not refused by the client.
    expect([...statuses].filter(([status]) => status >= 200).reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(REQUESTS * 0.8);
  });
});
