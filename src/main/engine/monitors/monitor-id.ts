// The id a monitor peer writes to `claimedBy` and announces in awareness (`monitor: { id }`).
// It names one peer for its life and no other peer anywhere: several monitor processes on one
// host (daemons, standalone monitors) share documents, and a shared id makes each take the
// others' claims for its own and their runs for its own restarts. A restarted process is a new
// peer; what the old one left is recovered by the gone-owner rule (ExecutionDriver). The human
// name (`user.name` in awareness) is kept separately and may repeat.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** `<name>@<host>/<pid>/<random>`: readable in logs, unique across hosts, processes and peers. */
export function newMonitorId(name: string): string {
  return `${name}@${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}
