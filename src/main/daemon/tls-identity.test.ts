import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedTlsPaths, tlsIdentity, TlsSetupError } from './tls-identity';

describe('tlsIdentity', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tls-identity-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a certificate once per instance (key 0600, names for loopback) and reuses it', async () => {
    const first = await tlsIdentity({ stateDir: dir, key: 'aa11', hostNames: ['gallery.local'] });
    expect(first.source).toBe('new');
    const paths = storedTlsPaths(dir, 'aa11');
    expect(first.certPath).toBe(paths.cert);
    if (process.platform !== 'win32') expect((await stat(paths.key)).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(first.cert);
    expect(x509.fingerprint256).toBe(first.fingerprint);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('DNS:gallery.local');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    const again = await tlsIdentity({ stateDir: dir, key: 'aa11' });
    expect(again).toMatchObject({ source: 'stored', fingerprint: first.fingerprint });
    const other = await tlsIdentity({ stateDir: dir, key: 'bb22' });
    expect(other.fingerprint).not.toBe(first.fingerprint);
  });

  it('replaces a stored pair that is broken or has expired', async () => {
    const first = await tlsIdentity({ stateDir: dir, key: 'cc33' });
    await writeFile(storedTlsPaths(dir, 'cc33').cert, 'garbage');
    const replaced = await tlsIdentity({ stateDir: dir, key: 'cc33' });
    expect(replaced.source).toBe('new');
    expect(replaced.fingerprint).not.toBe(first.fingerprint);
    const later = await tlsIdentity({ stateDir: dir, key: 'cc33', now: new Date(Date.now() + 20 * 365 * 24 * 3600 * 1000) });
    expect(later.source).toBe('new');
  });

  it('uses --tls-cert/--tls-key as given, and names the file when they cannot serve', async () => {
    const made = await tlsIdentity({ stateDir: dir, key: 'dd44' });
    const other = await tlsIdentity({ stateDir: dir, key: 'ee55' });
    const paths = storedTlsPaths(dir, 'dd44');
    const given = await tlsIdentity({ stateDir: dir, key: 'zz', certFile: paths.cert, keyFile: paths.key });
    expect(given).toMatchObject({ source: 'given', fingerprint: made.fingerprint, certPath: paths.cert });
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    const cases: [string | undefined, string | undefined, RegExp][] = [
      [join(dir, 'missing.pem'), paths.key, /cannot read the TLS certificate .*missing\.pem: ENOENT/],
      [junk, paths.key, /junk\.pem .*not a PEM X\.509 certificate/],
      [paths.cert, junk, /not a PEM private key/],
      [paths.cert, storedTlsPaths(dir, 'ee55').key, /the key does not belong to the certificate/],
      [paths.cert, undefined, /go together/],
    ];
    for (const [certFile, keyFile, message] of cases) {
      const error = await tlsIdentity({ stateDir: dir, key: 'zz', certFile, keyFile }).catch((caught: unknown) => caught);
      expect(error, String(message)).toBeInstanceOf(TlsSetupError);
      expect((error as Error).message).toMatch(message);
    }
    expect(other.cert).toBe(await readFile(storedTlsPaths(dir, 'ee55').cert, 'utf8'));
  });
});
