// One JSON POST over node:http, for the CLI's calls to a daemon. Not fetch: undici's first
// request costs the short-lived `showrunner status` about 90 ms of its 300 ms (issue 16).
import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface JsonResponse {
  status: number;
  /** The parsed body, or null when it is not JSON. */
  body: unknown;
}

/** Rejects only when the server cannot be reached (or the connection breaks). */
/** `ca`: the certificates an https daemon may present (attach/tls-trust.ts); Node's defaults otherwise. */
export async function postJson(url: string, headers: Record<string, string>, body: unknown, { timeoutMs = 30_000, ca }: { timeoutMs?: number; ca?: string[] } = {}): Promise<JsonResponse> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', ...(ca ? { ca } : {}), headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          parsed = null;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(payload);
  });
}
