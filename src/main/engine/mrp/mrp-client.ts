// Client for an MRP runtime (mrmd-python, our built-in runtime, or any compatible one), given
// its base URL such as `http://127.0.0.1:8000/mrp/v1`. Speaks node:http on a keep-alive agent
// (http-call.ts says why not fetch).
//
// Errors: a non-2xx answer throws `MrpHttpError` with the status (`isConflict` for 409, which
// a busy runtime that does not queue sends, so callers can wait and retry); a failure to reach
// the runtime throws `MrpConnectionError`. Leaving an `executeStream` loop early closes the
// request; our runtime then interrupts that execution.
import { httpCall, readText, type HttpAnswer } from './http-call';
import { MrpExecuteResult, parseMrpEvent, type MrpEvent } from './mrp-events';
import { readSse } from './read-sse';

export class MrpHttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: string,
  ) {
    super(`MRP ${url} answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'MrpHttpError';
  }

  get isConflict(): boolean {
    return this.status === 409;
  }
}

export class MrpConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`MRP ${url} unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MrpConnectionError';
  }
}

export interface ExecuteOptions {
  code: string;
  execId: string;
  /** Omitted from the request when unset, as mrmd-monitor does. */
  session?: string;
  storeHistory?: boolean;
  signal?: AbortSignal;
}

export interface MrpClientOptions {
  token?: string;
  /** Applies to the short requests, not to streams. */
  requestTimeoutMs?: number;
}

export class MrpClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly requestTimeoutMs: number;

  constructor(baseUrl: string, { token, requestTimeoutMs = 10_000 }: MrpClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  async *executeStream({ code, execId, session, storeHistory = true, signal }: ExecuteOptions): AsyncGenerator<MrpEvent> {
    const response = await this.post('execute/stream', executeBody(code, execId, session, storeHistory), {
      signal: signal ?? null,
      accept: 'text/event-stream',
    });
    for await (const message of readSse(response.body)) {
      yield parseMrpEvent(message.event, parseData(message.data));
    }
  }

  /** The non-streaming form: waits for the whole cell and returns its collected result. */
  async execute({ code, execId, session, storeHistory = true, signal }: ExecuteOptions): Promise<MrpExecuteResult> {
    const response = await this.post('execute', executeBody(code, execId, session, storeHistory), { signal: signal ?? null });
    return MrpExecuteResult.parse(JSON.parse(await readText(response.body)));
  }

  /** Answers a `stdin_request`; `accepted` is false when nothing was waiting. */
  async input(execId: string, text: string): Promise<{ accepted: boolean; error?: string }> {
    return (await this.postJson('input', { exec_id: execId, text })) as { accepted: boolean; error?: string };
  }

  async cancelInput(execId: string): Promise<{ cancelled: boolean; error?: string }> {
    return (await this.postJson('input/cancel', { exec_id: execId })) as { cancelled: boolean; error?: string };
  }

  /** Without an id the runtime interrupts whatever it is running. */
  async interrupt(execId?: string): Promise<{ interrupted: boolean }> {
    return (await this.postJson('interrupt', execId === undefined ? {} : { exec_id: execId })) as { interrupted: boolean };
  }

  async reset(session?: string): Promise<{ success: boolean }> {
    return (await this.postJson('reset', session === undefined ? {} : { session })) as { success: boolean };
  }

  async health(): Promise<Record<string, unknown>> {
    return (await this.requestJson('GET', 'health')) as Record<string, unknown>;
  }

  async capabilities(): Promise<Record<string, unknown>> {
    return (await this.requestJson('GET', 'capabilities')) as Record<string, unknown>;
  }

  private postJson(path: string, body: unknown): Promise<unknown> {
    return this.requestJson('POST', path, JSON.stringify(body));
  }

  /** A short request: the time limit covers reading the answer too. */
  private async requestJson(method: 'GET' | 'POST', path: string, body?: string): Promise<unknown> {
    const response = await this.request(method, path, { body });
    return JSON.parse(await readText(response.body));
  }

  /** `signal: null` means no time limit (a cell may run for hours). */
  private post(path: string, body: unknown, { signal, accept }: { signal?: AbortSignal | null; accept?: string }): Promise<HttpAnswer> {
    return this.request('POST', path, { body: JSON.stringify(body), signal, accept });
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    { body, signal = AbortSignal.timeout(this.requestTimeoutMs), accept = 'application/json' }: { body?: string; signal?: AbortSignal | null; accept?: string } = {},
  ): Promise<HttpAnswer> {
    const url = `${this.baseUrl}/${path}`;
    const headers: Record<string, string> = { Accept: accept };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response: HttpAnswer;
    try {
      response = await httpCall(url, { method, headers, body, signal });
    } catch (error) {
      // An abort is the caller's own decision: let it through as it is.
      if (signal?.aborted) throw error;
      throw new MrpConnectionError(url, error);
    }
    if (response.status < 200 || response.status > 299) throw new MrpHttpError(response.status, url, await readText(response.body).catch(() => ''));
    return response;
  }
}

function executeBody(code: string, execId: string, session: string | undefined, storeHistory: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { code, execId, storeHistory };
  if (session !== undefined) body.session = session;
  return body;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}
