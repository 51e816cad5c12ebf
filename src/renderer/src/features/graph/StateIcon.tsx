import type { ReactElement } from 'react';
import type { ServiceStateKind } from '../../../../shared/model';

// A shape per state as well as a colour, so state reads without colour vision. SVG, not font
// glyphs: Debian's fonts draw ⏸ as an empty box.
const shapes: Record<ServiceStateKind | 'usb' | 'path' | 'monitor', ReactElement> = {
  disabled: <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />,
  blocked: (
    <g fill="currentColor">
      <rect x="3.5" y="3" width="3" height="10" rx="0.6" />
      <rect x="9.5" y="3" width="3" height="10" rx="0.6" />
    </g>
  ),
  starting: (
    <g>
      <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path d="M8 2.5 A5.5 5.5 0 0 1 13.5 8 L8 8 Z" fill="currentColor" />
    </g>
  ),
  running: <circle cx="8" cy="8" r="6" fill="currentColor" />,
  stopping: (
    <g>
      <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path d="M8 2.5 A5.5 5.5 0 0 1 8 13.5 Z" fill="currentColor" />
    </g>
  ),
  backoff: (
    <g fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      <path d="M13 8 A5 5 0 1 1 11.5 4.5" />
      <path d="M12 1.8 L11.6 4.8 L8.7 4.3" />
    </g>
  ),
  exited: <rect x="3" y="3" width="10" height="10" rx="1.2" fill="currentColor" />,
  failed: <path d="M3.5 3.5 L12.5 12.5 M12.5 3.5 L3.5 12.5" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />,
  completed: <path d="M2.8 8.5 L6.5 12 L13.2 4" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />,
  // A clock face: closed by opening hours, not stopped by anyone.
  closed: (
    <g fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      <circle cx="8" cy="8" r="5.8" />
      <path d="M8 4.6 V8 L10.4 9.6" />
    </g>
  ),
  usb: <path d="M8 1.5 V13 M8 13 m-2 0 a2 2 0 1 0 4 0 a2 2 0 1 0 -4 0 M8 9 L4 6.5 V4.5 M8 7 L12 4.5 V3" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />,
  path: <rect x="2.5" y="3.5" width="11" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.8" />,
  monitor: <path d="M8 1.8 L14.2 8 L8 14.2 L1.8 8 Z" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />,
};

export function StateIcon({ kind }: { kind: keyof typeof shapes }) {
  return (
    <svg className="node-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" data-icon={kind}>
      {shapes[kind]}
    </svg>
  );
}
