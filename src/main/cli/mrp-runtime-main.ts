// Entry point for running the built-in MRP runtime as its own supervised process (service
// `mrmd-runtime`). Prints `ready <url>` (the base URL; bash at `<url>/mrp/v1`, node at
// `<url>/node/mrp/v1`, python at `<url>/python/mrp/v1`) once listening, logs requests on stdout, and on SIGTERM or SIGINT
// kills every running cell and session before exiting.
import path from 'node:path';
import { RUNTIME_TOKEN_ENV } from '../engine/parts/builtin-services';
import { partLog } from '../engine/parts/part-log';
import { logLevelFlag, runPartMain, takeEnvToken } from './run-part-main';
import { listFlag, millisecondsFlag, portFlag, stringFlag, type FlagSpec } from '../parse-cli-args';
import { startMrpRuntime } from '../engine/mrp/mrp-runtime';

const FLAGS: Record<string, FlagSpec> = {
  host: { kind: 'string' },
  port: { kind: 'string' },
  token: { kind: 'string' },
  'allow-origin': { kind: 'list' },
  cwd: { kind: 'string' },
  'node-path': { kind: 'string' },
  'bash-path': { kind: 'string' },
  'python-path': { kind: 'string' },
  'no-python': { kind: 'boolean' },
  'interrupt-grace-ms': { kind: 'string' },
  'log-level': { kind: 'string' },
  help: { kind: 'boolean' },
};

const USAGE = `usage: mrp-runtime [--host 127.0.0.1] [--port 8000] [--token T] [--allow-origin URL]...
                   [--cwd DIR] [--node-path node] [--bash-path bash] [--interrupt-grace-ms 2000]
                   [--python-path PYTHON_OR_VENV | --no-python]
Python cells run in python3 from PATH (or the active VIRTUAL_ENV) unless --python-path says.
[--log-level debug|info|warn|error] keeps lines of that level and above (default info).
A token may also come from the SHOWRUNNER_MRP_TOKEN environment variable.`;

export function runMrpRuntimeMain(argv: string[]): Promise<void> {
  return runPartMain(
    {
      name: 'mrp-runtime',
      usage: USAGE,
      flags: FLAGS,
      options: (parsed) => {
        const grace = millisecondsFlag(parsed, 'interrupt-grace-ms');
        return {
          host: stringFlag(parsed, 'host') ?? '127.0.0.1',
          port: portFlag(parsed, 'port', 8000),
          token: stringFlag(parsed, 'token') ?? takeEnvToken(RUNTIME_TOKEN_ENV),
          allowedOrigins: listFlag(parsed, 'allow-origin') ?? [],
          cwd: path.resolve(stringFlag(parsed, 'cwd') ?? '.'),
          nodePath: stringFlag(parsed, 'node-path'),
          bashPath: stringFlag(parsed, 'bash-path'),
          pythonPath: parsed.flags['no-python'] ? null : stringFlag(parsed, 'python-path'),
          interruptGraceMs: grace,
          log: partLog(logLevelFlag(stringFlag(parsed, 'log-level'))),
        };
      },
      start: startMrpRuntime,
    },
    argv,
  );
}
