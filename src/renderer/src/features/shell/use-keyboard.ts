// Keys for an operator across the room with a keyboard only (mprocs-like): arrows pick a
// service, Enter opens it, `r` restarts, `s` starts or stops, `/` searches the open log,
// Escape closes the panel. Ignored while typing in a field.
import { useEffect } from 'react';
import { useStoreApi } from '../../store/store-context';

const ACTIVE = new Set(['starting', 'running', 'stopping', 'backoff', 'blocked']);

export function useKeyboard(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"], .xterm') || event.ctrlKey || event.metaKey || event.altKey) return;
      const state = store.getState();
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
        case 'Enter':
          if (!name && order.length) state.select(order[0]);
          break;
        case 'Escape':
          state.select(null);
          break;
        case 'r':
          if (name) void state.call('services.restart', { name });
          break;
        case 's':
          if (name) void state.call(ACTIVE.has(state.services[name]?.state.kind ?? '') ? 'services.stop' : 'services.start', { name });
          break;
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
