// A request through node:http, so the path reaches the server exactly as written (fetch
// normalizes `/.//` and `..`), with the whole body as text.
import { request as httpRequest } from 'node:http';

export interface RawReply {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

export function rawRequest(baseUrl: string, path: string, { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}/`, { path, method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
