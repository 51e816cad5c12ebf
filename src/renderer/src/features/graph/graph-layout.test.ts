import { describe, expect, it } from 'vitest';
import { layoutGraph, topologyKey } from './graph-layout';

const services = [
  { name: 'db', dependencies: [] },
  { name: 'api', dependencies: [{ name: 'db', condition: 'healthy' as const }] },
  { name: 'display', dependencies: [{ name: 'api', condition: 'started' as const }] },
];

describe('layoutGraph', () => {
  it('places dependencies left of their dependents, with labelled edges and device edges', () => {
    const layout = layoutGraph(services, [{ id: 'cam', neededBy: ['display'] }]);
    const x = (id: string) => layout.nodes.find((node) => node.id === id)!.x;
    expect(x('service:db')).toBeLessThan(x('service:api'));
    expect(x('service:api')).toBeLessThan(x('service:display'));
    expect(layout.edges).toEqual([
      { id: 'service:db->service:api', source: 'service:db', target: 'service:api', label: 'healthy', kind: 'dependency' },
      { id: 'service:api->service:display', source: 'service:api', target: 'service:display', label: 'started', kind: 'dependency' },
      { id: 'device:cam->service:display', source: 'device:cam', target: 'service:display', label: null, kind: 'device' },
    ]);
  });

  it('ignores dependencies on services outside the set instead of failing', () => {
    const layout = layoutGraph([{ name: 'api', dependencies: [{ name: 'gone', condition: 'started' }] }], []);
    expect(layout.edges).toEqual([]);
    expect(layout.nodes).toHaveLength(1);
  });

  it('links each monitor to the built-in sync server and runtime when they exist', () => {
    const layout = layoutGraph([{ name: 'mrmd-sync', dependencies: [] }, { name: 'mrmd-runtime', dependencies: [] }], [], ['notes']);
    expect(layout.nodes.map((node) => node.id)).toEqual(['service:mrmd-sync', 'service:mrmd-runtime', 'monitor:notes']);
    expect(layout.edges.map((edge) => [edge.source, edge.target, edge.label])).toEqual([
      ['service:mrmd-sync', 'monitor:notes', 'syncs'],
      ['service:mrmd-runtime', 'monitor:notes', 'runs cells'],
    ]);
    expect(layoutGraph([], [], ['notes']).edges).toEqual([]);
  });

  it('keys the layout on topology only', () => {
    expect(topologyKey(services, [])).toBe(topologyKey(services.map((service) => ({ ...service })), []));
    expect(topologyKey(services, [])).not.toBe(topologyKey(services.slice(1), []));
  });
});
