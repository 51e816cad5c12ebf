import type { AlertsStatus, DeviceSnapshot, ManifestProblem, MonitorSnapshot, Notice, ServiceSnapshot } from '../../../shared/model';

/** The renderer's picture of the engine, rebuilt from a snapshot and kept current by events. */
export interface SystemView {
  manifestPath: string | null;
  services: Record<string, ServiceSnapshot>;
  serviceOrder: string[];
  devices: DeviceSnapshot[];
  monitors: Record<string, MonitorSnapshot>;
  problems: ManifestProblem[];
  notices: Notice[];
  logProcesses: string[];
  /** `[alerts]` at work; null when the manifest has none. */
  alerts: AlertsStatus | null;
}

export const emptyView: SystemView = {
  manifestPath: null,
  services: {},
  serviceOrder: [],
  devices: [],
  monitors: {},
  problems: [],
  notices: [],
  logProcesses: [],
  alerts: null,
};
