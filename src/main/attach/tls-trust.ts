// What a client on this machine trusts when it talks to a daemon over https (issue 18): the
// public CAs, plus the certificate the daemon's record names (its generated self-signed one, or
// the operator's). Verification stays on; nothing is trusted that the daemon did not publish in
// its 0600 record. Without a record (`--url` to another machine), NODE_EXTRA_CA_CERTS is the way.
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';

export interface TlsTrust {
  /** For node:https / ws: `ca`. Undefined: Node's defaults. */
  ca?: string[];
}

export async function tlsTrust(url: string, certificate: string | undefined): Promise<TlsTrust> {
  if (!url.startsWith('https:') || !certificate) return {};
  const pem = await readFile(certificate, 'utf8').catch(() => null);
  return pem ? { ca: [...rootCertificates, pem] } : {};
}
