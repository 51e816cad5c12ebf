import { describe, expect, it } from 'vitest';
import { isNodeVisible } from './reveal-node';

describe('isNodeVisible', () => {
  const canvas = { width: 440, height: 254 };
  const node = { x: 100, y: 20, width: 240, height: 80 };

  it('needs the whole node, scaled and moved by the viewport, inside the canvas with a margin', () => {
    expect(isNodeVisible(node, { x: 0, y: 0, zoom: 1 }, canvas)).toBe(true);
    // 100..340 at zoom 1 moved 100 right: the right edge (440) touches the canvas edge, inside the margin.
    expect(isNodeVisible(node, { x: 100, y: 0, zoom: 1 }, canvas)).toBe(false);
    expect(isNodeVisible(node, { x: -90, y: 0, zoom: 1 }, canvas)).toBe(false);
    expect(isNodeVisible(node, { x: 0, y: 160, zoom: 1 }, canvas)).toBe(false);
    // Zoomed out, the same node fits again.
    expect(isNodeVisible(node, { x: 100, y: 0, zoom: 0.85 }, canvas)).toBe(true);
  });
});
