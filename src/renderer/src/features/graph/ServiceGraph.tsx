import { Background, Controls, ReactFlow, type Edge, type Node, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSystem } from '../../store/store-context';
import { DeviceNode } from './DeviceNode';
import { MonitorNode } from './MonitorNode';
import { createNodeRevealer, visibleCanvas } from './reveal-node';
import { layoutGraph, serviceNodeId, type TopologyDevice, type TopologyService } from './graph-layout';
import { selectDownEdgesKey, selectTopologyKey } from './graph-selectors';
import { ServiceNode } from './ServiceNode';

/**
 * Never shrink below this: the smallest node text (13 px) then renders at about 11 px. A graph
 * wider than the window is panned instead (issue 16: 8 px text at 1024×700).
 */
export const MIN_ZOOM = 0.85;
const fitOptions = { padding: 0.1, minZoom: MIN_ZOOM, maxZoom: 1.2 };

const nodeTypes = { service: ServiceNode, device: DeviceNode, monitor: MonitorNode };

/**
 * The graph re-renders only when the topology key changes; each node subscribes to its own
 * service, so state changes and log traffic never re-render or re-lay-out the whole graph.
 */
export function ServiceGraph() {
  const key = useSystem(selectTopologyKey);
  const downKey = useSystem(selectDownEdgesKey);
  const selected = useSystem((state) => state.selected);
  const select = useSystem((state) => state.select);
  const container = useRef<HTMLDivElement>(null);
  const flow = useRef<ReactFlowInstance | null>(null);
  const [revealNode] = useState(createNodeRevealer);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  /** Pans to the selected service when it is off-screen (picked by arrow keys or Tab + Enter). */
  const revealSelected = useCallback(() => {
    const name = selectedRef.current;
    const element = container.current;
    if (!name || !element || !flow.current) return;
    revealNode(flow.current, serviceNodeId(name), visibleCanvas(element, document.querySelector('.side-panel')));
  }, [revealNode]);

  // The side panel opening or the window resizing changes the canvas: fit again, so no
  // node hides behind the panel, then bring the selected one back into view.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    // On the next frame: React Flow measures the new size with its own observer first.
    const observer = new ResizeObserver(() =>
      requestAnimationFrame(() => void flow.current?.fitView({ ...fitOptions, duration: 150 }).then(revealSelected)),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [revealSelected]);

  // A new selection: on the next frame, once the side panel (if it opened) has taken its room.
  useEffect(() => {
    if (!selected) return;
    const frame = requestAnimationFrame(revealSelected);
    return () => cancelAnimationFrame(frame);
  }, [selected, revealSelected]);

  const layout = useMemo(() => {
    const [services, devices, monitors] = JSON.parse(key) as [[string, [string, TopologyService['dependencies'][number]['condition']][]][], [string, string[]][], string[]];
    return layoutGraph(
      services.map(([name, deps]) => ({ name, dependencies: deps.map(([dep, condition]) => ({ name: dep, condition })) })),
      devices.map(([id, neededBy]): TopologyDevice => ({ id, neededBy })),
      monitors,
    );
  }, [key]);

  const nodes: Node[] = useMemo(
    () =>
      layout.nodes.map((node) => ({
        id: node.id,
        type: node.kind,
        position: { x: node.x, y: node.y },
        data: { ref: node.ref },
        selected: node.kind === 'service' && node.id === (selected ? serviceNodeId(selected) : null),
        draggable: false,
        connectable: false,
        ariaLabel: `${node.kind === 'service' ? 'Service' : node.kind === 'device' ? 'Device' : 'Monitor'} ${node.ref}`,
      })),
    [layout, selected],
  );
  const edges: Edge[] = useMemo(() => {
    // A dependency that no longer meets its condition for a running dependent: a red edge.
    const down = new Set(downKey ? downKey.split('\n') : []);
    return layout.edges.map((edge) => {
      const isDown = edge.kind === 'dependency' && down.has(edge.id);
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        label: isDown ? `${edge.label}: down` : (edge.label ?? undefined),
        className: `edge-${edge.kind}${isDown ? ' edge-down' : ''}`,
        animated: false,
        focusable: false,
      };
    });
  }, [layout, downKey]);

  return (
    <div className="graph" aria-label="Service graph" ref={container}>
      {layout.nodes.length === 0 && <p className="empty">The manifest defines no services.</p>}
      <ReactFlow
        key={key}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={fitOptions}
        minZoom={MIN_ZOOM}
        maxZoom={2}
        nodesConnectable={false}
        elementsSelectable
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_event, node) => node.type === 'service' && select((node.data as { ref: string }).ref)}
        onPaneClick={() => select(null)}
        onInit={(instance) => (flow.current = instance)}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
