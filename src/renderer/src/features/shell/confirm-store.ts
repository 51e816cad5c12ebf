// The one question the panel may be asking (issue 16): actions that touch running services from
// one click or one key ask first, so a brushed key in a dark room stops nothing.
import { createStore } from 'zustand/vanilla';

export interface ConfirmRequest {
  title: string;
  /** What happens, in one sentence. */
  message: string;
  confirmLabel: string;
  run: () => void;
}

export const confirmStore = createStore<{ request: ConfirmRequest | null }>(() => ({ request: null }));

export function askFirst(request: ConfirmRequest): void {
  confirmStore.setState({ request });
}

export function closeConfirm(confirmed: boolean): void {
  const { request } = confirmStore.getState();
  confirmStore.setState({ request: null });
  if (confirmed) request?.run();
}
