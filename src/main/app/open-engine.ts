// Supervise a manifest here, or attach to the daemon that already does (issue 11): one
// supervisor per manifest, decided by the lock in the state dir (daemon/supervisor-lock.ts).
// Plain Node, with the engine factories passed in, so tests drive real orchestrators and a
// real daemon; index.ts passes createOrchestrator and connectRemoteOrchestrator.
import { setTimeout as delay } from 'node:timers/promises';
import type { Orchestrator } from '../engine/orchestrator';
import type { SessionSource } from '../attach/audited-session';
import { acquireSupervisorLock, isHolderAlive, readSupervisorLock, type LockInfo, type SupervisorLock } from '../attach/supervisor-lock';

/** What the shell needs from an engine, local or remote: sessions (the window, the tray) and calls. */
export type EngineHandle = Pick<Orchestrator, 'call' | 'close' | 'manifestPath'> & { readonly hub: SessionSource };

export interface OpenedEngine {
  readonly engine: EngineHandle;
  readonly manifestPath: string;
  readonly mode: 'local' | 'attached';
  /** The daemon's URL when attached. */
  readonly attachedTo: string | null;
  /** Stops the services (local) or detaches (attached), then releases the lock. */
  close(): Promise<void>;
}

export interface OpenEngineOptions {
  manifestPath: string;
  stateDir: string;
  createLocal(manifestPath: string): Promise<EngineHandle>;
  /** Must resolve only once connected (RemoteOrchestrator.ready). */
  connectRemote(daemon: { url: string; token: string; manifestPath: string; certificate?: string }): Promise<EngineHandle>;
  /** A daemon records its URL just after it takes the lock; wait this long for it. */
  attachWaitMs?: number;
}

export class SupervisedElsewhereError extends Error {
  constructor(readonly holder: LockInfo) {
    super(`${holder.manifest} is already supervised by ${holder.holder} process ${holder.pid}, which serves nothing this app could attach to`);
    this.name = 'SupervisedElsewhereError';
  }
}

export async function openEngine(options: OpenEngineOptions): Promise<OpenedEngine> {
  const { manifestPath, stateDir, attachWaitMs = 3000 } = options;
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await acquireSupervisorLock({ manifestPath, stateDir, holder: 'desktop' });
    if (result.ok) return openLocal(options, result.lock);
    let holder: LockInfo | null = result.holder;
    if (!holder.url && holder.holder === 'daemon') {
      const deadline = Date.now() + attachWaitMs;
      while (holder && !holder.url && isHolderAlive(holder) && Date.now() < deadline) {
        await delay(50);
        holder = await readSupervisorLock(manifestPath, stateDir);
      }
    }
    if (!holder || !isHolderAlive(holder)) continue;
    if (!holder.url || !holder.token) throw new SupervisedElsewhereError(holder);
    const engine = await options.connectRemote({ url: holder.url, token: holder.token, manifestPath, certificate: holder.certificate });
    return { engine, manifestPath, mode: 'attached', attachedTo: holder.url, close: () => engine.close() };
  }
  throw new Error(`could not take or attach to the supervisor lock for ${manifestPath}`);
}

async function openLocal(options: OpenEngineOptions, lock: SupervisorLock): Promise<OpenedEngine> {
  let engine: EngineHandle;
  try {
    engine = await options.createLocal(options.manifestPath);
  } catch (error) {
    await lock.release();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    engine,
    manifestPath: options.manifestPath,
    mode: 'local',
    attachedTo: null,
    close: () =>
      (closing ??= (async () => {
        try {
          await engine.close();
        } finally {
          await lock.release();
        }
      })()),
  };
}
