// What the graph subscribes to. The whole graph re-renders only when this key changes (zustand
// compares selector results with Object.is; a string key compares by value), and each node
// subscribes to its own service, so state changes touch one node and log traffic none.
import type { SystemState } from '../../store/system-store';
import { topologyKey } from './graph-layout';

export function selectTopologyKey(state: SystemState): string {
  return topologyKey(
    state.serviceOrder.map((name) => ({ name, dependencies: state.services[name]?.dependencies ?? [] })),
    state.devices.map((device) => ({ id: device.id, neededBy: device.neededBy })),
    Object.keys(state.monitors).sort(),
  );
}

export const selectService = (name: string) => (state: SystemState) => state.services[name];
