import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { LogFollower } from '../features/logs/log-follower';
import type { ExecutionStore } from '../features/monitors/execution-store';
import type { RolloutRunStore } from '../features/runs/rollout-run-store';
import type { SystemState, SystemStore } from './system-store';

interface Engine {
  store: SystemStore;
  logs: LogFollower;
  executions: ExecutionStore;
  runs: RolloutRunStore;
}

const EngineContext = createContext<Engine | null>(null);

export function StoreProvider({ store, logs, executions, runs, children }: Engine & { children: ReactNode }) {
  return <EngineContext.Provider value={{ store, logs, executions, runs }}>{children}</EngineContext.Provider>;
}

function useEngine(): Engine {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('used outside StoreProvider');
  return engine;
}

/** Subscribe to one slice; components re-render only when their slice changes. */
export function useSystem<T>(selector: (state: SystemState) => T): T {
  return useStore(useEngine().store, selector);
}

export function useStoreApi(): SystemStore {
  return useEngine().store;
}

/** Log data flows outside the store, so log traffic never re-renders the rest of the page. */
export function useLogFollower(): LogFollower {
  return useEngine().logs;
}

export function useExecutionStore(): ExecutionStore {
  return useEngine().executions;
}

export function useRolloutRunStore(): RolloutRunStore {
  return useEngine().runs;
}
