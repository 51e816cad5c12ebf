// The daemon's remote-view settings, checked before it listens (issue 18): the viewer token
// (`--viewer-token`, else SHOWRUNNER_VIEWER_TOKEN, else the manifest's `[access]
// viewer_token_file`), and the TLS certificate (`--tls`, `--tls-cert/--tls-key`). A problem is
// a message for the operator and a refusal to start, never a crash.
import { networkInterfaces } from 'node:os';
import { isLoopbackHost } from '../engine/net/loopback-host';
import { MIN_REMOTE_TOKEN_LENGTH, tokensMatch } from './token-auth';
import { tlsIdentity, TlsSetupError, type TlsIdentity } from './tls-identity';

export interface AccessRequest {
  host: string;
  operatorToken: string;
  /** From `--viewer-token`. */
  viewerFlag?: string;
  /** SHOWRUNNER_VIEWER_TOKEN, read and removed from the environment by the caller. */
  viewerEnv?: string;
  /** The manifest's `[access]` viewer token, already read from its file. */
  viewerFromManifest?: string;
  /** Undefined: plain HTTP. */
  tls?: { certFile?: string; keyFile?: string };
  stateDir: string;
  key: string;
}

export type PreparedAccess = { ok: true; viewerToken: string | null; tls: TlsIdentity | null } | { ok: false; message: string };

/** Names a generated certificate covers besides localhost and loopback: the bound address, or on
 *  a wildcard bind every address the machine has now (a later DHCP change needs `--tls-cert`). */
function certificateNames(host: string): string[] {
  if (isLoopbackHost(host)) return [];
  if (host !== '0.0.0.0' && host !== '::') return [host];
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => !address.internal && (host === '::' || address.family === 'IPv4'))
    .map((address) => address.address.replace(/%.*$/, ''));
}

export async function prepareAccess(request: AccessRequest): Promise<PreparedAccess> {
  const viewerToken = request.viewerFlag ?? (request.viewerEnv || undefined) ?? request.viewerFromManifest ?? null;
  if (viewerToken !== null) {
    if (viewerToken.length === 0) return { ok: false, message: 'the viewer token is empty' };
    // Equal tokens would make every viewer an operator: the roles could not be told apart.
    if (tokensMatch(request.operatorToken, viewerToken)) return { ok: false, message: 'the viewer token must differ from the operator token' };
    if (!isLoopbackHost(request.host) && viewerToken.length < MIN_REMOTE_TOKEN_LENGTH) {
      return { ok: false, message: `refusing to listen on ${request.host} with a viewer token of ${viewerToken.length} characters: beyond loopback it must have at least ${MIN_REMOTE_TOKEN_LENGTH}` };
    }
  }
  if (!request.tls) return { ok: true, viewerToken, tls: null };
  try {
    const hostNames = certificateNames(request.host);
    const tls = await tlsIdentity({ stateDir: request.stateDir, key: request.key, certFile: request.tls.certFile, keyFile: request.tls.keyFile, hostNames });
    return { ok: true, viewerToken, tls };
  } catch (error) {
    if (error instanceof TlsSetupError) return { ok: false, message: error.message };
    return { ok: false, message: `cannot set up TLS: ${(error as Error).message}` };
  }
}
