// What an audit entry says about a call's arguments: the names it acts on, never a value that
// may be a secret. An added service's `env`, a reply typed into a running cell (`text`: could
// be a password asked by input()), a patch's values: only their keys are kept.

/** Values short enough to name what was acted on; everything else is listed by key only. */
const SHOWN_KEYS = new Set(['name', 'doc', 'id', 'process', 'enabled']);
const MAX_VALUE_CHARS = 120;

export function auditArgs(args: unknown): Record<string, string> | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(args as Record<string, unknown>).slice(0, 20)) {
    const shownKey = key.slice(0, 64);
    if (SHOWN_KEYS.has(key) && (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')) out[shownKey] = String(value).slice(0, MAX_VALUE_CHARS);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) out[shownKey] = `{${Object.keys(value).slice(0, 20).join(', ')}}`;
    else out[shownKey] = '…';
  }
  return Object.keys(out).length ? out : undefined;
}
