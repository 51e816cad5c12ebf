// How a `kind = "compose"` service runs under the supervisor (issue 19). Its "process" is a
// small bash wrapper that follows `docker compose logs -f` into the service's log and, on the
// stop signal, runs `docker compose stop`; the container itself is started before with
// `up -d --no-deps`. `logs -f` ends when the container stops: the wrapper then exits with
// FOLLOWER_ENDED and one `docker compose ps` tells the container's exit code, which becomes the
// launch's, so the restart policy, backoff and probes work as for any service. A slow `ps`
// poll (only for compose services, only while one runs) covers a follower that misses it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ComposeSpec } from '../config/manifest-types';
import { LaunchError, type ExitInfo, type LaunchedProcess, type LaunchRequest, type OutputListener } from '../supervisor/launch-request';
import { shellQuote } from '../supervisor/shell-script';
import { composeArgs, composePs, dockerFailure, isBlocking, runDocker } from './compose-cli';

/** How often a running compose service's container state is read besides the follower's end. */
export const CONTAINER_POLL_MS = 15_000;
/** The wrapper's exit code when `logs -f` ended by itself (the container stopped, or was replaced). */
const FOLLOWER_ENDED = 75;
const UP_TIMEOUT_MS = 10 * 60_000;

/** The docker executable on PATH, or null. */
export function findDocker(path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'docker');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Why the service cannot start at all (no CLI, no plugin, no engine), or null. */
export async function composeBlocker(compose: ComposeSpec): Promise<string | null> {
  if (!findDocker()) return 'docker CLI not found on PATH';
  const ps = await composePs(compose, { cwd: compose.projectDir });
  return !ps.ok && isBlocking(ps.reason) ? ps.reason : null;
}

/** The wrapper: follow logs; TERM/INT stops the container; USR1 (container gone) just ends; the follower's end ends it with FOLLOWER_ENDED. */
export function wrapperScript(docker: string, compose: ComposeSpec, since: string): string {
  const dc = [docker, ...composeArgs(compose)].map(shellQuote).join(' ');
  const service = shellQuote(compose.service);
  return [
    `trap 'trap - TERM INT; kill $follower 2>/dev/null; ${dc} stop ${service}; exit 0' TERM INT`,
    `trap 'kill $follower 2>/dev/null; exit 0' USR1`,
    `${dc} logs -f --no-log-prefix --since ${shellQuote(since)} ${service} & follower=$!`,
    'wait $follower',
    `exit ${FOLLOWER_ENDED}`,
  ].join('\n');
}

export async function launchCompose(
  request: LaunchRequest & { compose: ComposeSpec },
  output: OutputListener,
  launchWrapper: (request: LaunchRequest) => Promise<LaunchedProcess>,
): Promise<LaunchedProcess> {
  const { compose } = request;
  const docker = findDocker();
  if (!docker) throw new LaunchError('docker CLI not found on PATH');
  const since = new Date(Date.now() - 1000).toISOString();
  output('stdout', `$ docker compose up -d --no-deps ${compose.service}\n`);
  const up = await runDocker(composeArgs(compose, 'up', '-d', '--no-deps', compose.service), {
    cwd: compose.projectDir,
    timeoutMs: UP_TIMEOUT_MS,
    onOutput: (text) => void output('stdout', text),
  });
  if (up.code !== 0) throw new LaunchError(`docker compose up failed: ${dockerFailure(up)}`);
  const wrapper = await launchWrapper({ ...request, command: wrapperScript(docker, compose, since), workingDir: compose.projectDir });
  let containerExit: ExitInfo | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ended = false;
  const poll = async (): Promise<void> => {
    const ps = await composePs(compose, { cwd: compose.projectDir });
    if (ended) return;
    const container = ps.ok ? ps.container : undefined;
    if (container === null || (container && (container.state === 'exited' || container.state === 'dead'))) {
      containerExit = { code: container?.exitCode ?? null, signal: null };
      output('stdout', container ? `container ${container.state} (exit code ${container.exitCode ?? '?'})\n` : 'container is gone\n');
      try {
        process.kill(wrapper.pid, 'SIGUSR1');
      } catch {
        // already gone
      }
      return;
    }
    timer = setTimeout(() => void poll(), CONTAINER_POLL_MS);
  };
  timer = setTimeout(() => void poll(), CONTAINER_POLL_MS);
  const exited = wrapper.exited.then(async (info): Promise<ExitInfo> => {
    ended = true;
    if (timer) clearTimeout(timer);
    if (containerExit || info.code !== FOLLOWER_ENDED) return containerExit ?? info;
    // The follower ended on its own: the container's state says why.
    const ps = await composePs(compose, { cwd: compose.projectDir });
    const container = ps.ok ? ps.container : null;
    if (container && container.state !== 'running') {
      output('stdout', `container ${container.state} (exit code ${container.exitCode ?? '?'})\n`);
      return { code: container.exitCode, signal: null };
    }
    output('stdout', container ? 'the log follower ended while the container runs (replaced?); starting again\n' : 'container is gone\n');
    return { code: null, signal: null };
  });
  return { pid: wrapper.pid, exited };
}
