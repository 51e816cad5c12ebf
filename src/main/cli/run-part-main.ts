// What the built-in parts' entry points (sync-server-main.ts, mrp-runtime-main.ts) share: parse
// the flags, `--help`, a usage error that exits 2 with the usage, the token taken from the
// environment, the `--log-level` ladder, then serve until a signal.
import { isLogLevel, type LogLevel } from '../engine/parts/log-level';
import { parseCliArgs, UsageError, type FlagSpec, type ParsedArgs } from '../parse-cli-args';
import { serveUntilSignal, type ClosableServer } from './serve-until-signal';

export interface PartMain<Options> {
  name: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Builds the part's options; throws UsageError for a bad flag. */
  options(parsed: ParsedArgs): Options;
  start(options: Options): Promise<ClosableServer>;
}

export async function runPartMain<Options>(part: PartMain<Options>, argv: string[]): Promise<void> {
  let options: Options;
  try {
    const parsed = parseCliArgs(argv, part.flags);
    if (parsed.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
    if (parsed.flags.help) {
      process.stdout.write(`${part.usage}\n`);
      return;
    }
    options = part.options(parsed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${part.name}: ${error.message}\n${part.usage}\n`);
    process.exitCode = 2;
    return;
  }
  await serveUntilSignal(part.name, () => part.start(options));
}

/** Read once, then removed, so nothing this process starts (a cell, a shell) inherits it. */
export function takeEnvToken(name: string): string | undefined {
  const token = process.env[name] || undefined;
  delete process.env[name];
  return token;
}

export function logLevelFlag(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if (!isLogLevel(value)) throw new UsageError(`--log-level must be debug, info, warn or error, not "${value}"`);
  return value;
}
