// HTTP readiness: a GET whose status falls inside `expectStatus` (inclusive) within the timeout.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { errorMessage, type ProbeOutcome } from './probe-outcome';

export function httpProbe(url: string, expectStatus: [number, number], timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, message: `invalid URL ${url}` });
      return;
    }
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: 'GET',
      // A probe must not hold a pooled socket open between attempts.
      agent: false,
      headers: { 'user-agent': 'showrunner-probe', connection: 'close' },
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve({ ok: false, message: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    request.once('response', (response) => {
      clearTimeout(timer);
      response.resume();
      const status = response.statusCode ?? 0;
      const ok = status >= expectStatus[0] && status <= expectStatus[1];
      resolve({ ok, message: ok ? `HTTP ${status}` : `HTTP ${status} (want ${expectStatus[0]}–${expectStatus[1]})` });
      response.destroy();
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, message: errorMessage(error) });
    });
    request.end();
  });
}
