// The monitor's runtime seam (execution-runner.ts) over the MRP client: one client per runtime
// URL, MRP events mapped to the monitor's terms. Shapes stored in the entry follow what real
// peers store (MRMD-NOTES.md): `result` is the runtime's `result` field only; a `display`
// event is stored in seed 001's shape (`{ mimeType, data: base64, assetId }`, with the MIME
// bundle beside it: seed-display-data.ts); an `asset` becomes `{ mimeType, assetId: path, url }`.
import { MrpClient } from '../mrp/mrp-client';
import type { MrpEvent } from '../mrp/mrp-events';
import type { ExecutionRunner, RunEvent, RunRequest } from './execution-runner';
import { normalizeRuntimeUrl } from './runtime-choice';
import { seedDisplayData } from './seed-display-data';

export interface MrpRunnerOptions {
  /** Sent to every runtime (a standalone monitor given one runtime's token). */
  token?: string;
  /** Runtime base URL → token, sent to that runtime only, so no runtime sees another's. */
  tokens?: Record<string, string>;
}

export class MrpRunner implements ExecutionRunner {
  private readonly clients = new Map<string, MrpClient>();

  private readonly tokens: Map<string, string>;

  constructor(private readonly options: MrpRunnerOptions = {}) {
    this.tokens = new Map(Object.entries(options.tokens ?? {}).map(([url, token]) => [normalizeRuntimeUrl(url), token]));
  }

  async *run(request: RunRequest, signal: AbortSignal): AsyncIterable<RunEvent> {
    const stream = this.client(request.runtimeUrl).executeStream({
      code: request.code,
      execId: request.execId,
      session: request.session,
      signal,
    });
    for await (const event of stream) yield toRunEvent(event);
  }

  async input(runtimeUrl: string, execId: string, text: string): Promise<void> {
    const answer = await this.client(runtimeUrl).input(execId, text);
    if (!answer.accepted) throw new Error(`runtime refused input for ${execId}${answer.error ? `: ${answer.error}` : ''}`);
  }

  async interrupt(runtimeUrl: string, execId: string): Promise<void> {
    await this.client(runtimeUrl).interrupt(execId);
  }

  private client(url: string): MrpClient {
    let client = this.clients.get(url);
    if (!client) {
      client = new MrpClient(url, { token: this.tokens.get(normalizeRuntimeUrl(url)) ?? this.options.token });
      this.clients.set(url, client);
    }
    return client;
  }
}

export function toRunEvent(event: MrpEvent): RunEvent {
  switch (event.type) {
    case 'start':
      return { kind: 'start' };
    case 'stdout':
      return { kind: 'stdout', text: event.data.content };
    case 'stderr':
      return { kind: 'stderr', text: event.data.content };
    case 'stdin_request':
      return { kind: 'stdin_request', prompt: event.data.prompt, password: event.data.password };
    case 'display':
      return { kind: 'display', display: seedDisplayData(event.data.data, event.data.metadata) };
    case 'asset':
      return { kind: 'display', display: { mimeType: event.data.mimeType, assetId: event.data.path, url: event.data.url } };
    case 'result':
      if (event.data.success === false && event.data.error) return { kind: 'error', error: errorOf(event.data.error) };
      return { kind: 'result', result: event.data.result };
    case 'error':
      return { kind: 'error', error: errorOf(event.data) };
    case 'done':
      return { kind: 'done' };
    default:
      return { kind: 'alive' };
  }
}

function errorOf(error: { type: string; message: string; traceback: string[] }): { type: string; message: string; traceback: string[] } {
  return { type: error.type, message: error.message, traceback: error.traceback };
}
