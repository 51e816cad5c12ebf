// Every HTTP route the daemon answers, with its schemas (issue 17). The REST router answers only
// the `/api` routes listed here (rest-routes.ts checks this table first), and the OpenAPI
// document is generated from it, so a route cannot exist without a schema, nor a schema
// without a route. `/api/call/{method}` stands for one path per contract method.
import { z } from 'zod';
import { ErrorInfo } from '../../../shared/contract';
import { AlertsStatus, DeviceSnapshot, ManifestProblem, MonitorSnapshot, ServiceSnapshot, ServiceState, Health } from '../../../shared/model';
import { ServiceChanges, ServiceDefinition } from '../../../shared/service-definition';
import { ArtifactName, RolloutRun, RunStatus } from '../../../shared/rollout-run';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RestRoute {
  method: HttpMethod;
  /** OpenAPI style: `/api/services/{name}`. */
  path: string;
  summary: string;
  /** mrmd-orchestrator's route (seed 000), kept with its body shape. */
  mrmd?: boolean;
  /** JSON request body. */
  body?: z.ZodType;
  /** Query parameters (strings on the wire). */
  query?: Record<string, { description: string; schema: z.ZodType }>;
  /** Success status (default 200) and what it carries. */
  status?: number;
  response: z.ZodType | { contentType: string; description: string };
  /** Outside `/api` or outside the token (`/health`). */
  open?: boolean;
}

const Urls = z.object({ sync: z.string().nullable(), runtimes: z.record(z.string(), z.string()) }).loose();
const MonitorReply = z.object({ doc: z.string(), running: z.boolean(), message: z.string() });
export const ApiError = z.object({ error: ErrorInfo });
const RuntimeAttachment = z.object({
  doc: z.string(),
  id: z.literal('shared'),
  python: z.literal('shared'),
  status: z.literal('ready'),
  sync: z.string(),
  runtimes: z.record(z.string(), z.object({ url: z.string(), language: z.string(), port: z.number().int().nullable() })),
  monitor: z.object({ doc: z.string(), running: z.boolean(), connection: z.string().nullable(), message: z.string() }),
});

/** One audit entry (daemon/audit-log.ts); args name what was acted on, never a secret. */
const AuditEntry = z.object({
  at: z.number().int(),
  time: z.string(),
  role: z.enum(['operator', 'viewer']),
  transport: z.enum(['rest', 'websocket', 'ipc']),
  address: z.string(),
  action: z.string(),
  args: z.record(z.string(), z.string()).optional(),
  result: z.enum(['ok', 'denied', 'error']),
  message: z.string().optional(),
});

export const REST_ROUTES: readonly RestRoute[] = [
  { method: 'GET', path: '/health', summary: 'Liveness of the daemon itself; needs no token', open: true, response: z.object({ status: z.literal('healthy') }) },
  {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics of every service',
    response: { contentType: 'text/plain; version=0.0.4', description: 'Prometheus text exposition' },
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document; needs no token (it describes the API, it holds no secret)',
    open: true,
    response: { contentType: 'application/json', description: 'OpenAPI 3.1 document generated from the contract' },
  },
  {
    method: 'GET',
    path: '/api/docs',
    summary: 'A readable page of this document, served by the daemon (no remote assets)',
    open: true,
    response: { contentType: 'text/html', description: 'HTML page' },
  },
  {
    method: 'GET',
    path: '/api/events',
    summary:
      'Server-sent events: `snapshot` first, then every contract event with its sequence as id; `Last-Event-ID` resumes from a bounded history (`reset` when too old); `?logs=a,b` or `?logs=*` adds log chunks',
    query: { logs: { description: 'processes whose log chunks to include, comma-separated, or *', schema: z.string() } },
    response: { contentType: 'text/event-stream', description: 'event stream' },
  },
  {
    method: 'GET',
    path: '/api/status',
    summary: 'Everything at once (mrmd-orchestrator)',
    mrmd: true,
    response: z.object({
      status: z.literal('running'),
      manifest: z.string().nullable(),
      services: z.record(z.string(), z.object({ running: z.boolean(), state: ServiceState, health: Health, restarts: z.number().int() })),
      monitors: z.array(z.object({ doc: z.string(), running: z.boolean() })),
      problems: z.array(ManifestProblem),
      urls: Urls,
      /** `[alerts]`: queue depth, last delivery, heartbeat; null without the table. */
      alerts: AlertsStatus.nullable(),
    }),
  },
  { method: 'GET', path: '/api/urls', summary: 'Where the sync server and the runtimes are (mrmd-orchestrator)', mrmd: true, response: Urls },
  { method: 'GET', path: '/api/monitors', summary: 'Monitor peers (mrmd-orchestrator)', mrmd: true, response: z.object({ monitors: z.array(MonitorSnapshot) }) },
  {
    method: 'POST',
    path: '/api/monitors',
    summary: 'Starts a monitor for a document (mrmd-orchestrator)',
    mrmd: true,
    body: z.object({ doc: z.string() }),
    response: MonitorReply,
  },
  {
    method: 'GET',
    path: '/api/monitors/{doc}',
    summary: 'One monitor; `running: false` when there is none (mrmd-orchestrator)',
    mrmd: true,
    response: z.union([MonitorSnapshot, z.object({ doc: z.string(), running: z.literal(false) })]),
  },
  { method: 'DELETE', path: '/api/monitors/{doc}', summary: 'Stops a monitor (mrmd-orchestrator)', mrmd: true, response: MonitorReply },
  {
    method: 'GET',
    path: '/api/logs/{name}',
    summary: 'The last lines of a service, `orchestrator` or `monitor:<doc>` (mrmd-orchestrator)',
    mrmd: true,
    query: { lines: { description: 'how many lines (default 50)', schema: z.string().regex(/^\d+$/) } },
    response: z.object({ process: z.string(), lines: z.array(z.string()) }),
  },
  { method: 'GET', path: '/api/services', summary: 'Every service', response: z.object({ services: z.array(ServiceSnapshot) }) },
  {
    method: 'POST',
    path: '/api/services',
    summary: 'Adds a service; kept in the overlay file beside the manifest (409 when the name exists, 400 naming the field)',
    body: ServiceDefinition,
    status: 201,
    response: ServiceSnapshot,
  },
  { method: 'GET', path: '/api/services/{name}', summary: 'One service', response: ServiceSnapshot },
  {
    method: 'PATCH',
    path: '/api/services/{name}',
    summary: 'Changes a service the API added (JSON merge patch: null removes a key); manifest services: 409',
    body: ServiceChanges,
    response: ServiceSnapshot,
  },
  {
    method: 'DELETE',
    path: '/api/services/{name}',
    summary: 'Stops and removes a service the API added; manifest services: 409',
    response: z.object({ name: z.string(), removed: z.boolean() }),
  },
  ...(['start', 'stop', 'restart', 'kill'] as const).map(
    (action): RestRoute => ({ method: 'POST', path: `/api/services/{name}/${action}`, summary: `${action[0].toUpperCase()}${action.slice(1)}s a service`, response: ServiceSnapshot }),
  ),
  // Roll-outs of compose services as runs (issue 19; MoonMind's orchestrator runs, seed 004).
  {
    method: 'POST',
    path: '/api/services/{name}/rollout',
    summary: 'Queues a roll-out of a compose service: tag previous image, build, up -d --no-deps, verify, roll back on failure',
    status: 202,
    response: z.object({ id: z.string(), status: RunStatus }),
  },
  {
    method: 'GET',
    path: '/api/runs',
    summary: 'Roll-out runs, newest first',
    query: { status: { description: `only runs with this status: ${RunStatus.options.join(', ')}`, schema: RunStatus } },
    response: z.object({ runs: z.array(RolloutRun) }),
  },
  { method: 'GET', path: '/api/runs/{id}', summary: 'One roll-out run with its steps and artifacts', response: RolloutRun },
  { method: 'POST', path: '/api/runs/{id}/approve', summary: 'Lets a protected service\'s run awaiting approval go on (409 otherwise)', response: RolloutRun },
  { method: 'POST', path: '/api/runs/{id}/reject', summary: 'Ends a queued run or one awaiting approval as rejected (409 otherwise)', response: RolloutRun },
  {
    method: 'GET',
    path: '/api/runs/{id}/artifact',
    summary: 'One file of the run (run.json, build.log, deploy.log, verify.log, rollback.log)',
    query: { name: { description: 'the artifact\'s file name', schema: ArtifactName } },
    response: { contentType: 'text/plain', description: 'the file (its last MiB)' },
  },
  {
    method: 'GET',
    path: '/api/audit',
    summary: 'Changes asked for, by role, call, time and address, done or refused (oldest first; the operator and a viewer read it)',
    query: {
      since: { description: 'only entries at or after this time: milliseconds since the epoch, or ISO 8601', schema: z.string() },
      limit: { description: 'the newest this many (1-1000, default 100)', schema: z.string().regex(/^\d+$/) },
    },
    response: z.object({ entries: z.array(AuditEntry) }),
  },
  { method: 'GET', path: '/api/devices', summary: 'Devices the manifest asks for', response: z.object({ devices: z.array(DeviceSnapshot) }) },
  {
    method: 'POST',
    path: '/api/call/{method}',
    summary: 'Any contract method with its JSON arguments (one path per method in this document)',
    body: z.unknown(),
    response: z.unknown(),
  },
  // mrmd's runtime attachments, which the editor bundle's mrmd.runtime() calls (runtime-routes.ts),
  // under their name and their legacy one.
  ...(['runtimes', 'sessions'] as const).flatMap((name): RestRoute[] => [
    {
      method: 'POST',
      path: `/api/${name}`,
      summary: `Gives the document a monitor if it has none; where to sync and run (mrmd${name === 'sessions' ? ', legacy name' : ''})`,
      mrmd: true,
      body: z.object({ doc: z.string(), python: z.string().optional(), venv: z.string().optional() }),
      response: RuntimeAttachment,
    },
    { method: 'GET', path: `/api/${name}`, summary: 'Every document with a monitor, as attachments (mrmd)', mrmd: true, response: z.object({ runtimes: z.array(RuntimeAttachment), sessions: z.array(RuntimeAttachment) }) },
    { method: 'GET', path: `/api/${name}/{doc}`, summary: 'One document\'s attachment; 404 when it has no monitor (mrmd)', mrmd: true, response: RuntimeAttachment },
    {
      method: 'DELETE',
      path: `/api/${name}/{doc}`,
      summary: 'Stops the document\'s monitor; done when it has none (mrmd)',
      mrmd: true,
      response: z.object({ doc: z.string(), status: z.literal('stopped'), running: z.boolean(), message: z.string() }),
    },
  ]),
];

/** `/api/services/{name}/start` → `services/:name/start`, the router's key (rest-routes.ts). */
export function routeKey(route: Pick<RestRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path.replace(/^\/api\/?/, '').replace(/\{[^}]+\}/g, ':name')}`;
}

/** The keys the REST router may answer; anything else is a 404 "no route". */
export const REST_ROUTE_KEYS: ReadonlySet<string> = new Set(REST_ROUTES.filter((route) => route.path.startsWith('/api/')).map(routeKey));
