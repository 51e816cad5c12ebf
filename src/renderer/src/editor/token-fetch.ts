// The daemon's API wants `Authorization: Bearer T` (never a cookie or a query token), but the
// mrmd bundle calls it with plain `fetch` (mrmd.runtime(), its orchestrator client). So the
// editor page adds the header to its own same-origin `/api/` requests, and to nothing else:
// the sync server and runtimes never see the daemon's token.
export function installTokenFetch(token: string): void {
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/api/')) return nativeFetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('Authorization', `Bearer ${token}`);
    return nativeFetch(input, { ...init, headers });
  };
}
