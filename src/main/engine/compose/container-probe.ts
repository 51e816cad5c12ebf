// The health of a compose service without its own `health` table: the container's, as
// `docker compose ps` reports it. A container without a healthcheck counts as healthy while
// it runs (docker has nothing more to say about it).
import type { ComposeTarget } from '../config/manifest-types';
import type { ProbeOutcome } from '../supervisor/probes/probe-outcome';
import { composePs } from './compose-cli';

export async function containerProbe(compose: ComposeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const ps = await composePs(compose, { cwd: compose.projectDir, timeoutMs });
  if (!ps.ok) return { ok: false, message: ps.reason };
  const container = ps.container;
  if (!container) return { ok: false, message: `no container for ${compose.service}` };
  if (container.state !== 'running') return { ok: false, message: `container ${container.state}` };
  if (container.health === '') return { ok: true, message: 'container running (no healthcheck)' };
  return { ok: container.health === 'healthy', message: `container ${container.health}` };
}
