// The OpenAPI 3.1 document of the daemon (issue 17), generated from the zod contract and the
// route table, never written by hand: `z.toJSONSchema` turns each schema into JSON Schema
// 2020-12 (OpenAPI 3.1's dialect). Shared model schemas become components, referenced by $ref.
import { z } from 'zod';
import { events, methods, methodNames } from '../../../shared/contract';
import { DeviceSnapshot, ExecutionSnapshot, ManifestProblem, MonitorSnapshot, Notice, ServiceSnapshot, SystemSnapshot } from '../../../shared/model';
import { ApiError, REST_ROUTES, type RestRoute } from './rest-route-table';

type Json = Record<string, unknown>;

const NAMED_MODELS: Record<string, z.ZodType> = { ServiceSnapshot, DeviceSnapshot, MonitorSnapshot, ExecutionSnapshot, ManifestProblem, Notice, SystemSnapshot };

const ERROR_STATUSES: Record<string, string> = {
  '400': 'invalid arguments or body (`error.details` names the fields)',
  '401': 'missing or wrong token',
  '403': 'forbidden: the viewer token reads only (issue 18); every change is refused',
  '404': 'no such route, service or method',
  '409': 'conflict: the name exists, the service belongs to the manifest, or this daemon does not offer it (`unavailable`: no sync server, no manifest file)',
  '422': 'the manifest has problems; nothing was applied',
};

let cached: Json | null = null;

export function openApiDocument({ version = '0.1.0' }: { version?: string } = {}): Json {
  if (cached) return cached;
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED_MODELS)) registry.add(schema, { id });
  registry.add(ApiError, { id: 'Error' });
  // Each schema a route uses gets a component id, so one generation pass shares the named ones.
  const ids = new Map<z.ZodType, string>();
  const idOf = (schema: z.ZodType, id: string): string => {
    const known = registry.get(schema)?.id ?? ids.get(schema);
    if (known) return known;
    registry.add(schema, { id });
    ids.set(schema, id);
    return id;
  };

  const paths: Record<string, Record<string, Json>> = {};
  const add = (path: string, method: string, operation: Json) => ((paths[path] ??= {})[method.toLowerCase()] = operation);

  for (const route of REST_ROUTES) {
    if (route.path === '/api/call/{method}') continue;
    add(route.path, route.method, operationFor(route, idOf));
  }
  for (const name of methodNames) {
    const { args, result } = methods[name];
    add(`/api/call/${name}`, 'POST', {
      operationId: `call.${name}`,
      summary: `Contract method ${name}`,
      tags: ['contract'],
      requestBody: { required: true, content: { 'application/json': { schema: ref(idOf(args, `${name}.args`)) } } },
      responses: { '200': jsonResponse('the method\'s result', ref(idOf(result, `${name}.result`))), ...errorResponses() },
    });
  }

  const generated = z.toJSONSchema(registry, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  const schemas: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    schemas[id] = rest;
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Showrunner daemon API',
      version,
      description:
        'Generated from the zod contract (src/shared/contract.ts) and the route table (rest-route-table.ts). ' +
        'Every route but /health, /api/openapi.json and /api/docs needs `Authorization: Bearer TOKEN` (`showrunner url` prints it). ' +
        `Events over /ws and /api/events: ${Object.keys(events).join(', ')}.`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'mrmd', description: "mrmd-orchestrator's routes, with its bodies" },
      { name: 'showrunner', description: 'Showrunner routes' },
      { name: 'contract', description: 'Every contract method, as POST /api/call/{method}' },
    ],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
  return cached;
}

function operationFor(route: RestRoute, idOf: (schema: z.ZodType, id: string) => string): Json {
  const name = `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`;
  const parameters: Json[] = [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, param]) => ({
    name: param,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    ...(param === 'doc' || route.path.startsWith('/api/logs/') ? { description: 'may contain `/`, unescaped' } : {}),
  }));
  for (const [query, { description, schema }] of Object.entries(route.query ?? {})) {
    parameters.push({ name: query, in: 'query', required: false, description, schema: z.toJSONSchema(schema, { target: 'draft-2020-12' }) });
  }
  const success =
    'contentType' in route.response
      ? { description: route.response.description, content: { [route.response.contentType]: {} } }
      : jsonResponse('success', ref(idOf(route.response, `${name}.response`)));
  const operation: Json = {
    operationId: name,
    summary: route.summary,
    tags: [route.mrmd ? 'mrmd' : 'showrunner'],
    responses: { [String(route.status ?? 200)]: success, ...(route.open ? {} : errorResponses()) },
  };
  if (route.open) operation.security = [];
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: ref(idOf(route.body, `${name}.body`)) } } };
  return operation;
}

function ref(id: string): Json {
  return { $ref: `#/components/schemas/${id}` };
}

function jsonResponse(description: string, schema: Json): Json {
  return { description, content: { 'application/json': { schema } } };
}

function errorResponses(): Record<string, Json> {
  return Object.fromEntries(Object.entries(ERROR_STATUSES).map(([status, description]) => [status, jsonResponse(description, ref('Error'))]));
}
