// The few `--name value` flags of the built-in parts' entry points (sync-server-main.ts,
// mrp-runtime-main.ts). Deliberately tiny: these are launched by our own CLI, not typed by hand.
export type FlagKind = 'string' | 'list' | 'boolean';

export type FlagValues<S extends Record<string, FlagKind>> = {
  [K in keyof S]?: S[K] extends 'list' ? string[] : S[K] extends 'boolean' ? boolean : string;
};

export class FlagError extends Error {}

/** Accepts `--name value` and `--name=value`; a `list` flag may repeat and may hold commas. */
export function parseFlags<S extends Record<string, FlagKind>>(argv: string[], spec: S): FlagValues<S> {
  const values: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) throw new FlagError(`unknown flag --${name}`);
    if (kind === 'boolean') {
      if (eq !== -1) throw new FlagError(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new FlagError(`--${name} needs a value`);
      value = argv[++i];
    }
    if (kind === 'list') {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(...value.split(',').map((part) => part.trim()).filter((part) => part.length > 0));
      values[name] = list;
    } else {
      values[name] = value;
    }
  }
  return values as FlagValues<S>;
}

export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlagError(`invalid port ${JSON.stringify(text)}`);
  return port;
}
