// The OpenAPI document (issue 17): generated from the contract and the route table, checked by a
// JSON Schema validator (ajv, draft 2020-12, OpenAPI 3.1's dialect) and against a real daemon:
// every route in the table is answered (none is a "no route"), every JSON reply matches its
// schema, and a route outside the table does not exist.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../../shared/contract';
import { spawn, type ChildProcess } from 'node:child_process';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { waitFor } from '../../../../test/helpers/wait-for';
import { installFakeDocker } from '../../../../test/helpers/fake-docker';
import { findFreePort } from '../net/find-free-port';
import { openApiDocument } from './openapi-document';
import { REST_ROUTES } from './rest-route-table';
import { handleRestRequest } from './rest-routes';

type Json = Record<string, any>;
const document = openApiDocument() as Json;

function validatorFor(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false, allowUnionTypes: true });
  // The document's own layout, so `#/components/schemas/X` resolves as in the document.
  ajv.addVocabulary(['components']);
  ajv.addSchema({ $id: 'https://showrunner.invalid/openapi.json', components: { schemas: document.components.schemas } });
  return ajv;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with an operation for every route of the table and every contract method', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of REST_ROUTES) {
      if (route.path === '/api/call/{method}') continue;
      expect(document.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    }
    for (const name of methodNames) expect(document.paths[`/api/call/${name}`]?.post, name).toBeDefined();
    const operations = Object.values(document.paths as Json).flatMap((item) => Object.values(item as Json)) as Json[];
    expect(operations.length).toBe(REST_ROUTES.length - 1 + methodNames.length);
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      expect(Object.keys(operation.responses).length, operation.operationId).toBeGreaterThan(0);
      for (const response of Object.values(operation.responses as Json)) expect(typeof response.description).toBe('string');
    }
  });

  it('compiles every schema with a JSON Schema 2020-12 validator, every $ref resolving', () => {
    const ajv = validatorFor();
    for (const id of Object.keys(document.components.schemas)) {
      expect(() => ajv.getSchema(`https://showrunner.invalid/openapi.json#/components/schemas/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`), id).not.toThrow();
    }
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    for (const ref of refs) expect(document.components.schemas[ref], ref).toBeDefined();
  });

  it('answers a route outside the table with 404, whatever the switch might hold', async () => {
    const reply = await handleRestRequest(
      { method: 'PUT', segments: ['services', 'x'], query: new URLSearchParams(), body: {} },
      { call: async () => ({ ok: true, value: [] }) as never, urls: () => ({}) },
    );
    expect(reply).toMatchObject({ status: 404, body: { error: { message: 'no route PUT /api/services/x' } } });
  });

  it('answers a path longer than any route with 404, not as the route it starts with', async () => {
    const reply = await handleRestRequest(
      { method: 'POST', segments: ['services', 'x', 'start', 'extra'], query: new URLSearchParams(), body: {} },
      { call: async () => ({ ok: true, value: [] }) as never, urls: () => ({}) },
    );
    expect(reply).toMatchObject({ status: 404, body: { error: { message: 'no route POST /api/services/x/start/extra' } } });
  });
});

describe('the OpenAPI document against a real daemon', () => {
  let dir: string;
  let cli: ChildProcess;
  let output = '';
  let url: string;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-openapi-'));
    const manifest = join(dir, 'services.toml');
    // A sync server, so the monitor routes answer with their success bodies too.
    const syncPort = await findFreePort();
    // A protected compose service (stand-in docker) gives the runs routes a run awaiting approval.
    const docker = await installFakeDocker(dir);
    await mkdir(join(dir, 'stack'));
    const web = '[services.web]\nkind = "compose"\nproject_dir = "stack"\nprotected = true\n';
    await writeFile(manifest, `[sync]\nport = ${syncPort}\ndocs_dir = "docs"\n\n[services.base]\ncommand = 'node -e "setInterval(() => console.log(1), 500)"'\n\n${web}`);
    // One daemon for the whole file (run-cli-process.ts would stop it after the first test).
    const [node, ...prefix] = sourceCliArgv;
    cli = spawn(node, [...prefix, 'serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state'), '--quiet'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...docker.env } });
    cli.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const match = await waitFor(() => /listening on (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(output), Boolean, { what: 'daemon listening', timeoutMs: 60_000 });
    [, url, token] = match!;
  }, 90_000);

  afterAll(async () => {
    if (cli && cli.exitCode === null) {
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  const bodies: Record<string, unknown> = {
    'POST /api/monitors': { doc: 'notes' },
    'POST /api/runtimes': { doc: 'notes' },
    'POST /api/sessions': { doc: 'notes' },
    'POST /api/services': { name: 'added', command: 'sleep 1000' },
    'PATCH /api/services/{name}': { display_name: 'Added' },
  };
  let runId = '';
  const pathFor = (path: string) =>
    path.replace('{name}', path.startsWith('/api/logs/') ? 'base' : path.endsWith('/rollout') ? 'web' : 'added').replace('{doc}', 'notes').replace('{id}', runId) +
    (path.endsWith('/artifact') ? '?name=run.json' : '');
  /** The run is approved first, so rejecting it is a conflict. */
  const expectedStatus: Record<string, number> = { 'POST /api/runs/{id}/reject': 409 };

  it('serves the document and the docs page without a token; the page under a CSP that allows no script or remote asset', async () => {
    const served = await fetch(`${url}/api/openapi.json`);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(document);
    const page = await fetch(`${url}/api/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src|https?:/);
    const html = await page.text();
    expect(html).toContain('/api/services/{name}');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('answers every route of the table (none is "no route"), and each JSON reply matches its schema', { timeout: 120_000 }, async () => {
    const ajv = validatorFor();
    // Order matters: the service is added before it is patched, started, stopped and deleted.
    const order = (route: (typeof REST_ROUTES)[number]) =>
      route.method === 'DELETE' ? 2 : route.method === 'POST' && (route.path === '/api/services' || route.path.endsWith('/rollout')) ? 0 : route.path.endsWith('/reject') ? 1.5 : 1;
    const routes = [...REST_ROUTES].filter((route) => route.path !== '/api/call/{method}' && route.path !== '/api/events').sort((a, b) => order(a) - order(b));
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const reply = await fetch(`${url}${pathFor(route.path)}`, {
        method: route.method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify(bodies[key] ?? {}),
      });
      const text = await reply.text();
      expect(text, key).not.toMatch(/no route/);
      const status = expectedStatus[key] ?? route.status ?? 200;
      expect(reply.status, `${key}: ${text}`).toBe(status);
      if (key === 'POST /api/services/{name}/rollout') runId = JSON.parse(text).id;
      if (key === 'POST /api/services/{name}/rollout') await waitFor(() => fetch(`${url}/api/runs/${runId}`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ status: string }>), (run) => run.status === 'awaiting_approval', { what: 'run awaiting approval' });
      const operation = document.paths[route.path][route.method.toLowerCase()];
      const schema = (operation.responses[String(status)] ?? operation.responses.default)?.content?.['application/json']?.schema;
      if (!schema || route.path === '/api/openapi.json') continue;
      const validate = ajv.compile({ $ref: `https://showrunner.invalid/openapi.json${schema.$ref}` });
      expect(validate(JSON.parse(text)), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('answers every contract method at /api/call/{method} with a reply that matches its result schema, or a contract error', { timeout: 60_000 }, async () => {
    const ajv = validatorFor();
    const safe = ['system.subscribe', 'services.list', 'manifest.problems', 'devices.list', 'monitors.list', 'logs.lines', 'logs.tail'];
    const args: Record<string, unknown> = { 'logs.lines': { process: 'base' }, 'logs.tail': { process: 'base' } };
    for (const name of safe) {
      const reply = await fetch(`${url}/api/call/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(args[name] ?? {}) });
      expect(reply.status, name).toBe(200);
      const validate = ajv.compile({ $ref: `https://showrunner.invalid/openapi.json${document.paths[`/api/call/${name}`].post.responses['200'].content['application/json'].schema.$ref}` });
      const body = await reply.json();
      expect(validate(body), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
