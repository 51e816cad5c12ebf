// Keys for an operator across the room with a keyboard only (mprocs-like): arrows pick a
// service (the graph pans to it), Enter opens it (or the graph node Tab reached), `r` restarts, `s` starts or stops (both ask first: one brushed key
// must not stop a show), `/` searches the open log, Escape closes the panel. Ignored while
// typing in a field or while a dialog asks; Escape in the log search gives the keys back.
import { useEffect } from 'react';
import { useStoreApi } from '../../store/store-context';
import { askFirst } from './confirm-store';

const ACTIVE = new Set(['starting', 'running', 'stopping', 'backoff', 'blocked']);

export function useKeyboard(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key === 'Escape' && target.closest('.log-search, .xterm')) {
        target.closest<HTMLElement>('.log-search, .xterm textarea')?.blur();
        (document.activeElement as HTMLElement | null)?.blur();
        event.preventDefault();
        return;
      }
      if (document.querySelector('dialog[open]')) return;
      if (target.closest('input, textarea, select, [contenteditable="true"], .xterm') || event.ctrlKey || event.metaKey || event.altKey) return;
      const state = store.getState();
      const live = state.connection === 'open' && state.synced;
      const order = state.serviceOrder;
      const index = state.selected ? order.indexOf(state.selected) : -1;
      const name = state.selected;
      switch (event.key) {
        case 'ArrowDown':
        case 'ArrowRight':
          if (order.length) state.select(order[(index + 1) % order.length]);
          break;
        case 'ArrowUp':
        case 'ArrowLeft':
          if (order.length) state.select(order[(index - 1 + order.length) % order.length]);
          break;
        case 'Enter': {
          // On a graph node reached with Tab: pick that one (React Flow has already panned to it).
          const focused = target.closest('.react-flow__node')?.querySelector<HTMLElement>('[data-service]')?.dataset.service;
          if (focused && state.services[focused]) state.select(focused);
          else if (!name && order.length) state.select(order[0]);
          break;
        }
        case 'Escape':
          state.select(null);
          break;
        case 'r': {
          const service = name ? state.services[name] : undefined;
          if (!name || !service || !live || state.role !== 'operator') return;
          askFirst({
            title: `Restart ${service.displayName}?`,
            message: `${service.displayName} stops and starts again.`,
            confirmLabel: 'Restart',
            run: () => void state.call('services.restart', { name }),
          });
          break;
        }
        case 's': {
          const service = name ? state.services[name] : undefined;
          if (!name || !service || !live || state.role !== 'operator') return;
          const stop = ACTIVE.has(service.state.kind);
          askFirst({
            title: `${stop ? 'Stop' : 'Start'} ${service.displayName}?`,
            message: stop ? `${service.displayName} stops and stays down until started again.` : `${service.displayName} starts.`,
            confirmLabel: stop ? 'Stop' : 'Start',
            run: () => void state.call(stop ? 'services.stop' : 'services.start', { name }),
          });
          break;
        }
        case '/': {
          const search = document.querySelector<HTMLInputElement>('.log-search');
          if (search) search.focus();
          break;
        }
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
