// `[alerts]` in the manifest (issue 18): the keys read, their defaults, and every bad value
// reported at its own line and column with its field. One case runs the real `showrunner check`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../../../../test/helpers/run-cli-process';
import { formatProblem } from './format-problem';
import { parseManifest } from './parse-manifest';

const FILE = '/srv/show/services.toml';
const SERVICE = '[services.api]\ncommand = "run"\n';

function lines(text: string): string[] {
  const result = parseManifest(text, FILE);
  if (result.ok) return [];
  return result.problems.map((problem) => formatProblem(problem).slice(FILE.length + 1));
}

describe('[alerts]', () => {
  it('reads the webhook, headers, heartbeat and queue bound', () => {
    const text = `${SERVICE}[alerts]\nwebhook = "https://hooks.example.org/x"\nheartbeat_url = "http://ping.example.org/abc"\nheartbeat_interval_seconds = 30\nmax_queued = 50\nheaders = { Authorization = "Bearer s3cret" }\n`;
    const result = parseManifest(text, FILE);
    expect(result.ok && result.manifest.alerts).toEqual({
      webhook: 'https://hooks.example.org/x',
      heartbeatUrl: 'http://ping.example.org/abc',
      heartbeatIntervalMs: 30_000,
      maxQueued: 50,
      headers: { Authorization: 'Bearer s3cret' },
    });
  });

  it('defaults: a minute between heartbeats, 1000 alerts kept; no table, no alerts', () => {
    const result = parseManifest(`${SERVICE}[alerts]\nwebhook = "http://127.0.0.1:9/hook"\n`, FILE);
    expect(result.ok && result.manifest.alerts).toEqual({ webhook: 'http://127.0.0.1:9/hook', headers: {}, heartbeatIntervalMs: 60_000, maxQueued: 1000 });
    const none = parseManifest(SERVICE, FILE);
    expect(none.ok && none.manifest.alerts).toBeUndefined();
  });

  it('reports each bad key at its position', () => {
    const text = [
      SERVICE + '[alerts]',
      'webhook = "ftp://example.org/x"',
      'heartbeat_url = "not a url"',
      'heartbeat_interval_seconds = 0',
      'max_queued = 0',
      'hedaers = {}',
      'headers = { "bad name" = "x", Good = 3 }',
    ].join('\n');
    expect(lines(text)).toEqual([
      '4:11: alerts.webhook: "ftp://example.org/x" must start with http:// or https://',
      '5:17: alerts.heartbeat_url: "not a url" is not a valid URL',
      '6:30: alerts.heartbeat_interval_seconds: must be at least 0.1',
      '7:14: alerts.max_queued: must be at least 1',
      '8:1: alerts.hedaers: unknown key "hedaers"; did you mean "headers"?',
      '9:13: alerts.headers."bad name": "bad name" is not a valid HTTP header name',
      '9:38: alerts.headers.Good: expected a string (quote numbers and booleans), got an integer',
    ]);
  });

  it('needs a webhook or a heartbeat, and an interval needs its URL', () => {
    expect(lines(`${SERVICE}[alerts]\nheartbeat_interval_seconds = 5\n`)).toEqual([
      '3:1: alerts: give webhook = "https://…" or heartbeat_url = "https://…" (or both)',
      '4:1: alerts.heartbeat_interval_seconds: needs heartbeat_url (where the heartbeat goes)',
    ]);
    expect(lines(`alerts = "https://x.example"\n${SERVICE}`)).toEqual(['1:10: alerts: expected a table, got a string']);
  });

  it('`showrunner check` reports them as FILE:LINE:COL: FIELD: message', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'showrunner-alerts-check-'));
    try {
      const file = join(dir, 'services.toml');
      await writeFile(file, `${SERVICE}[alerts]\nwebhook = "mailto:ops@example.org"\n`);
      const cli = runCliProcess(['check', file]);
      expect(await cli.exited).not.toBe(0);
      expect(cli.output()).toContain(`${file}:4:11: alerts.webhook: "mailto:ops@example.org" must start with http:// or https://`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
