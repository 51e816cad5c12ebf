// A small argument parser for `showrunner`: flags may take several values (`--services a b`,
// as Gradi's), repeat (`--monitor a --monitor b`) or none (`--testing`). Unknown flags are
// errors, so a typo never silently changes what runs.
import { didYouMean } from './engine/config/did-you-mean';

export interface FlagSpec {
  /** 'boolean': no value; 'string': one value; 'list': one or more values, repeatable. */
  kind: 'boolean' | 'string' | 'list';
  alias?: string;
}

export interface ParsedArgs {
  flags: Record<string, string | string[] | boolean>;
  positionals: string[];
}

export class UsageError extends Error {}

export function parseCliArgs(argv: string[], specs: Record<string, FlagSpec>): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  const byAlias = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.alias ? [[spec.alias, name]] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [rawName, inlineValue] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const name = rawName.startsWith('--') ? rawName.slice(2) : (byAlias.get(rawName.slice(1)) ?? '');
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option ${rawName}${didYouMean(rawName, Object.keys(specs).map((known) => `--${known}`))}`);
    if (spec.kind === 'boolean') {
      if (inlineValue !== undefined) throw new UsageError(`${rawName} takes no value`);
      flags[name] = true;
      continue;
    }
    const values: string[] = [];
    if (inlineValue !== undefined) values.push(inlineValue);
    else {
      while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
        values.push(argv[++i]);
        if (spec.kind === 'string') break;
      }
    }
    if (values.length === 0) throw new UsageError(`${rawName} needs a value`);
    if (spec.kind === 'string') {
      if (values.length > 1) throw new UsageError(`${rawName} takes one value`);
      flags[name] = values[0];
    } else {
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), ...values];
    }
  }
  return { flags, positionals };
}

export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function listFlag(parsed: ParsedArgs, name: string): string[] | undefined {
  const value = parsed.flags[name];
  return Array.isArray(value) ? value : undefined;
}

export function portFlag(parsed: ParsedArgs, name: string, fallback: number): number {
  const raw = stringFlag(parsed, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--${name} must be a port number from 0 to 65535, not ${JSON.stringify(raw)}`);
  return port;
}

/** A duration flag in milliseconds (0 or more), or undefined when not given. */
export function millisecondsFlag(parsed: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(parsed, name);
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!(ms >= 0)) throw new UsageError(`--${name} must be a number of milliseconds`);
  return ms;
}
