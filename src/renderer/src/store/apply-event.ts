// How each contract event changes the renderer's picture of the system. Pure, so the same
// rules are tested without a browser.
import type { EventName, EventPayload } from '../../../shared/contract';
import type { SystemSnapshot } from '../../../shared/model';
import type { SystemView } from './system-view';

export function viewFromSnapshot(snapshot: SystemSnapshot): SystemView {
  return {
    manifestPath: snapshot.manifestPath,
    services: Object.fromEntries(snapshot.services.map((service) => [service.name, service])),
    serviceOrder: snapshot.services.map((service) => service.name),
    devices: snapshot.devices,
    monitors: Object.fromEntries(snapshot.monitors.map((monitor) => [monitor.doc, monitor])),
    problems: snapshot.problems,
    notices: snapshot.notices,
    logProcesses: snapshot.logProcesses,
    alerts: snapshot.alerts ?? null,
  };
}

const MAX_NOTICES = 50;

export function applyEvent<E extends EventName>(view: SystemView, name: E, payload: EventPayload<E>): Partial<SystemView> | null {
  switch (name) {
    case 'service.changed': {
      const { service } = payload as EventPayload<'service.changed'>;
      const known = service.name in view.services;
      return {
        services: { ...view.services, [service.name]: service },
        serviceOrder: known ? view.serviceOrder : [...view.serviceOrder, service.name],
        logProcesses: view.logProcesses.includes(service.name) ? view.logProcesses : [...view.logProcesses, service.name],
      };
    }
    case 'service.removed': {
      const { name: removed } = payload as EventPayload<'service.removed'>;
      const services = { ...view.services };
      delete services[removed];
      return { services, serviceOrder: view.serviceOrder.filter((name) => name !== removed) };
    }
    case 'devices.changed':
      return { devices: (payload as EventPayload<'devices.changed'>).devices };
    case 'monitor.changed': {
      const monitor = payload as EventPayload<'monitor.changed'>;
      return { monitors: { ...view.monitors, [monitor.doc]: monitor } };
    }
    case 'monitor.removed': {
      const monitors = { ...view.monitors };
      delete monitors[(payload as EventPayload<'monitor.removed'>).doc];
      return { monitors };
    }
    case 'manifest.changed': {
      const { manifestPath, problems } = payload as EventPayload<'manifest.changed'>;
      return { manifestPath, problems };
    }
    case 'alerts.changed':
      return { alerts: (payload as EventPayload<'alerts.changed'>).alerts };
    case 'notice':
      return { notices: [...view.notices, payload as EventPayload<'notice'>].slice(-MAX_NOTICES) };
    default:
      // Executions and log chunks have their own stores, out of the graph's render path.
      return null;
  }
}
