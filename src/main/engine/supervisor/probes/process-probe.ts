// Process liveness: healthy while the main process is alive (and is still the same process).
import { isSameProcess, type ProcRef } from '../proc-table';
import type { ProbeOutcome } from './probe-outcome';

export function processProbe(main: ProcRef): ProbeOutcome {
  return isSameProcess(main) ? { ok: true, message: `pid ${main.pid} alive` } : { ok: false, message: `pid ${main.pid} gone` };
}
