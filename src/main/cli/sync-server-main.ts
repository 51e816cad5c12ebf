// Entry point for running the sync server as its own supervised process (service
// `mrmd-sync`). Prints `ready <url>` once listening, logs connections on stdout, and closes
// cleanly (documents written) on SIGTERM or SIGINT.
import path from 'node:path';
import { SYNC_TOKEN_ENV } from '../engine/parts/builtin-services';
import { partLog } from '../engine/parts/part-log';
import { isLogLevel, type LogLevel } from '../engine/parts/log-level';
import { serveUntilSignal } from './serve-until-signal';
import { listFlag, millisecondsFlag, parseCliArgs, portFlag, stringFlag, UsageError as FlagError, type FlagSpec } from '../parse-cli-args';
import { startSyncServer } from '../engine/sync/sync-server';

const FLAGS: Record<string, FlagSpec> = {
  host: { kind: 'string' },
  port: { kind: 'string' },
  docs: { kind: 'string' },
  token: { kind: 'string' },
  'allow-origin': { kind: 'list' },
  'save-debounce-ms': { kind: 'string' },
  'log-level': { kind: 'string' },
  help: { kind: 'boolean' },
};

const USAGE = `usage: sync-server [--host 127.0.0.1] [--port 4444] [--docs ./docs] [--token T]
                   [--allow-origin URL]... [--save-debounce-ms 500]
[--log-level debug|info|warn|error] keeps lines of that level and above (default info).
A token may also come from the SHOWRUNNER_SYNC_TOKEN environment variable.`;

/** Read once, then removed, so nothing this process starts (a cell, a shell) inherits it. */
function takeEnvToken(): string | undefined {
  const token = process.env[SYNC_TOKEN_ENV] || undefined;
  delete process.env[SYNC_TOKEN_ENV];
  return token;
}

export async function runSyncServerMain(argv: string[]): Promise<void> {
  let options: Parameters<typeof startSyncServer>[0];
  try {
    const parsed = parseCliArgs(argv, FLAGS);
    if (parsed.positionals.length) throw new FlagError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
    if (parsed.flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    const debounce = millisecondsFlag(parsed, 'save-debounce-ms');
    options = {
      host: stringFlag(parsed, 'host') ?? '127.0.0.1',
      port: portFlag(parsed, 'port', 4444),
      docsDir: path.resolve(stringFlag(parsed, 'docs') ?? 'docs'),
      token: stringFlag(parsed, 'token') ?? takeEnvToken(),
      allowedOrigins: listFlag(parsed, 'allow-origin') ?? [],
      saveDebounceMs: debounce,
      log: partLog(logLevelFlag(stringFlag(parsed, 'log-level'))),
    };
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`sync-server: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }

  await serveUntilSignal('sync-server', () => startSyncServer(options));
}

function logLevelFlag(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if (!isLogLevel(value)) throw new FlagError(`--log-level must be debug, info, warn or error, not "${value}"`);
  return value;
}
