// `showrunner status|start|stop|restart|kill`: talk to a running daemon found through the
// discovery file (or --url/--token), through the same contract the UI uses.
import { describeService, formatBytes } from '../../shared/describe-state';
import type { MethodArgs, MethodName, MethodResult, Reply } from '../../shared/contract';
import { readDiscoveryFile } from '../daemon/discovery-file';
import { parseCliArgs, stringFlag, UsageError } from './parse-cli-args';

const clientFlags = { url: { kind: 'string' }, token: { kind: 'string' }, json: { kind: 'boolean' } } as const;

interface DaemonAddress {
  url: string;
  token: string;
}

async function findDaemon(url: string | undefined, token: string | undefined): Promise<DaemonAddress> {
  if (url && token) return { url, token };
  const found = await readDiscoveryFile();
  if (!found) throw new UsageError('no running daemon found (start one with `showrunner serve`, or pass --url and --token)');
  return { url: url ?? found.url, token: token ?? found.token };
}

export async function callDaemon<M extends MethodName>(daemon: DaemonAddress, method: M, args: MethodArgs<M>): Promise<Reply<MethodResult<M>>> {
  let response: Response;
  try {
    response = await fetch(`${daemon.url}/api/call/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${daemon.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
  } catch (error) {
    return { ok: false, error: { code: 'unavailable', message: `cannot reach the daemon at ${daemon.url}: ${(error as Error).message}` } };
  }
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (response.ok) return { ok: true, value: body as MethodResult<M> };
  return { ok: false, error: (body?.error as never) ?? { code: 'internal', message: `HTTP ${response.status}` } };
}

export async function clientCommand(command: string, argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv, clientFlags);
  const daemon = await findDaemon(stringFlag(parsed, 'url'), stringFlag(parsed, 'token'));
  if (command === 'status') {
    if (parsed.positionals.length) throw new UsageError('status takes no arguments');
    const reply = await callDaemon(daemon, 'services.list', {});
    if (!reply.ok) return fail(reply.error.message);
    if (parsed.flags.json) process.stdout.write(JSON.stringify(reply.value, null, 2) + '\n');
    else process.stdout.write(formatStatusTable(reply.value));
    return 0;
  }
  const [name, ...extra] = parsed.positionals;
  if (!name || extra.length) throw new UsageError(`usage: showrunner ${command} NAME`);
  const method = `services.${command}` as 'services.start';
  const reply = await callDaemon(daemon, method, { name });
  if (!reply.ok) return fail(reply.error.message);
  process.stdout.write(`${name}: ${describeService(reply.value)}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`showrunner: ${message}\n`);
  return 1;
}

export function formatStatusTable(services: MethodResult<'services.list'>): string {
  const rows = services.map((service) => [
    service.name,
    describeService(service),
    String(service.restarts),
    service.stats ? `${service.stats.cpuPercent.toFixed(1)}% ${formatBytes(service.stats.rssBytes)}` : '-',
  ]);
  const header = ['NAME', 'STATE', 'RESTARTS', 'CPU/RSS'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n') + '\n';
}
