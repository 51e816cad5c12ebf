// The daemon's token in a browser (issue 15): taken from the address bar once (`?token=` or
// `#token=`, as `showrunner url` prints it), kept in this tab's sessionStorage so a reload
// keeps working, and removed from the address bar and history with `history.replaceState`.
// Never a cookie: cookies have no port, so the browser would send one to every other server
// on 127.0.0.1.
const STORAGE_KEY = 'showrunner.token';

export function takePageToken(): string | null {
  const url = new URL(location.href);
  const hash = new URLSearchParams(url.hash.slice(1));
  const given = url.searchParams.get('token') ?? hash.get('token');
  if (given !== null) {
    url.searchParams.delete('token');
    hash.delete('token');
    url.hash = hash.toString();
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    if (given) sessionStorage.setItem(STORAGE_KEY, given);
  }
  return sessionStorage.getItem(STORAGE_KEY);
}

/** After the daemon refused the token (rotated with `--new-token`): forget it. */
export function forgetPageToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The token this tab holds, without touching the address bar (links to the editor page carry it). */
export function currentPageToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}
