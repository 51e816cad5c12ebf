import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsTrust } from './tls-trust';

describe('tlsTrust', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tls-trust-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds the record\'s certificate to the public CAs for https, and changes nothing otherwise', async () => {
    const cert = join(dir, 'daemon.cert.pem');
    await writeFile(cert, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const trust = await tlsTrust('https://127.0.0.1:7420', cert);
    expect(trust.ca).toHaveLength(rootCertificates.length + 1);
    expect(trust.ca!.at(-1)).toContain('BEGIN CERTIFICATE');
    expect(await tlsTrust('http://127.0.0.1:7420', cert)).toEqual({});
    expect(await tlsTrust('https://127.0.0.1:7420', undefined)).toEqual({});
    // A record naming a file that is gone: Node's defaults, which refuse a self-signed server.
    expect(await tlsTrust('https://127.0.0.1:7420', join(dir, 'missing.pem'))).toEqual({});
  });
});
