// Which MRP runtime runs an entry. A document is shared: anyone who can edit it could point
// `runtimeUrl` at any host, and the monitor would POST the cell's code there. So the entry's
// URL is used only when it is on the allow-list (configured and built-in runtimes always are);
// otherwise the runtime configured for the entry's language; otherwise an error that says why.
export interface RuntimeTable {
  /** language → MRP base URL (`bash` → `http://127.0.0.1:8000/mrp/v1`). */
  runtimes: Record<string, string>;
  /** Extra URLs an entry may name; values of `runtimes` are always allowed. */
  allowed?: readonly string[];
}

export type RuntimeChoice = { ok: true; url: string } | { ok: false; message: string };

// Editors name languages as their fence does; map the common spellings to one runtime key.
const ALIASES: Record<string, string> = {
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  js: 'node',
  javascript: 'node',
  py: 'python',
  python3: 'python',
};

export function normalizeRuntimeUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function languageKey(language: string): string {
  const lower = language.trim().toLowerCase();
  return ALIASES[lower] ?? lower;
}

export function chooseRuntime(entry: { runtimeUrl?: unknown; language?: unknown }, table: RuntimeTable): RuntimeChoice {
  const configured = new Map(Object.entries(table.runtimes).map(([language, url]) => [languageKey(language), normalizeRuntimeUrl(url)]));
  const allowed = new Set([...(table.allowed ?? []).map(normalizeRuntimeUrl), ...configured.values()]);
  const requested = typeof entry.runtimeUrl === 'string' && entry.runtimeUrl.trim() !== '' ? normalizeRuntimeUrl(entry.runtimeUrl) : null;
  if (requested !== null && allowed.has(requested)) return { ok: true, url: requested };
  const language = typeof entry.language === 'string' ? entry.language : '';
  const fallback = configured.get(languageKey(language));
  if (fallback !== undefined) return { ok: true, url: fallback };
  const known = [...configured.keys()].sort().join(', ') || 'none';
  const refused = requested !== null ? `runtime ${requested} is not on the allow-list, and ` : '';
  return { ok: false, message: `${refused}no runtime is configured for language "${language || '(none)'}" (configured: ${known})` };
}
