import type { ServiceStateKind } from '../../../../shared/model';

/** A shape per state as well as a colour, so state reads without colour vision. */
export const stateIcon: Record<ServiceStateKind, string> = {
  disabled: '○',
  blocked: '⏸',
  starting: '◔',
  running: '●',
  stopping: '◑',
  backoff: '↻',
  exited: '■',
  failed: '✕',
  completed: '✓',
};
