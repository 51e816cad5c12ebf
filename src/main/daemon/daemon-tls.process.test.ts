// `serve --tls` (issue 18) with real daemon processes under one HOME: each instance makes its
// own certificate once (0600 key in its state dir) and reuses it on restart (same fingerprint,
// same token); a client that pins it connects over https and wss, one that does not (or pins
// the other daemon's) is refused; `showrunner status` trusts it through the daemon record; a
// certificate file that cannot serve is a clear error, not a crash.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTRACT_WS_PATH } from '../../shared/wire';
import { listDaemonRecords } from '../attach/daemon-record';
import { runCliProcess, type RunningCli, stopCliProcesses } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';

const idle = `node -e "setInterval(() => {}, 1000)"`;

interface TlsDaemon {
  cli: RunningCli;
  url: string;
  token: string;
  fingerprint: string;
  certPath: string;
}

async function startTlsDaemon(manifest: string, stateDir: string): Promise<TlsDaemon> {
  const cli = runCliProcess(['serve', '--config', manifest, '--port', '0', '--state-dir', stateDir, '--quiet', '--tls']);
  const [, url, token] = (await waitFor(() => /listening on (https:\/\/[^/\s]+)\/\?token=(\S+)/.exec(cli.output()), Boolean, { what: `https daemon listening (${cli.output().slice(-300)})`, timeoutMs: 60_000 }))!;
  const [, certPath, fingerprint] = /TLS certificate (\S+) \(\w+\), SHA-256 fingerprint ([0-9A-F:]+)/.exec(cli.output())!;
  return { cli, url, token, fingerprint, certPath };
}

/** GET over https trusting only `ca` (undefined: Node's public CAs); the status, or the error's code. */
function getWith(url: string, token: string, ca: string | undefined): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${url}/api/services`, { headers: { Authorization: `Bearer ${token}` }, ...(ca ? { ca } : {}) }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

async function stop(daemon: TlsDaemon): Promise<void> {
  daemon.cli.child.kill('SIGTERM');
  expect(await daemon.cli.exited).toBe(0);
}

describe('serve --tls, with real daemons', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-tls-'));
  });
  afterEach(async () => {
    await stopCliProcesses(); // before the folder goes: a daemon may still write into it
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each instance its own certificate, reuses it on restart, and is reached only by clients that trust it', async () => {
    const state = join(dir, 'state');
    const manifests = [join(dir, 'a.toml'), join(dir, 'b.toml')];
    for (const manifest of manifests) await writeFile(manifest, `[services.web]\ncommand = ${JSON.stringify(idle)}\n`);
    const [a, b] = await Promise.all(manifests.map((manifest) => startTlsDaemon(manifest, state)));
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(a.certPath).not.toBe(b.certPath);
    expect(a.token).not.toBe(b.token);
    const certA = await readFile(a.certPath, 'utf8');
    const certB = await readFile(b.certPath, 'utf8');
    expect(new X509Certificate(certA).fingerprint256).toBe(a.fingerprint);
    if (process.platform !== 'win32') expect((await stat(a.certPath.replace('.cert.pem', '.key.pem'))).mode & 0o777).toBe(0o600);

    expect(await getWith(a.url, a.token, certA)).toBe(200);
    expect(await getWith(a.url, a.token, undefined)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    expect(await getWith(a.url, a.token, certB)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    // Plain HTTP on the TLS port gets no API.
    const plain = await fetch(`${a.url.replace('https:', 'http:')}/api/services`).then((reply) => reply.status, () => 'refused');
    expect(plain).not.toBe(200);

    // wss with the pinned certificate.
    const ws = new WebSocket(`${a.url.replace(/^https/, 'wss')}${CONTRACT_WS_PATH}`, { headers: { Authorization: `Bearer ${a.token}` }, ca: certA });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.close();

    // The record names the certificate; the CLI clients trust it from there.
    const records = await listDaemonRecords();
    expect(records.find((record) => record.url === a.url)?.certificate).toBe(a.certPath);
    const status = runCliProcess(['status', '--config', manifests[0]]);
    expect(await status.exited).toBe(0);
    expect(status.output()).toMatch(/web\s+Running/);
    const url = runCliProcess(['url', '--config', manifests[1]]);
    expect(await url.exited).toBe(0);
    expect(url.output().trim()).toBe(`${b.url}/?token=${b.token}`);

    // A restart reuses the certificate and the token.
    await stop(a);
    const again = await startTlsDaemon(manifests[0], state);
    expect(again.cli.output()).toContain('(stored)');
    expect([again.fingerprint, again.token, again.certPath]).toEqual([a.fingerprint, a.token, a.certPath]);
    expect(await getWith(again.url, again.token, certA)).toBe(200);
  }, 120_000);

  it('names a certificate or key that cannot serve, and exits without listening', async () => {
    const manifest = join(dir, 'services.toml');
    await writeFile(manifest, `[services.web]\ncommand = ${JSON.stringify(idle)}\n`);
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    const cli = runCliProcess(['serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state'), '--tls-cert', junk, '--tls-key', junk]);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain(`${junk} / ${junk}: the certificate is not a PEM X.509 certificate`);
    expect(cli.output()).not.toContain('listening on');
    const half = runCliProcess(['serve', '--config', manifest, '--port', '0', '--tls-cert', junk]);
    expect(await half.exited).toBe(2);
    expect(half.output()).toContain('--tls-cert and --tls-key go together');
  }, 60_000);
});
