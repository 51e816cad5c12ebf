// The panel's URL with its token, as `serve` prints it and `showrunner url` shows it, and back:
// `--url` takes that URL as printed. The page takes the token out of the address bar itself.
export function panelUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/?token=${encodeURIComponent(token)}`;
}

/** The daemon's base URL (origin) and the token in `?token=` or `#token=`, if any. */
export function parsePanelUrl(text: string): { url: string; token: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(text)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`not an http(s) URL: ${JSON.stringify(text)}`);
  const token = parsed.searchParams.get('token') ?? new URLSearchParams(parsed.hash.slice(1)).get('token');
  return { url: parsed.origin, token: token || null };
}
