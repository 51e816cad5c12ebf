// The part of the mrmd editor bundle's API (mrmd-electron 0.5.4, `editor/mrmd.iife.js`, which
// defines `window.mrmd`) that our page uses, as read in the bundle's source.

/** y-protocols' Awareness, as far as the page reads it. */
export interface BundleAwareness {
  getStates(): Map<number, unknown>;
  on(event: 'change', listener: () => void): void;
}

export interface MrmdEditor {
  ydoc: unknown;
  awareness: BundleAwareness;
  /** Registers an MRP runtime for a language; capabilities load asynchronously. */
  connectRuntime(language: string, url: string): { getCapabilities(): Promise<unknown> };
  execution: {
    enableMonitorMode(options: { ydoc: unknown; runtimeUrl: string | null; awareness: BundleAwareness }): void;
    registry: { getRuntime(language: string): { runtimeUrl?: string } | null };
    runCell(index: number): Promise<unknown>;
  };
  getContent(): string;
  destroy(): void;
}

export interface MrmdBundle {
  drive(syncUrl: string): { open(doc: string, target: string | HTMLElement, options: object): Promise<MrmdEditor> };
  runtime(orchestratorUrl: string, target: string | HTMLElement, options: { doc: string; python?: string }): Promise<MrmdEditor & { destroyRuntime(): Promise<void> }>;
}

/** `POST /api/runtimes` (src/main/engine/api/runtime-routes.ts). */
export interface RuntimeAttachment {
  doc: string;
  sync: string;
  runtimes: Record<string, { url: string; language: string; port: number | null }>;
  monitor: { doc: string; running: boolean; message: string };
}
