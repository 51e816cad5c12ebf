// Entry point for running the sync server as its own supervised process (service
// `mrmd-sync`). Prints `ready <url>` once listening, logs connections on stdout, and closes
// cleanly (documents written) on SIGTERM or SIGINT.
import path from 'node:path';
import { SYNC_TOKEN_ENV } from '../engine/parts/builtin-services';
import { partLog } from '../engine/parts/part-log';
import { logLevelFlag, runPartMain, takeEnvToken } from './run-part-main';
import { listFlag, millisecondsFlag, portFlag, stringFlag, type FlagSpec } from '../parse-cli-args';
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

export function runSyncServerMain(argv: string[]): Promise<void> {
  return runPartMain(
    {
      name: 'sync-server',
      usage: USAGE,
      flags: FLAGS,
      options: (parsed) => {
        const debounce = millisecondsFlag(parsed, 'save-debounce-ms');
        return {
          host: stringFlag(parsed, 'host') ?? '127.0.0.1',
          port: portFlag(parsed, 'port', 4444),
          docsDir: path.resolve(stringFlag(parsed, 'docs') ?? 'docs'),
          token: stringFlag(parsed, 'token') ?? takeEnvToken(SYNC_TOKEN_ENV),
          allowedOrigins: listFlag(parsed, 'allow-origin') ?? [],
          saveDebounceMs: debounce,
          log: partLog(logLevelFlag(stringFlag(parsed, 'log-level'))),
        };
      },
      start: startSyncServer,
    },
    argv,
  );
}
