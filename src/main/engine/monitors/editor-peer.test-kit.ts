// An editor written with yjs for the monitor tests: it behaves as mrmd-editor's
// monitor-coordination.js does (whole-entry writes; `claimed` → `ready` only from `claimed`,
// re-asserted whenever it sees `claimed` again), types text elsewhere in the document while
// cells run, and answers stdin. Test-only; not part of the engine.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface EditorOptions {
  /** false: a browser-less client that only requests (the monitor must create the block). */
  createsOutputBlocks?: boolean;
  /** Writes `ready` at most once per entry instead of re-asserting it (MRMD-NOTES.md: 86 of 200 hung then). */
  readyOnce?: boolean;
}

type Entry = Record<string, unknown> & { status?: string; code?: string };

export class EditorPeer {
  readonly ydoc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private typingTimer: NodeJS.Timeout | null = null;
  private readonly readied = new Set<string>();
  private readonly readyOnce: boolean;
  typedCount = 0;

  private constructor(syncUrl: string, doc: string, options: EditorOptions) {
    this.provider = new WebsocketProvider(syncUrl, doc, this.ydoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 200,
    });
    this.provider.awareness.setLocalStateField('user', { name: 'editor', color: '#333333', type: 'human' });
    this.readyOnce = options.readyOnce === true;
    if (options.createsOutputBlocks !== false) {
      this.executions.observe((event) => {
        for (const id of event.keysChanged) this.onEntry(id);
      });
    }
  }

  static async connect(syncUrl: string, doc: string, options: EditorOptions = {}): Promise<EditorPeer> {
    const editor = new EditorPeer(syncUrl, doc, options);
    await new Promise<void>((resolve) => {
      if (editor.provider.synced) resolve();
      else editor.provider.once('sync', () => resolve());
    });
    return editor;
  }

  get executions(): Y.Map<Entry> {
    return this.ydoc.getMap('executions');
  }

  get text(): Y.Text {
    return this.ydoc.getText('content');
  }

  content(): string {
    return this.text.toString();
  }

  entry(id: string): Entry | undefined {
    return this.executions.get(id);
  }

  addCell(language: string, code: string): void {
    const current = this.content();
    const lead = current === '' || current.endsWith('\n\n') ? '' : current.endsWith('\n') ? '\n' : '\n\n';
    this.text.insert(current.length, `${lead}\`\`\`${language}\n${code}\n\`\`\`\n`);
  }

  request(code: string, language: string, extra: Record<string, unknown> = {}): string {
    const id = `exec-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    this.executions.set(id, {
      id,
      code,
      language,
      runtimeUrl: null,
      status: 'requested',
      requestedBy: this.ydoc.clientID,
      requestedAt: Date.now(),
      claimedBy: null,
      claimedAt: null,
      outputBlockReady: false,
      outputPosition: null,
      startedAt: null,
      completedAt: null,
      stdinRequest: null,
      stdinResponse: null,
      result: null,
      error: null,
      displayData: [],
      ...extra,
    });
    return id;
  }

  cancel(id: string): void {
    const entry = this.entry(id);
    if (!entry || ['completed', 'error', 'cancelled'].includes(String(entry.status))) return;
    this.executions.set(id, { ...entry, status: 'cancelled', completedAt: Date.now() });
  }

  respond(id: string, text: string): void {
    const entry = this.entry(id);
    if (entry) this.executions.set(id, { ...entry, stdinResponse: { text, respondedAt: Date.now() } });
  }

  /** Types one character every `everyMs` at the top of the document, far from any cell. */
  startTyping(everyMs = 5): void {
    this.typingTimer = setInterval(() => {
      const at = this.content().indexOf('\n');
      this.text.insert(at === -1 ? 0 : at, 'x');
      this.typedCount++;
    }, everyMs);
  }

  stopTyping(): void {
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.typingTimer = null;
  }

  /** The text between ```output:<id> and its closing fence. */
  output(id: string): string | null {
    const text = this.content();
    const marker = '```output:' + id + '\n';
    const start = text.indexOf(marker);
    if (start === -1) return null;
    const contentStart = start + marker.length;
    const end = text.startsWith('```', contentStart) ? contentStart : text.indexOf('\n```', contentStart) + 1;
    return text.slice(contentStart, end);
  }

  close(): void {
    this.stopTyping();
    this.provider.awareness.setLocalState(null);
    this.provider.shouldConnect = false;
    const socket = this.provider.ws;
    if (socket) {
      socket.onclose = socket.onerror = socket.onmessage = socket.onopen = null;
      socket.close();
      this.provider.ws = null;
    }
    this.provider.destroy();
    this.provider.awareness.destroy();
    this.ydoc.destroy();
  }

  /** What the editor does on `claimed`; public for tests whose editor does not do it by itself. */
  markReady(id: string): void {
    this.onEntry(id);
  }

  private onEntry(id: string): void {
    const entry = this.entry(id);
    if (!entry || entry.status !== 'claimed') return;
    if (this.readyOnce && this.readied.has(id)) return;
    this.readied.add(id);
    const text = this.content();
    const marker = '```output:' + id + '\n';
    let contentStart = text.indexOf(marker);
    if (contentStart === -1) {
      const cell = text.indexOf('\n' + String(entry.code) + '\n```\n');
      if (cell === -1) return;
      const cellEnd = cell + String(entry.code).length + 6;
      this.text.insert(cellEnd, '\n' + marker + '```\n');
      contentStart = cellEnd + 1 + marker.length;
    } else {
      contentStart += marker.length;
    }
    const outputPosition = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(this.text, contentStart));
    const current = this.entry(id);
    if (current?.status !== 'claimed') return;
    this.executions.set(id, { ...current, status: 'ready', outputBlockReady: true, outputPosition });
  }
}
