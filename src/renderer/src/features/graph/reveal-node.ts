// A node picked with the keyboard may sit outside the visible part of the graph: the graph pans
// rather than shrinking below readable text (issue 16), so at 800×600 most of a gallery's graph
// is off-screen. Pan just enough to show it whole, keeping the zoom; leave the view alone when
// the node is already visible, so picking with the mouse never moves what was clicked.
import type { ReactFlowInstance } from '@xyflow/react';

/** Room kept between the node and the canvas edge, in screen pixels. */
const MARGIN_PX = 16;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether a node (graph coordinates) lies fully within a canvas of this size, margin included. */
export function isNodeVisible(node: Box, viewport: { x: number; y: number; zoom: number }, canvas: { width: number; height: number }): boolean {
  const left = node.x * viewport.zoom + viewport.x;
  const top = node.y * viewport.zoom + viewport.y;
  const right = (node.x + node.width) * viewport.zoom + viewport.x;
  const bottom = (node.y + node.height) * viewport.zoom + viewport.y;
  return left >= MARGIN_PX && top >= MARGIN_PX && right <= canvas.width - MARGIN_PX && bottom <= canvas.height - MARGIN_PX;
}

type Viewport = { x: number; y: number; zoom: number };

/**
 * The part of the graph one can see: below 900 px wide the side panel lies over the graph's
 * right side instead of beside it, so a node "in the viewport" there is still hidden.
 */
export function visibleCanvas(graph: HTMLElement, cover: Element | null): { width: number; height: number } {
  const frame = graph.getBoundingClientRect();
  const over = cover?.getBoundingClientRect();
  const covers = over && over.width > 0 && over.left > frame.left && over.left < frame.right && over.top < frame.bottom && over.bottom > frame.top;
  return { width: covers ? over.left - frame.left : frame.width, height: frame.height };
}

/**
 * A revealer for one graph. Keys pressed in quick succession start a pan before the last one
 * ended; judging by the viewport mid-way would call the next node visible although the pan
 * under way is about to move it out. So a pan's destination counts until its time is up (its
 * promise alone would not do: an interrupted d3 transition never resolves it).
 */
export function createNodeRevealer({ durationMs = 200 } = {}) {
  let pending: { target: Viewport; until: number } | null = null;
  /** Centres the node when it is not fully visible, keeping the zoom. */
  return function revealNode(flow: ReactFlowInstance, id: string, canvas: { width: number; height: number }): void {
    const internal = flow.getInternalNode(id);
    if (!internal || canvas.width === 0 || canvas.height === 0) return;
    // `measured` reads 0 for a node React Flow has just taken again from new props (a selection
    // change): its element's layout size (unscaled) is the truth.
    const element = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
    const box: Box = {
      ...internal.internals.positionAbsolute,
      width: internal.measured.width || element?.offsetWidth || 0,
      height: internal.measured.height || element?.offsetHeight || 0,
    };
    const viewport = pending && performance.now() < pending.until ? pending.target : flow.getViewport();
    if (isNodeVisible(box, viewport, canvas)) return;
    const { zoom } = viewport;
    const target = { x: canvas.width / 2 - (box.x + box.width / 2) * zoom, y: canvas.height / 2 - (box.y + box.height / 2) * zoom, zoom };
    pending = { target, until: performance.now() + durationMs + 50 };
    void flow.setViewport(target, { duration: durationMs });
  };
}
