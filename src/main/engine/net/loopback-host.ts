// Whether a bind or Host name stays on this machine: the one test behind "a token is required
// beyond loopback" (daemon, sync server, MRP runtime) and the Host check against DNS rebinding.
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}
