// A passing probe on a local port counts only when the listener is ours (issue 15): a second
// `mrmd-sync` that could not bind showed "healthy (HTTP 200)" because the first one answered.
// After each passing probe the listening socket's inode must belong to a process of the
// service's tree. An inode once found ours is remembered, so a steady service costs one read
// of /proc/net/tcp{,6} per probe; the tree's fds are read again only when the socket changes.
import { describePortHolder, findPortHolder, heldByAny, listeningInodes } from '../port-holder';

export class PortOwnership {
  private verified = '';
  /** The last stranger found, by socket: a service that never gets healthy is probed every 25 ms. */
  private stranger: { key: string; message: string } | null = null;

  constructor(
    private readonly port: number,
    /** Pids of the service's process tree right now. */
    private readonly treePids: () => number[],
  ) {}

  /** Null when the listener is ours (or this platform cannot tell); else why not. */
  check(): string | null {
    const inodes = listeningInodes(this.port);
    // Nobody listens any more, or no /proc: the probe's own result stands.
    if (!inodes || inodes.size === 0) return null;
    const key = [...inodes].sort().join();
    if (key === this.verified) return null;
    if (this.stranger?.key === key) return this.stranger.message;
    if (heldByAny(inodes, this.treePids())) {
      this.verified = key;
      return null;
    }
    const holder = findPortHolder(this.port);
    // Another user's listener (a root docker-proxy forwarding to the service) cannot be
    // checked; one that was there before the launch already kept the service from starting.
    if (!holder || holder.pid === null) return null;
    this.stranger = { key, message: `answered by a process outside this service: ${describePortHolder(holder)}` };
    return this.stranger.message;
  }
}
