// What a second launch means for the running app (issue 11). Electron hands the first instance
// the second's argv and working directory (`second-instance`). A plain launch focuses the
// window; a `--config` naming another manifest switches to it, after a confirmation when
// services are running (switching stops them); a `--hidden` launch (start at login firing while
// the app already runs) changes nothing.
import { isAbsolute, resolve } from 'node:path';
import { parseDesktopArgs, type DesktopArgs } from './desktop-args';
import { parseLaunchFlags } from './launch-flags';
import { plural } from './tray-menu-model';

export interface ConfirmDialog {
  type: 'question';
  title: string;
  message: string;
  detail: string;
  buttons: [string, string];
  defaultId: number;
  cancelId: number;
}

export type SecondInstanceDecision =
  | { kind: 'ignore' }
  | { kind: 'focus' }
  | { kind: 'open-manifest'; manifestPath: string; args: DesktopArgs; confirm: ConfirmDialog | null };

export interface CurrentInstance {
  manifestPath: string;
  /** Services that would be stopped by switching (0 when attached to a daemon). */
  activeServices: number;
  /** Attached to a daemon: switching detaches and leaves its services running. */
  attached?: boolean;
}

export function decideSecondInstance(argv: readonly string[], workingDirectory: string, current: CurrentInstance): SecondInstanceDecision {
  // argv[0] is the executable; in development argv[1] is the app folder, which the parser ignores.
  const rest = argv.slice(1);
  const args = parseDesktopArgs([...rest]);
  if (!args.config) return parseLaunchFlags(rest).hidden ? { kind: 'ignore' } : { kind: 'focus' };
  const manifestPath = isAbsolute(args.config) ? resolve(args.config) : resolve(workingDirectory, args.config);
  if (manifestPath === resolve(current.manifestPath)) return { kind: 'focus' };
  const confirm = current.activeServices > 0 && !current.attached ? confirmSwitch(current, manifestPath) : null;
  return { kind: 'open-manifest', manifestPath, args: { ...args, config: manifestPath }, confirm };
}

/** Button 0 switches, button 1 (the default, also Escape) keeps the current manifest. */
export function confirmSwitch(current: CurrentInstance, next: string): ConfirmDialog {
  return {
    type: 'question',
    title: 'Open another manifest',
    message: `Stop ${plural(current.activeServices, 'running service')} and open ${next}?`,
    detail: `Showrunner is supervising ${current.manifestPath}. Opening the other manifest stops its services first.`,
    buttons: ['Stop and open', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  };
}
