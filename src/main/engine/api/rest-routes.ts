// The daemon's REST surface: mrmd-orchestrator's routes with their bodies (ARCHITECTURE.md §8,
// seed 000) plus `POST /api/call/<method>`, which exposes every contract method with the same
// validation and envelope as the WebSocket. Every route goes through the contract, so the REST
// view can never disagree with the UI.
import type { MethodArgs, MethodName, MethodResult, Reply } from '../../../shared/contract';
import { handleRuntimeRoute } from './runtime-routes';
import { REST_ROUTE_KEYS } from './rest-route-table';

export type ContractCaller = <M extends MethodName>(method: M | string, args: MethodArgs<M> | unknown) => Promise<Reply<MethodResult<M>>>;

export interface RestRequest {
  method: string;
  /** Path split at `/`, decoded, without the leading `api`. */
  segments: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface RestResponse {
  status: number;
  body: unknown;
  /** Default JSON; a string body with this type is sent as is (run artifacts). */
  contentType?: string;
}

export interface RestContext {
  call: ContractCaller;
  urls: () => Record<string, unknown>;
}

const statusForCode: Record<string, number> = {
  'invalid-args': 400,
  'not-found': 404,
  'unknown-method': 404,
  'manifest-invalid': 422,
  conflict: 409,
  // Not offered by this configuration (no sync server, no manifest file in mrmd mode, a
  // desktop-only method): a lasting state of the daemon, not a fault, so never a 5xx.
  unavailable: 409,
  unauthorized: 401,
  'sender-rejected': 403,
  forbidden: 403,
  internal: 500,
};

function fromReply<T>(reply: Reply<T>, shape: (value: T) => unknown = (value) => value): RestResponse {
  if (reply.ok) return { status: 200, body: shape(reply.value) };
  return { status: statusForCode[reply.error.code] ?? 500, body: { error: reply.error } };
}

export async function handleRestRequest(request: RestRequest, context: RestContext): Promise<RestResponse> {
  const { method, segments, query, body } = request;
  const [resource] = segments;
  // Document and process names may contain slashes (`notes/today`); services never do.
  const freeForm = resource === 'logs' || resource === 'monitors' || resource === 'runtimes' || resource === 'sessions';
  const name = freeForm ? (segments.length > 1 ? segments.slice(1).join('/') : undefined) : segments[1];
  const action = freeForm ? undefined : segments[2];
  const route = `${method} ${resource ?? ''}${name === undefined ? '' : '/:name'}${action === undefined ? '' : '/' + action}`;
  const { call } = context;
  // Only routes with schemas in the table exist (rest-route-table.ts; the OpenAPI document).
  // `/api/services/x/start/extra` is no route, not `start`.
  const extra = !freeForm && segments.length > 3;
  if (extra || !REST_ROUTE_KEYS.has(route)) return noRoute(method, segments);
  // mrmd's runtime attachments, for the editor bundle (runtime-routes.ts).
  if (resource === 'runtimes' || resource === 'sessions') return handleRuntimeRoute(method, name, body, context as never);

  switch (route) {
    case 'POST call/:name':
      return fromReply(await call(name as MethodName, body ?? {}));
    case 'GET status': {
      const reply = await call('system.subscribe', {});
      return fromReply(reply, ({ snapshot }) => ({
        status: 'running',
        manifest: snapshot.manifestPath,
        services: Object.fromEntries(
          snapshot.services.map((service) => [
            service.name,
            { running: service.state.kind === 'running', state: service.state, health: service.health, restarts: service.restarts },
          ]),
        ),
        monitors: snapshot.monitors.map((monitor) => ({ doc: monitor.doc, running: monitor.running })),
        problems: snapshot.problems,
        urls: context.urls(),
        alerts: snapshot.alerts ?? null,
      }));
    }
    case 'GET urls':
      return { status: 200, body: context.urls() };
    case 'GET services':
      return fromReply(await call('services.list', {}), (services) => ({ services }));
    case 'GET services/:name': {
      const reply = await call('services.list', {});
      if (!reply.ok) return fromReply(reply);
      const found = reply.value.find((service) => service.name === name);
      return found ? { status: 200, body: found } : { status: 404, body: { error: { code: 'not-found', message: `no service ${name}` } } };
    }
    case 'POST services': {
      const reply = await call('services.add', body);
      return reply.ok ? { status: 201, body: reply.value } : fromReply(reply);
    }
    case 'PATCH services/:name':
      return fromReply(await call('services.update', { name, changes: body }));
    case 'DELETE services/:name':
      return fromReply(await call('services.remove', { name }));
    case 'POST services/:name/start':
    case 'POST services/:name/stop':
    case 'POST services/:name/restart':
    case 'POST services/:name/kill':
      return fromReply(await call(`services.${action}` as MethodName, { name }));
    case 'GET monitors':
      return fromReply(await call('monitors.list', {}), (monitors) => ({ monitors }));
    case 'POST monitors': {
      const doc = (body as { doc?: unknown } | null)?.doc;
      return fromReply(await call('monitors.start', { doc }), (monitor) => ({
        doc: monitor.doc,
        running: monitor.running,
        message: `Monitor started for ${monitor.doc}`,
      }));
    }
    case 'GET monitors/:name': {
      const reply = await call('monitors.list', {});
      if (!reply.ok) return fromReply(reply);
      const found = reply.value.find((monitor) => monitor.doc === name);
      return found ? { status: 200, body: found } : { status: 200, body: { doc: name, running: false } };
    }
    case 'DELETE monitors/:name':
      return fromReply(await call('monitors.stop', { doc: name }), (monitor) => ({
        doc: monitor.doc,
        running: monitor.running,
        message: `Monitor stopped for ${monitor.doc}`,
      }));
    case 'GET logs/:name': {
      const lines = query.has('lines') ? Number(query.get('lines')) : 50;
      return fromReply(await call('logs.lines', { process: name, lines }));
    }
    case 'POST services/:name/rollout': {
      const reply = await call('runs.rollout', { name });
      return reply.ok ? { status: 202, body: { id: reply.value.id, status: reply.value.status } } : fromReply(reply);
    }
    case 'GET runs': {
      const status = query.get('status') ?? undefined;
      return fromReply(await call('runs.list', status === undefined ? {} : { status }), (runs) => ({ runs }));
    }
    case 'GET runs/:name':
      return fromReply(await call('runs.get', { id: name }));
    case 'POST runs/:name/approve':
    case 'POST runs/:name/reject':
      return fromReply(await call(`runs.${action}` as MethodName, { id: name }));
    case 'GET runs/:name/artifact': {
      const reply = await call('runs.artifact', { id: name, name: query.get('name') ?? '' });
      return reply.ok ? { status: 200, body: reply.value.text, contentType: 'text/plain; charset=utf-8' } : fromReply(reply);
    }
    case 'GET devices':
      return fromReply(await call('devices.list', {}), (devices) => ({ devices }));
    default:
      return noRoute(method, segments);
  }
}

function noRoute(method: string, segments: string[]): RestResponse {
  const path = `/api/${segments.join('/')}`.slice(0, 200);
  return { status: 404, body: { error: { code: 'not-found', message: `no route ${method.slice(0, 16)} ${path}` } } };
}
