// A roll-out's verify step (MoonMind §5.6): the container must run, then the service's probe
// (or, without one, the container's own health) must pass, tried with exponential backoff
// until a deadline. Each attempt is one line in verify.log. A container that has exited fails
// at once: waiting longer cannot help it.
import type { ComposeSpec, HealthSpec } from '../config/manifest-types';
import { runProbe } from '../supervisor/probes/probe-runner';
import { sleep } from '../supervisor/sleep';
import { composePs } from './compose-cli';
import { containerProbe } from './container-probe';

export interface VerifyOptions {
  compose: ComposeSpec;
  health: HealthSpec | undefined;
  env: Record<string, string>;
  deadlineMs: number;
  signal: AbortSignal;
  log(line: string): void;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export async function verifyDeployment(options: VerifyOptions): Promise<{ ok: boolean; message: string }> {
  const { compose, health, log, signal } = options;
  const { firstDelayMs = 500, maxDelayMs = 5000 } = options;
  const started = Date.now();
  let delay = firstDelayMs;
  let last = 'not tried';
  for (let attempt = 1; ; attempt++) {
    const ps = await composePs(compose, { cwd: compose.projectDir });
    const container = ps.ok ? ps.container : null;
    if (ps.ok && (!container || container.state === 'exited' || container.state === 'dead')) {
      const message = container ? `container ${container.state} (exit code ${container.exitCode ?? '?'})` : 'no container';
      log(`attempt ${attempt}: ${message}; giving up`);
      return { ok: false, message };
    }
    const outcome = !ps.ok
      ? { ok: false, message: ps.reason }
      : health && health.type !== 'container'
        ? await runProbe(health, { pid: 0, startTime: '' }, { workingDir: compose.projectDir, env: options.env })
        : await containerProbe(compose, health?.timing.timeoutMs ?? 10_000);
    last = outcome.message;
    log(`attempt ${attempt} after ${Date.now() - started} ms: ${outcome.ok ? 'ok' : 'not yet'}: ${outcome.message}`);
    if (outcome.ok) return { ok: true, message: outcome.message };
    const left = options.deadlineMs - (Date.now() - started);
    if (left <= 0) return { ok: false, message: `not healthy after ${Math.round(options.deadlineMs / 1000)} s: ${last}` };
    if (!(await sleep(Math.min(delay, left), signal))) return { ok: false, message: 'aborted' };
    delay = Math.min(delay * 2, maxDelayMs);
  }
}
