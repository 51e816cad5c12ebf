// The `showrunner` command dispatcher, shared by the plain-Node entry (cli.ts) and the desktop
// app's windowless mode (the packaged app binary is also /usr/bin/showrunner).
// Each command loads its own modules when it runs: loading all of them cost every command,
// `check` and the built-in parts included, about a second before its first line of work.
import { UsageError } from './parse-cli-args';
import { didYouMean } from './engine/config/did-you-mean';
import { CLI_COMMANDS } from './command-names';


export const usage = `usage: showrunner <command> [options]

  serve [-c|--config FILE] [--services A B ...] [--testing] [--root DIR] [--host H] [-p|--port N]
        [--token T | --new-token] [--log-dir DIR] [--state-dir DIR] [--device-root DIR] [--quiet]
        [--log-format text|json]
                           run the headless daemon (default: the built-in demo manifest;
                           port: --port, else $PORT, else 7420);
                           its token lasts across restarts (SHOWRUNNER_TOKEN also sets it);
                           one line per service state change on stderr unless --quiet
  status [--config FILE] [--json]
                           every running daemon (manifest, URL, services), or FILE's
  url [--config FILE] [--viewer]
                           print the daemon's panel URL with its token (--viewer: the
                           read-only one, when the daemon has a viewer token)
  start|stop|restart|kill [--config FILE] NAME
                           act on one service; --config is needed when several daemons run
  rollout [--config FILE] NAME
                           roll out a compose service: build, up, verify, roll back on failure
  runs [--config FILE] [--status S] [--json]
                           roll-out runs with their steps, newest first
  approve|reject [--config FILE] ID
                           decide on a protected service's run awaiting approval
  check FILE               validate a services.toml; one line per problem
  mrmd [--docs DIR] [--port N] [--sync-port N] [--runtime-port N] [--sync-url URL]
       [--runtime-url URL] [--no-sync] [--no-runtime] [--no-editor] [--no-monitors]
       [--monitor DOC]... [--log-level L] [--host H] [--token T | --new-token]
       [--quiet] [--packages SPEC,...]
                           mrmd-orchestrator's command: sync server, runtime, monitors, API
  monitor [--doc D] [--name N] [--log-level L] ws://SYNC
                           one headless monitor peer (mrmd-monitor's command)

Built-in parts, started by the supervisor as services mrmd-sync and mrmd-runtime:
  sync-server [--host H] [--port N] [--docs DIR] [--token T] [--allow-origin URL]...
  mrp-runtime [--host H] [--port N] [--token T] [--allow-origin URL]... [--cwd DIR]

Client commands find daemons through their discovery records, or take --url URL as
\`showrunner url\` prints it (or with --token T, or SHOWRUNNER_TOKEN).
`;


/** A command nobody typed on purpose: name the close one, not 30 lines of usage. */
class UnknownCommand extends Error {}

/** A number is the exit code; 'running' means a server keeps the process alive. */
async function dispatch(argv: string[]): Promise<number | 'running'> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'sync-server':
      await (await import('./cli/sync-server-main')).runSyncServerMain(rest);
      return process.exitCode === undefined ? 'running' : Number(process.exitCode);
    case 'mrp-runtime':
      await (await import('./cli/mrp-runtime-main')).runMrpRuntimeMain(rest);
      return process.exitCode === undefined ? 'running' : Number(process.exitCode);
    case 'serve':
      return (await import('./daemon/serve-command')).serveCommand(rest);
    case 'mrmd':
      return (await import('./daemon/mrmd-command')).mrmdCommand(rest);
    case 'monitor':
      return (await import('./engine/monitors/run-monitor-main')).runMonitorMain(rest);
    case 'status':
    case 'url':
    case 'start':
    case 'stop':
    case 'restart':
    case 'kill':
      return (await import('./cli/client-commands')).clientCommand(command, rest);
    case 'rollout':
    case 'runs':
    case 'approve':
    case 'reject':
      return (await import('./cli/run-commands')).runCommand(command, rest);
    case 'check': {
      if (rest.length !== 1) throw new UsageError('usage: showrunner check FILE');
      const { checkManifestFile } = await import('./engine/config/check-manifest-file');
      const result = await checkManifestFile(rest[0]);
      for (const line of result.lines) process.stdout.write(line + '\n');
      return result.exitCode;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new UnknownCommand(`unknown command ${JSON.stringify(command)}${didYouMean(command, CLI_COMMANDS)}`);
  }
}


/** Runs one command: an exit code, or 'running' while a server keeps the process alive. */
export async function runCli(argv: string[]): Promise<number | 'running'> {
  try {
    return await dispatch(argv);
  } catch (error) {
    if (error instanceof UnknownCommand) {
      process.stderr.write(`showrunner: ${error.message}\n(\`showrunner help\` lists the commands)\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`showrunner: ${error.message}\n\n${usage}`);
      return 2;
    }
    process.stderr.write(`showrunner: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
