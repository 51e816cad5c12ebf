// Every launch carries a marker in its environment, SHOWRUNNER_LAUNCH=<instance>/<service>/<launch>,
// which its descendants inherit even when they double-fork into a new session and leave both
// the process group and the parent links (a daemonizing helper). A stop finds them by it
// (marked-processes.ts). <instance> is the instance key (engine/instance/manifest-key.ts), <launch> is `<session>-<n>` where
// <session> is random per supervisor run: after a `kill -9` the next supervisor of the same
// manifest finds everything the dead run started, even a launch it had no time to record.
import { randomBytes } from 'node:crypto';

export const LAUNCH_ENV = 'SHOWRUNNER_LAUNCH';

export interface LaunchMarker {
  instance: string;
  service: string;
  session: string;
  /** The whole value, compared exactly. */
  value: string;
}

export function newSessionId(): string {
  return randomBytes(6).toString('hex');
}

export function launchMarker(instance: string, service: string, session: string, sequence: number): LaunchMarker {
  return { instance, service, session, value: `${instance}/${service}/${session}-${sequence}` };
}

/** The parts of a marker value; null when it is not one of ours. A service name may hold '/'. */
export function parseLaunchMarker(value: string): LaunchMarker | null {
  const first = value.indexOf('/');
  const last = value.lastIndexOf('/');
  if (first <= 0 || last === first) return null;
  const launch = value.slice(last + 1);
  const dash = launch.lastIndexOf('-');
  if (dash <= 0) return null;
  return { instance: value.slice(0, first), service: value.slice(first + 1, last), session: launch.slice(0, dash), value };
}
