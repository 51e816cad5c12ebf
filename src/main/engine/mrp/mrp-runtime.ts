// The built-in MRP runtime (issue 8), so the mrmd stack runs bash, node and python cells on a
// fresh machine. Serves mrmd-python's endpoints under `/mrp/v1` and `/bash/mrp/v1` (bash),
// `/node/mrp/v1` (node) and `/python/mrp/v1` (python, when an interpreter is found): GET
// health, capabilities; POST execute, execute/stream, input, input/cancel, interrupt, reset.
// Bodies accept `execId` or `exec_id`, with or without `session`. The same gate as the sync server: loopback by default, Origin allow-list, a token
// beyond loopback (../net/request-guard.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RequestGuard } from '../net/request-guard';
import { connectHost } from '../net/connect-host';
import { BashCellRunner } from './bash-cell-runner';
import { Execution } from './execution';
import { DEFAULT_SESSION, MrpLanguage } from './mrp-language';
import { createNodeKernel } from './node-kernel';
import { createPythonKernel } from './python-kernel';
import { resolvePythonInterpreter } from './python-interpreter';
import { SseResponse } from './sse-response';
import { listen } from '../net/listen';
import type { PartLog } from '../parts/part-log';

export interface MrpRuntimeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  allowedOrigins?: string[];
  log?: PartLog;
  /** Working directory of every cell. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  bashPath?: string;
  /** Inside Electron `process.execPath` is not Node, so `node` from PATH is used there. */
  nodePath?: string;
  /**
   * An interpreter or a virtual environment's folder; unset: `VIRTUAL_ENV`, else `python3` on
   * PATH. null turns the python route off.
   */
  pythonPath?: string | null;
  /** Between SIGINT and SIGKILL when a cell is interrupted. */
  interruptGraceMs?: number;
  pingIntervalMs?: number;
  maxBodyBytes?: number;
}

export interface MrpRuntime {
  /** `http://HOST:PORT`; the MRP base URLs are in `urls`. */
  url: string;
  port: number;
  /** `python` only when an interpreter was found. */
  urls: { bash: string; node: string; python?: string };
  close(): Promise<void>;
}

const ExecuteBody = z.looseObject({
  code: z.string(),
  execId: z.string().min(1).optional(),
  exec_id: z.string().min(1).optional(),
  session: z.string().min(1).optional(),
  storeHistory: z.boolean().optional(),
});
const IdBody = z.looseObject({
  execId: z.string().optional(),
  exec_id: z.string().optional(),
  session: z.string().min(1).optional(),
  text: z.string().optional(),
});

const ROUTE = /^(?:\/(bash|node|python))?\/mrp\/v1\/([a-z_/]+?)\/?$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startMrpRuntime({
  host = '127.0.0.1',
  port = 8000,
  token,
  allowedOrigins = [],
  log = () => {},
  cwd = process.cwd(),
  env = process.env,
  bashPath = 'bash',
  nodePath = process.versions.electron ? 'node' : process.execPath,
  pythonPath,
  interruptGraceMs = 2000,
  pingIntervalMs = 30_000,
  maxBodyBytes = 16 * 1024 * 1024,
}: MrpRuntimeOptions = {}): Promise<MrpRuntime> {
  const guard = new RequestGuard({ host, token, allowedOrigins });
  const common = { version: '0.1.0', environment: { cwd, virtualenv: null }, lspFallback: null };
  const noExtras = { complete: false, inspect: false, hover: false, variables: false, variableExpand: false, isComplete: false, format: false, assets: false };
  const python = pythonPath === null ? null : resolvePythonInterpreter(pythonPath, env);
  if (pythonPath && python === null) log(`python: no interpreter at ${pythonPath}; the python route is off`, 'warn');
  const languages: Partial<Record<LanguageName, MrpLanguage>> = {
    bash: new MrpLanguage(
      'bash',
      {
        ...common,
        runtime: 'showrunner-bash',
        languages: ['bash', 'sh', 'shell'],
        features: { execute: true, executeStream: true, interrupt: true, reset: true, input: true, sessions: true, ...noExtras },
        environment: { ...common.environment, executable: bashPath },
        statePersists: false,
        state: 'each cell runs in a fresh bash process: nothing carries over between cells',
        output: 'stderr is merged into stdout, so interleaved output keeps its order',
        input: 'read [-s] [-p "Prompt: "] VARIABLE (from the cell\'s own stdin; -s masks the reply box), or mrmd_input "Prompt: " [VARIABLE]',
      },
      () => new BashCellRunner({ bashPath, cwd, env, interruptGraceMs }),
    ),
    node: new MrpLanguage(
      'node',
      {
        ...common,
        runtime: 'showrunner-node',
        languages: ['node', 'javascript', 'js'],
        features: { execute: true, executeStream: true, interrupt: true, reset: true, input: true, sessions: true, ...noExtras },
        environment: { ...common.environment, executable: nodePath },
        statePersists: true,
        state: 'one node process per session keeps variables across cells; top-level await works; reset or a forced interrupt starts afresh',
        output: 'stdout and stderr are kept apart and in order',
        input: 'await input("Prompt: ")',
        display: 'display(value, mimeType = "text/plain")',
      },
      (session) => createNodeKernel({ nodePath, cwd, env, session, interruptGraceMs, log }),
    ),
  };
  if (python !== null) {
    languages.python = new MrpLanguage(
      'python',
      {
        ...common,
        runtime: 'showrunner-python',
        languages: ['python', 'python3', 'py'],
        features: { execute: true, executeStream: true, interrupt: true, reset: true, input: true, sessions: true, ...noExtras },
        environment: { ...common.environment, executable: python, virtualenv: virtualenvOf(python) },
        statePersists: true,
        state: 'one python process per session keeps variables across cells; reset or a kernel that died starts afresh',
        output: 'stdout and stderr are kept apart and in order',
        input: 'input("Prompt: "), getpass.getpass()',
        display: 'display(value) or display(text, mime_type="text/html"); matplotlib figures are shown as image/png',
      },
      (session) => createPythonKernel({ pythonPath: python, cwd, env, session, interruptGraceMs, log }),
    );
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const pathname = (request.url ?? '/').split('?')[0];
    const route = ROUTE.exec(pathname);
    // Health is open for probes. Capabilities (the languages served; they run nothing) are open
    // to an allow-listed page only: the desktop app's mrmd editor window, whose bundle cannot
    // send the token, reads them to route cells to us; tools without an Origin still need it.
    const isOpen = pathname === '/health' || route?.[2] === 'health' || (route?.[2] === 'capabilities' && guard.originAllowed(request));
    const verdict = guard.check(request, { needsToken: !isOpen && request.method !== 'OPTIONS' });
    if (!verdict.ok) throw new HttpError(verdict.status, verdict.reason);
    const cors = guard.corsHeaders(request);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors).end();
      return;
    }
    if (pathname === '/health') return sendJson(response, 200, { status: 'healthy' }, cors);
    if (route === null) throw new HttpError(404, `no route ${pathname}`);
    const language = languages[(route[1] ?? 'bash') as LanguageName];
    if (language === undefined) throw new HttpError(404, `no ${route[1]} runtime here: no python interpreter was found (set [monitors] python)`);
    const endpoint = route[2];
    const expected = endpoint === 'health' || endpoint === 'capabilities' ? 'GET' : 'POST';
    if (request.method !== expected) throw new HttpError(405, `${endpoint} takes ${expected}`);

    switch (endpoint) {
      case 'health':
        return sendJson(response, 200, language.health(), cors);
      case 'capabilities':
        return sendJson(response, 200, language.capabilities, cors);
      case 'execute':
      case 'execute/stream': {
        const body = parse(ExecuteBody, await readJson(request, maxBodyBytes));
        const execution = new Execution(body.execId ?? body.exec_id ?? newExecId(), body.code, body.session ?? DEFAULT_SESSION);
        log(`${language.name} ${endpoint} exec=${execution.id} session=${execution.session}`);
        execution.finished.then(() => {
          const outcome = execution.result;
          log(`${language.name} exec=${execution.id} ${outcome?.success ? 'completed' : `failed: ${outcome?.error?.type}`} in ${outcome?.duration ?? 0} ms`);
        });
        // A client that leaves no longer reads the output: free the session for the next cell.
        response.once('close', () => {
          if (execution.state === 'finished') return;
          log(`${language.name} exec=${execution.id}: client left, interrupting`);
          language.interrupt({ execId: execution.id });
        });
        if (endpoint === 'execute/stream') {
          const sse = new SseResponse(response, pingIntervalMs, cors);
          execution.on((event, data) => {
            sse.send(event, data);
            if (event === 'done') sse.end();
          });
          language.execute(execution);
        } else {
          language.execute(execution);
          await execution.finished;
          sendJson(response, 200, execution.result, cors);
        }
        return;
      }
      case 'input': {
        const body = parse(IdBody, await readJson(request, maxBodyBytes));
        const waiting = language.waitingForInput(body.exec_id ?? body.execId);
        if (waiting === undefined) return sendJson(response, 200, { accepted: false, error: 'No pending input request' }, cors);
        waiting.provideInput(body.text ?? '');
        return sendJson(response, 200, { accepted: true }, cors);
      }
      case 'input/cancel': {
        const body = parse(IdBody, await readJson(request, maxBodyBytes));
        const waiting = language.waitingForInput(body.exec_id ?? body.execId);
        if (waiting === undefined) return sendJson(response, 200, { cancelled: false, error: 'No pending input request' }, cors);
        waiting.cancelInput();
        return sendJson(response, 200, { cancelled: true }, cors);
      }
      case 'interrupt': {
        const body = parse(IdBody, await readJson(request, maxBodyBytes));
        const execIds = language.interrupt({ execId: body.exec_id ?? body.execId, session: body.session });
        log(`${language.name} interrupt ${execIds.length > 0 ? execIds.join(', ') : '(nothing running)'}`);
        return sendJson(response, 200, { interrupted: execIds.length > 0, execIds }, cors);
      }
      case 'reset': {
        const body = parse(IdBody, await readJson(request, maxBodyBytes));
        await language.reset(body.session);
        log(`${language.name} reset ${body.session ?? 'all sessions'}`);
        return sendJson(response, 200, { success: true }, cors);
      }
      default:
        throw new HttpError(404, `no endpoint ${endpoint}`);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      log(`${request.method} ${request.url?.split('?')[0]} -> ${status}: ${message}`, status >= 500 ? 'error' : 'warn');
      if (response.headersSent) response.end();
      else sendJson(response, status, { error: message });
    });
  });

  const boundPort = await listen(server, port, host);
  const url = `http://${connectHost(host)}:${boundPort}`;
  const urls = { bash: `${url}/mrp/v1`, node: `${url}/node/mrp/v1`, ...(python !== null ? { python: `${url}/python/mrp/v1` } : {}) };
  log(`mrp runtime listening on ${url} (${Object.entries(urls).map(([name, base]) => `${name} ${base}`).join(', ')})`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(Object.values(languages).map((language) => language?.dispose()));
      server.closeAllConnections();
      await stopped;
      log('mrp runtime closed');
    })();
    return closing;
  };

  return { url, port: boundPort, urls, close };
}

type LanguageName = 'bash' | 'node' | 'python';

/** `/venv/bin/python3` → `/venv` when that folder is a virtual environment. */
function virtualenvOf(interpreter: string): string | null {
  const root = path.dirname(path.dirname(interpreter));
  return existsSync(path.join(root, 'pyvenv.cfg')) ? root : null;
}

function newExecId(): string {
  return `exec-${Date.now()}-${randomBytes(4).toString('hex')}`;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, `invalid body: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
