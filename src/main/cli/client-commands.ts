// `showrunner status|url|start|stop|restart|kill`: talk to running daemons, found through
// their discovery records (daemon/daemon-record.ts) or named by --config FILE or --url, through
// the same contract the UI uses. With several daemons running, `status` shows them all and an
// action without --config exits 2 listing them: it must never act on a guess.
import { resolve } from 'node:path';
import { describeService, formatBytes } from '../../shared/describe-state';
import type { MethodArgs, MethodName, MethodResult, Reply } from '../../shared/contract';
import { listDaemonRecords, type DaemonRecord } from '../attach/daemon-record';
import { panelUrl, parsePanelUrl } from '../attach/panel-url';
import { manifestKey } from '../engine/instance/manifest-key';
import { parseCliArgs, stringFlag, UsageError, type ParsedArgs } from '../parse-cli-args';
import { postJson, type JsonResponse } from './post-json';
import { tlsTrust } from '../attach/tls-trust';

export const clientFlags = { config: { kind: 'string' }, url: { kind: 'string' }, token: { kind: 'string' }, json: { kind: 'boolean' } } as const;
const urlFlags = { ...clientFlags, viewer: { kind: 'boolean' } } as const;

export const NO_VIEWER_TOKEN = 'this daemon has no viewer token (start it with --viewer-token, SHOWRUNNER_VIEWER_TOKEN or [access] viewer_token_file)';

export interface DaemonAddress {
  url: string;
  token: string;
  /** The manifest (or mrmd instance) it runs, when known from its record. */
  manifest: string | null;
  pid: number | null;
  /** With TLS: the certificate to trust, from the daemon's record. */
  certificate?: string;
  /** The read-only token, from the daemon's record (`url --viewer`). */
  viewerToken?: string;
}

/** Ends the command with this exit code and message (1: nothing to talk to; 2: ambiguous). */
export class ClientExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

const fromRecord = (record: DaemonRecord, token?: string): DaemonAddress => ({ url: record.url, token: token ?? record.token, manifest: record.manifest, pid: record.pid, certificate: record.certificate, viewerToken: record.viewerToken });

function describeRecords(records: DaemonRecord[]): string {
  return records.map((record) => `  ${record.manifest}  ${record.url}  (pid ${record.pid})`).join('\n');
}

/** The daemons a command talks to: one when named or alone, all when `many` and several run. */
export async function chooseDaemons(parsed: ParsedArgs, command: string, { many }: { many: boolean }): Promise<DaemonAddress[]> {
  const config = stringFlag(parsed, 'config');
  const urlFlag = stringFlag(parsed, 'url');
  const tokenFlag = stringFlag(parsed, 'token');
  if (config !== undefined && urlFlag !== undefined) throw new UsageError('give --config or --url, not both');
  if (urlFlag !== undefined) {
    let given: { url: string; token: string | null };
    try {
      given = parsePanelUrl(urlFlag);
    } catch (error) {
      throw new UsageError(`--url: ${(error as Error).message}`);
    }
    const records = await listDaemonRecords();
    const record = records.find((each) => each.url === given.url);
    const token = tokenFlag ?? given.token ?? process.env.SHOWRUNNER_TOKEN ?? record?.token;
    if (!token) throw new ClientExit(1, `no token for ${given.url}: pass the URL as \`showrunner url\` prints it, or --token, or set SHOWRUNNER_TOKEN`);
    return [{ url: given.url, token, manifest: record?.manifest ?? null, pid: record?.pid ?? null, certificate: record?.certificate }];
  }
  const records = await listDaemonRecords();
  if (config !== undefined) {
    const key = manifestKey(resolve(config));
    const record = records.find((each) => each.key === key);
    if (!record) {
      const others = records.length ? `; running:\n${describeRecords(records)}` : '';
      throw new ClientExit(1, `no daemon runs ${resolve(config)}${others}`);
    }
    return [fromRecord(record, tokenFlag)];
  }
  if (records.length === 0) throw new ClientExit(1, 'no running daemon found (start one with `showrunner serve`, or pass --url)');
  if (records.length === 1 || many) return records.map((record) => fromRecord(record, tokenFlag));
  throw new ClientExit(2, `${records.length} daemons are running; choose one with --config FILE (or --url):\n${describeRecords(records)}\n(\`showrunner ${command}\` acts on one daemon)`);
}

export async function callDaemon<M extends MethodName>(daemon: Pick<DaemonAddress, 'url' | 'token' | 'certificate'>, method: M, args: MethodArgs<M>): Promise<Reply<MethodResult<M>>> {
  let response: JsonResponse;
  try {
    const { ca } = await tlsTrust(daemon.url, daemon.certificate);
    response = await postJson(`${daemon.url}/api/call/${method}`, { Authorization: `Bearer ${daemon.token}` }, args, { ca });
  } catch (error) {
    return { ok: false, error: { code: 'unavailable', message: `cannot reach the daemon at ${daemon.url}: ${(error as Error).message}` } };
  }
  const body = response.body as { error?: { code: string; message: string } } | null;
  if (response.status >= 200 && response.status < 300) return { ok: true, value: body as MethodResult<M> };
  return { ok: false, error: (body?.error as never) ?? { code: 'internal', message: `HTTP ${response.status}` } };
}

export function clientCommand(command: string, argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv, command === 'url' ? urlFlags : clientFlags);
  return endingOnClientExit(async () => {
    if (command === 'status') return await statusCommand(parsed);
    if (command === 'url') {
      if (parsed.positionals.length) throw new UsageError('url takes no arguments');
      const [daemon] = await chooseDaemons(parsed, command, { many: false });
      const token = parsed.flags.viewer ? daemon.viewerToken : daemon.token;
      if (!token) return fail(NO_VIEWER_TOKEN);
      process.stdout.write(panelUrl(daemon.url, token) + '\n');
      return 0;
    }
    const [name, ...extra] = parsed.positionals;
    if (!name || extra.length) throw new UsageError(`usage: showrunner ${command} [--config FILE] NAME`);
    const [daemon] = await chooseDaemons(parsed, command, { many: false });
    const method = `services.${command}` as 'services.start';
    const reply = await callDaemon(daemon, method, { name });
    if (!reply.ok) return fail(reply.error.message);
    process.stdout.write(`${name}: ${describeService(reply.value)}\n`);
    return 0;
  });
}

/** Runs a client command; a ClientExit on the way ends it with its message and exit code. */
export async function endingOnClientExit(command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof ClientExit) {
      process.stderr.write(`showrunner: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

/** Named (--config/--url): that daemon's services, as before. Else every running daemon, each
 *  under a line with its manifest and URL; `--json` gives `{daemons: [...]}` then. */
async function statusCommand(parsed: ParsedArgs): Promise<number> {
  if (parsed.positionals.length) throw new UsageError('status takes no arguments');
  const named = stringFlag(parsed, 'config') !== undefined || stringFlag(parsed, 'url') !== undefined;
  const daemons = await chooseDaemons(parsed, 'status', { many: true });
  const replies = await Promise.all(daemons.map((daemon) => callDaemon(daemon, 'services.list', {})));
  if (named) {
    const reply = replies[0];
    if (!reply.ok) return fail(reply.error.message);
    process.stdout.write(parsed.flags.json ? JSON.stringify(reply.value, null, 2) + '\n' : formatStatusTable(reply.value));
    return 0;
  }
  if (parsed.flags.json) {
    const listed = daemons.map((daemon, index) => {
      const reply = replies[index];
      return { manifest: daemon.manifest, url: daemon.url, pid: daemon.pid, ...(reply.ok ? { services: reply.value } : { error: reply.error }) };
    });
    process.stdout.write(JSON.stringify({ daemons: listed }, null, 2) + '\n');
  } else {
    const blocks = daemons.map((daemon, index) => {
      const reply = replies[index];
      const title = `${daemon.manifest}  ${daemon.url}  (pid ${daemon.pid})\n`;
      return title + (reply.ok ? formatStatusTable(reply.value) : `  unreachable: ${reply.error.message}\n`);
    });
    process.stdout.write(blocks.join('\n'));
  }
  return replies.every((reply) => reply.ok) ? 0 : 1;
}

/** A refusal from the daemon: its message, exit code 1. */
export function fail(message: string): number {
  process.stderr.write(`showrunner: ${message}\n`);
  return 1;
}

/** Fits a 100-column terminal: the STATE column is cut with "…" (`--json` keeps every word). */
export const STATUS_WIDTH = 100;

export function formatStatusTable(services: MethodResult<'services.list'>): string {
  const rows = services.map((service) => [
    service.name,
    describeService(service),
    String(service.restarts),
    service.stats ? `${service.stats.cpuPercent.toFixed(1)}% ${formatBytes(service.stats.rssBytes)}` : '-',
  ]);
  const header = ['NAME', 'STATE', 'RESTARTS', 'CPU/RSS'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const others = widths.reduce((sum, width, column) => (column === 1 ? sum : sum + width), 0) + 2 * (header.length - 1);
  widths[1] = Math.max(header[1].length, Math.min(widths[1], STATUS_WIDTH - others));
  const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
  return [header, ...rows].map((row) => row.map((cell, column) => cut(cell, widths[column]).padEnd(widths[column])).join('  ').trimEnd()).join('\n') + '\n';
}
