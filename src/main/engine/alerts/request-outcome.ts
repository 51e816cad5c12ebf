// One outgoing request of the alerts (webhook POST, heartbeat GET), reduced to what the caller
// logs and retries on: null when the receiver took it (2xx), else why not. Redirects are not
// followed (a 3xx is an answer, not a delivery); the body is discarded unread.

export interface OutgoingRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Cuts the request short when the daemon stops. */
  signal: AbortSignal;
}

export async function requestOutcome({ url, method = 'GET', headers, body, timeoutMs, signal }: OutgoingRequest): Promise<string | null> {
  try {
    const response = await fetch(url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'user-agent': 'showrunner' },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      redirect: 'manual',
    });
    await response.body?.cancel().catch(() => undefined);
    return response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}`;
  } catch (error) {
    return describeFetchError(error, timeoutMs);
  }
}

/** undici says "fetch failed" and keeps the reason (ECONNREFUSED, …) in `cause`. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (err?.name === 'AbortError') return 'stopped';
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(error);
}
