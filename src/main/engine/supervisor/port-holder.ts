// Who listens on a local TCP port (issue 15): a probe answered on a port proves only that
// *someone* listens there. Linux tells us who: /proc/net/tcp{,6} gives the listening socket's
// inode, and /proc/<pid>/fd links name `socket:[inode]` for the processes holding it. Another
// user's fds are unreadable, so such a holder is reported without a pid. Elsewhere nothing is
// known and every function here answers "cannot tell" (null), so no check blocks a service.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { HealthSpec } from '../config/manifest-types';

export interface PortHolder {
  port: number;
  /** Null when the holder is not ours to inspect (another user's process). */
  pid: number | null;
  command: string | null;
}

const LINUX = process.platform === 'linux';
const LISTEN = '0A';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::', '[::]']);

/** The local port a probe connects to, or null when it targets another host or no port. */
export function localProbePort(health: HealthSpec | undefined): number | null {
  if (!health) return null;
  if (health.type === 'tcp') return LOCAL_HOSTS.has(health.host) ? health.port : null;
  if (health.type !== 'http') return null;
  let url: URL;
  try {
    url = new URL(health.url);
  } catch {
    return null;
  }
  if (!LOCAL_HOSTS.has(url.hostname)) return null;
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Inodes of the sockets listening on `port` (any local address, IPv4 or IPv6); null off Linux. */
export function listeningInodes(port: number): Set<string> | null {
  if (!LINUX) return null;
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== LISTEN) continue;
      if (fields[1].slice(fields[1].lastIndexOf(':') + 1) === hexPort && fields[9] !== '0') inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Whether one of `pids` holds one of `inodes` open. */
export function heldByAny(inodes: Set<string>, pids: Iterable<number>): boolean {
  for (const pid of pids) if (socketInodes(pid)?.some((inode) => inodes.has(inode))) return true;
  return false;
}

/** Who listens on `port`: null when nobody does, or when this platform cannot tell. */
export function findPortHolder(port: number): PortHolder | null {
  const inodes = listeningInodes(port);
  if (!inodes || inodes.size === 0) return null;
  let names: string[] = [];
  try {
    names = readdirSync('/proc');
  } catch {
    // fall through: a holder we cannot name
  }
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const pid = Number(name);
    if (socketInodes(pid)?.some((inode) => inodes.has(inode))) return { port, pid, command: commandName(pid) };
  }
  return { port, pid: null, command: null };
}

/** "port 8000 in use by pid 4242 python3", or "… by another user's process". */
export function describePortHolder(holder: PortHolder): string {
  if (holder.pid === null) return `port ${holder.port} in use by another user's process`;
  return `port ${holder.port} in use by pid ${holder.pid}${holder.command ? ` ${holder.command}` : ''}`;
}

function socketInodes(pid: number): string[] | null {
  const dir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return null;
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`${dir}/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target.startsWith('socket:[')) inodes.push(target.slice(8, -1));
  }
  return inodes;
}

function commandName(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || null;
  } catch {
    return null;
  }
}
