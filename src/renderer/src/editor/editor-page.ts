// The /editor/?doc=NAME page (issue 24): the real mrmd editor on our sync server. It asks the
// daemon for the document's runtime attachment (POST /api/runtimes, which gives the document a
// monitor when it has none), opens the document, connects every language the runtime serves,
// turns on monitor mode (cells run by monitors, so a closed tab loses nothing), and shows which
// document is open and how many monitors are attached, read from the document's awareness.
import { takePageToken } from '../transport/page-token';
import type { MrmdBundle, MrmdEditor, RuntimeAttachment } from './mrmd-bundle';
import { installTokenFetch } from './token-fetch';
import './editor-page.css';

declare global {
  interface Window {
    mrmd?: MrmdBundle;
    /** Kept so they are not collected with their pending work (MRMD-NOTES.md); tests read them too. */
    showrunnerEditor?: { editor: MrmdEditor; drive: unknown; attachment: RuntimeAttachment; ready: Promise<void> };
  }
}

const element = (id: string) => document.getElementById(id)!;

function showMessage(html: string): void {
  const box = element('editor-message');
  box.innerHTML = html;
  box.hidden = false;
}

/** Monitors are the awareness states whose user says `type: "monitor"` (ours and mrmd-monitor). */
function watchMonitors(editor: MrmdEditor): void {
  const awareness = editor.awareness;
  const label = element('editor-monitor');
  const update = () => {
    let count = 0;
    for (const state of awareness.getStates().values()) {
      if ((state as { user?: { type?: string } }).user?.type === 'monitor') count++;
    }
    label.dataset.monitors = String(count);
    label.textContent = count === 0 ? 'no monitor attached: cells wait until one joins' : count === 1 ? 'monitor attached' : `${count} monitors attached`;
    label.classList.toggle('editor-warn', count === 0);
  };
  awareness.on('change', update);
  update();
}

async function waitForRuntimes(editor: MrmdEditor, clients: Map<string, { getCapabilities(): Promise<unknown> }>): Promise<void> {
  const label = element('editor-runtimes');
  // A cell run before a runtime's capabilities arrive would fall back to in-browser execution
  // and fail, so the page says "ready" only once each language routes to its runtime URL.
  const results = await Promise.all(
    [...clients].map(async ([language, client]) => {
      try {
        await client.getCapabilities();
        return editor.execution.registry.getRuntime(language)?.runtimeUrl ? language : `${language} (unreachable)`;
      } catch {
        return `${language} (unreachable)`;
      }
    }),
  );
  label.textContent = `runtimes: ${results.join(', ') || 'none'}`;
  label.dataset.ready = String(results.every((entry) => !entry.includes('unreachable')));
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  // The desktop app's editor window names the parts itself (it has no HTTP API to ask).
  const inApp = location.protocol === 'app:';
  const token = inApp ? null : takePageToken();
  const doc = params.get('doc');
  // In the app, the panel is the main window, not a page this window could show.
  if (inApp) element('editor-panel').hidden = true;
  element('editor-doc').textContent = doc ?? '(none)';
  document.title = doc ? `${doc} · mrmd editor` : 'mrmd editor · Showrunner';
  const bundle = window.mrmd;
  if (!bundle) {
    showMessage('<p>The mrmd editor bundle did not load. In the Showrunner checkout run <code>node scripts/fetch-mrmd-editor.mjs</code> and reload.</p>');
    return;
  }
  if (!token && !inApp) {
    showMessage('<p>This page needs the daemon\'s token. Run <code>showrunner url</code> on the machine where it runs, open that URL, then <b>Open in editor</b> from the Monitors view.</p>');
    return;
  }
  if (!doc) {
    showMessage('<p>Name a document in the address: <code>/editor/?doc=NAME</code> opens <code>NAME.md</code> in the documents folder.</p>');
    return;
  }
  const answer = inApp ? attachmentFromQuery(doc, params) : await askDaemon(doc, token!);
  if (!answer) return;
  const drive = bundle.drive(answer.sync);
  const editor = await drive.open(doc, '#editor', {});
  const clients = new Map<string, { getCapabilities(): Promise<unknown> }>();
  for (const [language, runtime] of Object.entries(answer.runtimes)) clients.set(language, editor.connectRuntime(language, runtime.url));
  const monitorRuntime = answer.runtimes.python?.url ?? Object.values(answer.runtimes)[0]?.url ?? null;
  editor.execution.enableMonitorMode({ ydoc: editor.ydoc, runtimeUrl: monitorRuntime, awareness: editor.awareness });
  watchMonitors(editor);
  const ready = waitForRuntimes(editor, clients);
  window.showrunnerEditor = { editor, drive, attachment: answer, ready };
  await ready;
  document.body.dataset.editorReady = 'true';
}

/** POST /api/runtimes: the document's monitor (started if it has none) and where to sync and run. */
async function askDaemon(doc: string, token: string): Promise<RuntimeAttachment | null> {
  // The bundle's own calls (mrmd.runtime(), its orchestrator client) use plain fetch.
  installTokenFetch(token);
  const response = await fetch('/api/runtimes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ doc }) });
  const answer = (await response.json().catch(() => ({}))) as RuntimeAttachment & { detail?: string };
  if (response.ok) return answer;
  if (response.status === 401) sessionStorage.removeItem('showrunner.token');
  showMessage(`<p>The daemon refused to open this document: ${escapeHtml(answer.detail ?? `HTTP ${response.status}`)}</p>`);
  return null;
}

/** `?sync=URL&runtime=LANG=URL…`, as the desktop app's editor window (editor-window-url.ts) writes it. */
function attachmentFromQuery(doc: string, params: URLSearchParams): RuntimeAttachment | null {
  const sync = params.get('sync');
  if (!sync) {
    showMessage('<p>This window was opened without a sync server.</p>');
    return null;
  }
  const runtimes: RuntimeAttachment['runtimes'] = {};
  for (const entry of params.getAll('runtime')) {
    const at = entry.indexOf('=');
    if (at > 0) runtimes[entry.slice(0, at)] = { url: entry.slice(at + 1), language: entry.slice(0, at), port: null };
  }
  return { doc, sync, runtimes, monitor: { doc, running: true, message: 'started by the app' } };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

main().catch((error: unknown) => showMessage(`<p>The editor failed to start: ${escapeHtml(error instanceof Error ? error.message : String(error))}</p>`));
