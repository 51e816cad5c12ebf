// `serve --tls` (issue 18): the daemon's certificate. Without --tls-cert/--tls-key, one is made
// once per instance key into the state dir, `tls/<key>.cert.pem` and `tls/<key>.key.pem` (0600),
// and reused on restart, so its fingerprint stays what the operator pinned. A certificate that
// cannot be read, does not match its key, or has expired is replaced (and says so). Clients on
// this machine trust it through the daemon record's `certificate` path (tls-trust.ts).
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** The certificate's file (for clients to trust) and its SHA-256 fingerprint, `AB:CD:…`. */
  certPath: string;
  fingerprint: string;
  source: 'given' | 'stored' | 'new';
}

export interface TlsIdentityOptions {
  stateDir: string;
  key: string;
  /** `--tls-cert`/`--tls-key`: both or neither. */
  certFile?: string;
  keyFile?: string;
  /** Names the generated certificate is valid for, besides localhost and the loopback addresses. */
  hostNames?: string[];
  now?: Date;
}

/** A certificate or key that cannot be used; the message names the file. */
export class TlsSetupError extends Error {}

const VALID_DAYS = 3650;

export function storedTlsPaths(stateDir: string, key: string): { cert: string; key: string } {
  return { cert: join(stateDir, 'tls', `${key}.cert.pem`), key: join(stateDir, 'tls', `${key}.key.pem`) };
}

export async function tlsIdentity({ stateDir, key, certFile, keyFile, hostNames = [], now = new Date() }: TlsIdentityOptions): Promise<TlsIdentity> {
  if ((certFile === undefined) !== (keyFile === undefined)) throw new TlsSetupError('--tls-cert and --tls-key go together: give both, or neither to use a generated certificate');
  if (certFile !== undefined && keyFile !== undefined) {
    const cert = await readPem(certFile, 'certificate');
    const privateKey = await readPem(keyFile, 'key');
    const problem = pairProblem(cert, privateKey, now);
    if (problem) throw new TlsSetupError(`${certFile} / ${keyFile}: ${problem}`);
    return { cert, key: privateKey, certPath: certFile, fingerprint: new X509Certificate(cert).fingerprint256, source: 'given' };
  }
  const paths = storedTlsPaths(stateDir, key);
  const cert = await readFile(paths.cert, 'utf8').catch(() => null);
  const privateKey = await readFile(paths.key, 'utf8').catch(() => null);
  if (cert !== null && privateKey !== null && pairProblem(cert, privateKey, now) === null) {
    return { cert, key: privateKey, certPath: paths.cert, fingerprint: new X509Certificate(cert).fingerprint256, source: 'stored' };
  }
  const made = await generateCertificate([...new Set(['localhost', hostname(), ...hostNames])], now);
  await mkdir(join(stateDir, 'tls'), { recursive: true, mode: 0o700 });
  // Key first: a certificate on disk always has its key beside it.
  await writeAtomically(paths.key, made.key);
  await writeAtomically(paths.cert, made.cert);
  return { ...made, certPath: paths.cert, fingerprint: new X509Certificate(made.cert).fingerprint256, source: 'new' };
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new TlsSetupError(`cannot read the TLS ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Why this pair cannot serve, or null. */
function pairProblem(cert: string, key: string, now: Date): string | null {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return 'the certificate is not a PEM X.509 certificate';
  }
  let keyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch {
    return 'the key is not a PEM private key (or it needs a passphrase)';
  }
  if (!x509.checkPrivateKey(keyObject)) return 'the key does not belong to the certificate';
  if (new Date(x509.validTo).getTime() <= now.getTime()) return `the certificate expired on ${x509.validTo}`;
  return null;
}

async function generateCertificate(names: string[], now: Date): Promise<{ cert: string; key: string }> {
  const { generate } = await import('selfsigned');
  const dns = names.filter((name) => !/^[\d.]+$/.test(name) && !name.includes(':'));
  const ips = ['127.0.0.1', '::1', ...names.filter((name) => /^[\d.]+$/.test(name) || name.includes(':'))];
  const notAfterDate = new Date(now.getTime() + VALID_DAYS * 24 * 3600 * 1000);
  const made = await generate([{ name: 'commonName', value: 'Showrunner daemon' }], {
    keySize: 2048,
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...[...new Set(ips)].map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { cert: made.cert, key: made.private };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, file);
}
