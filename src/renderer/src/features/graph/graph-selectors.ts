// What the graph subscribes to. The whole graph re-renders only when this key changes (zustand
// compares selector results with Object.is; a string key compares by value), and each node
// subscribes to its own service, so state changes touch one node and log traffic none.
import type { SystemState } from '../../store/system-store';
import { serviceNodeId, topologyKey } from './graph-layout';

export function selectTopologyKey(state: SystemState): string {
  return topologyKey(
    state.serviceOrder.map((name) => ({ name, dependencies: state.services[name]?.dependencies ?? [] })),
    state.devices.map((device) => ({ id: device.id, neededBy: device.neededBy })),
    Object.keys(state.monitors).sort(),
  );
}

export const selectService = (name: string) => (state: SystemState) => state.services[name];

/**
 * Ids of the dependency edges whose dependency is down for a running dependent (its
 * `degradedBy`), as one sorted key: the edges repaint only when this set changes.
 */
export function selectDownEdgesKey(state: SystemState): string {
  const ids: string[] = [];
  for (const name of state.serviceOrder) {
    for (const dep of state.services[name]?.degradedBy ?? []) ids.push(`${serviceNodeId(dep)}->${serviceNodeId(name)}`);
  }
  return ids.sort().join('\n');
}
