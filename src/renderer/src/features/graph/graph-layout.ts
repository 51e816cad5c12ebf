// Positions for the service graph. Laid out with dagre only when the topology changes (a service,
// device or edge added or removed), never on state changes, so live updates never move nodes.
import { RUNTIME_SERVICE, SYNC_SERVICE } from '../../../../shared/reserved-names';
import dagre from '@dagrejs/dagre';
import type { DependencyCondition } from '../../../../shared/model';

// Room for a name and a reason on two lines each (names wrap instead of being cut).
export const SERVICE_NODE = { width: 240, height: 112 };
export const DEVICE_NODE = { width: 220, height: 76 };
export const MONITOR_NODE = { width: 220, height: 84 };
/** Room dagre keeps between two ranks for an edge's label ("completed: down" at 13 px, bold). */
const EDGE_LABEL = { width: 124, height: 20, labelpos: 'c' };
/** Built-in parts a monitor uses: edges go from them to every monitor node. */
const MONITOR_SOURCES: [string, string][] = [
  [SYNC_SERVICE, 'syncs'],
  [RUNTIME_SERVICE, 'runs cells'],
];

export interface TopologyService {
  name: string;
  dependencies: { name: string; condition: DependencyCondition }[];
}

export interface TopologyDevice {
  id: string;
  neededBy: string[];
}

export interface LaidOutNode {
  id: string;
  kind: 'service' | 'device' | 'monitor';
  /** Service name, device id or document. */
  ref: string;
  x: number;
  y: number;
}

export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
  label: string | null;
  kind: 'dependency' | 'device' | 'monitor';
}

export interface GraphLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

export const serviceNodeId = (name: string) => `service:${name}`;
export const deviceNodeId = (id: string) => `device:${id}`;
export const monitorNodeId = (doc: string) => `monitor:${doc}`;

/** A string that changes exactly when the layout must: same key, same positions. */
export function topologyKey(services: TopologyService[], devices: TopologyDevice[], monitors: string[] = []): string {
  return JSON.stringify([
    services.map((service) => [service.name, service.dependencies.map((dep) => [dep.name, dep.condition])]),
    devices.map((device) => [device.id, device.neededBy]),
    monitors,
  ]);
}

export function layoutGraph(services: TopologyService[], devices: TopologyDevice[], monitors: string[] = []): GraphLayout {
  const graph = new dagre.graphlib.Graph();
  // Labelled edges get a rank of their own (dagre halves ranksep then), so a gap between ranks
  // is the label's width plus ranksep.
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 40, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const known = new Set(services.map((service) => service.name));
  const edges: LaidOutEdge[] = [];

  for (const service of services) graph.setNode(serviceNodeId(service.name), { ...SERVICE_NODE });
  for (const service of services) {
    for (const dep of service.dependencies) {
      if (!known.has(dep.name)) continue;
      const source = serviceNodeId(dep.name);
      const target = serviceNodeId(service.name);
      graph.setEdge(source, target, { ...EDGE_LABEL });
      edges.push({ id: `${source}->${target}`, source, target, label: dep.condition, kind: 'dependency' });
    }
  }
  for (const device of devices) {
    const source = deviceNodeId(device.id);
    graph.setNode(source, { ...DEVICE_NODE });
    for (const name of device.neededBy) {
      if (!known.has(name)) continue;
      const target = serviceNodeId(name);
      graph.setEdge(source, target);
      edges.push({ id: `${source}->${target}`, source, target, label: null, kind: 'device' });
    }
  }
  for (const doc of monitors) {
    const target = monitorNodeId(doc);
    graph.setNode(target, { ...MONITOR_NODE });
    for (const [name, label] of MONITOR_SOURCES) {
      if (!known.has(name)) continue;
      const source = serviceNodeId(name);
      graph.setEdge(source, target, label ? { ...EDGE_LABEL } : {});
      edges.push({ id: `${source}->${target}`, source, target, label, kind: 'monitor' });
    }
  }
  dagre.layout(graph);

  const nodes: LaidOutNode[] = [
    ...services.map((service) => place(graph, serviceNodeId(service.name), 'service', service.name, SERVICE_NODE)),
    ...devices.map((device) => place(graph, deviceNodeId(device.id), 'device', device.id, DEVICE_NODE)),
    ...monitors.map((doc) => place(graph, monitorNodeId(doc), 'monitor', doc, MONITOR_NODE)),
  ];
  return { nodes, edges };
}

function place(graph: dagre.graphlib.Graph, id: string, kind: LaidOutNode['kind'], ref: string, size: { width: number; height: number }): LaidOutNode {
  const { x, y } = graph.node(id);
  // dagre gives centres; React Flow wants top-left corners.
  return { id, kind, ref, x: x - size.width / 2, y: y - size.height / 2 };
}
