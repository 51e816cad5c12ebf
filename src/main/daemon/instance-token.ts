// A daemon's token lasts (issue 14): made once per instance key, kept 0600 in the state dir,
// `tokens/<key>.token`, and reused on restart, so bookmarks and attached panels keep working.
// `--token` (or SHOWRUNNER_TOKEN, which stays out of `ps`) overrides it without storing it;
// `--new-token` replaces the stored one.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateToken } from './token-auth';

export interface InstanceTokenOptions {
  stateDir: string;
  key: string;
  /** From `--token`. */
  given?: string;
  /** From the SHOWRUNNER_TOKEN environment variable. */
  fromEnv?: string;
  /** `--new-token`: make a new one and store it. */
  rotate?: boolean;
}

export type TokenSource = 'flag' | 'env' | 'stored' | 'new';

export function instanceTokenPath(stateDir: string, key: string): string {
  return join(stateDir, 'tokens', `${key}.token`);
}

export async function instanceToken({ stateDir, key, given, fromEnv, rotate = false }: InstanceTokenOptions): Promise<{ token: string; source: TokenSource }> {
  if (given !== undefined) return { token: given, source: 'flag' };
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const file = instanceTokenPath(stateDir, key);
  if (!rotate) {
    const stored = (await readFile(file, 'utf8').catch(() => '')).trim();
    // An empty or cut-short file (a crash mid-write on a filesystem without atomic rename) is
    // replaced, not trusted.
    if (stored.length >= 16) return { token: stored, source: 'stored' };
  }
  const token = generateToken();
  await mkdir(join(stateDir, 'tokens'), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, token + '\n', { mode: 0o600 });
  await rename(temp, file);
  return { token, source: 'new' };
}
