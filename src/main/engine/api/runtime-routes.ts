// mrmd's runtime attachments (issue 24): what the editor bundle's `mrmd.runtime()` and its
// OrchestratorClient call. `POST /api/runtimes {doc, python}` (legacy `/api/sessions`) gives the
// document a monitor when it has none and answers where to sync and run:
// `{ doc, id, sync, runtimes: { bash: { url }, node: { url }, python: { url } }, monitor }`.
// The bundle reads `sync`, `runtimes.python.url` (`.port`, `.venv`) and `id`; its errors read
// `detail`. We have one shared runtime: `python: "dedicated"` gets the shared one and says so.
// `DELETE /api/runtimes/{doc}` stops that document's monitor (done already when it has none).
import type { Reply } from '../../../shared/contract';
import type { MonitorSnapshot } from '../../../shared/model';

/** rest-routes.ts's context and answer, as far as these routes use them (no import back). */
interface RestContext {
  call: (method: 'monitors.start' | 'monitors.list' | 'monitors.stop', args: unknown) => Promise<Reply<unknown>>;
  urls: () => Record<string, unknown>;
}
interface RestResponse {
  status: number;
  body: unknown;
}

interface Attachment {
  doc: string;
  id: 'shared';
  python: 'shared';
  status: 'ready';
  sync: string;
  runtimes: Record<string, { url: string; language: string; port: number | null }>;
  monitor: { doc: string; running: boolean; connection: MonitorSnapshot['connection'] | null; message: string };
}

function failure(status: number, code: string, message: string): RestResponse {
  // `error` as every route of ours; `detail` is what the bundle's client shows.
  return { status, body: { error: { code, message }, detail: message } };
}

function attachment(doc: string, urls: Record<string, unknown>, monitor: Attachment['monitor']): Attachment | null {
  if (typeof urls.sync !== 'string') return null;
  const runtimes: Attachment['runtimes'] = {};
  for (const [language, url] of Object.entries((urls.runtimes ?? {}) as Record<string, unknown>)) {
    if (typeof url !== 'string') continue;
    let port: number | null = null;
    try {
      port = Number(new URL(url).port) || null;
    } catch {
      // Configured URLs are checked when the manifest loads; a bad one just has no port here.
    }
    runtimes[language] = { url, language, port };
  }
  return { doc, id: 'shared', python: 'shared', status: 'ready', sync: urls.sync, runtimes, monitor };
}

const monitorOf = (snapshot: MonitorSnapshot, message: string): Attachment['monitor'] => ({ doc: snapshot.doc, running: snapshot.running, connection: snapshot.connection, message });

export async function handleRuntimeRoute(method: string, doc: string | undefined, body: unknown, context: RestContext): Promise<RestResponse> {
  const { call } = context;
  const noSync = failure(409, 'unavailable', 'this daemon has no sync server (mrmd --no-sync without --sync-url)');
  if (method === 'POST' && doc === undefined) {
    const given = (body as { doc?: unknown } | null)?.doc;
    if (typeof given !== 'string') return failure(400, 'invalid-args', 'body must be {"doc": NAME}');
    // A document the page opens gets a monitor if it has none (mrmd does the same); starting
    // an existing one returns it unchanged.
    const started = (await call('monitors.start', { doc: given })) as Reply<MonitorSnapshot>;
    if (!started.ok && started.error.code === 'invalid-args') return failure(400, 'invalid-args', started.error.message);
    const monitor = started.ok
      ? monitorOf(started.value, `monitor for ${started.value.doc}: ${started.value.connection}`)
      : { doc: given, running: false, connection: null, message: `no monitor: ${started.error.message}` };
    const found = attachment(started.ok ? started.value.doc : given, context.urls(), monitor);
    return found ? { status: 200, body: found } : noSync;
  }
  const listed = (await call('monitors.list', {})) as Reply<MonitorSnapshot[]>;
  if (!listed.ok) return failure(500, listed.error.code, listed.error.message);
  if (method === 'GET' && doc === undefined) {
    const attachments = listed.value.map((snapshot) => attachment(snapshot.doc, context.urls(), monitorOf(snapshot, `monitor for ${snapshot.doc}: ${snapshot.connection}`)));
    const found = attachments.filter((entry): entry is Attachment => entry !== null);
    return { status: 200, body: { runtimes: found, sessions: found } };
  }
  const snapshot = listed.value.find((entry) => entry.doc === doc);
  if (method === 'GET' && doc !== undefined) {
    if (!snapshot) return failure(404, 'not-found', `no runtime attachment for ${doc}`);
    return { status: 200, body: attachment(doc, context.urls(), monitorOf(snapshot, `monitor for ${doc}: ${snapshot.connection}`)) ?? noSync.body };
  }
  if (method === 'DELETE' && doc !== undefined) {
    // Idempotent: the monitor may be gone already (stopped by DELETE /api/monitors/{doc}).
    if (!snapshot) return { status: 200, body: { doc, status: 'stopped', running: false, message: `No monitor for ${doc}` } };
    const stopped = (await call('monitors.stop', { doc })) as Reply<MonitorSnapshot>;
    if (!stopped.ok) return failure(500, stopped.error.code, stopped.error.message);
    return { status: 200, body: { doc, status: 'stopped', running: stopped.value.running, message: `Monitor stopped for ${doc}` } };
  }
  return failure(405, 'not-found', `no route ${method} /api/runtimes${doc === undefined ? '' : '/' + doc}`);
}
