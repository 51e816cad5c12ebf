// Which tray icon to show and what its tooltip says (issue 11). Icons live in resources/tray/
// (rendered from resources/tray/tray.svg by resources/tray/render-tray-icons.mjs):
//   tray-{dark|light}[-alert]-{16|22|32}.png (+ @2x): "dark" is for dark panels (a light
//   glyph), "light" for light panels (a dark glyph); "-alert" adds a red dot.
//   trayTemplate.png / trayAlertTemplate.png (+ @2x): macOS template images, black on
//   transparent, which macOS recolors for the menu bar (the "Template" suffix tells Electron).
// Electron picks the @2x file beside the named one on high-DPI screens by itself.
import { describeState } from '../../shared/describe-state';
import type { ServiceSnapshot } from '../../shared/model';

export type OverallStatus = 'ok' | 'attention' | 'idle';

export interface ServiceSummary {
  status: OverallStatus;
  total: number;
  running: number;
  /** Services that are not idle: running, starting, stopping, waiting, backing off. */
  active: number;
  /** Display names of services in a bad tone (failed, crashed, unhealthy, blocked by a problem). */
  failing: string[];
  /** One line for the menu's first row and the tooltip. */
  headline: string;
}

export function summarizeServices(services: readonly ServiceSnapshot[]): ServiceSummary {
  let running = 0;
  let active = 0;
  const failing: string[] = [];
  for (const service of services) {
    const { tone } = describeState(service.state);
    const kind = service.state.kind;
    if (kind === 'running') running++;
    if (kind !== 'disabled' && kind !== 'exited' && kind !== 'failed' && kind !== 'completed') active++;
    if (stoppedByOperator(service)) continue;
    if (tone === 'bad' || (kind === 'running' && service.health === 'unhealthy') || kind === 'backoff') failing.push(service.displayName || service.name);
  }
  const status: OverallStatus = failing.length > 0 ? 'attention' : active > 0 ? 'ok' : 'idle';
  let headline: string;
  if (services.length === 0) headline = 'No services';
  else if (failing.length === 1) headline = `${failing[0]} needs attention`;
  else if (failing.length > 1) headline = `${failing.length} services need attention`;
  else if (running === services.length) headline = services.length === 1 ? 'The service is running' : `All ${services.length} services running`;
  else headline = `${running} of ${services.length} services running`;
  return { status, total: services.length, running, active, failing, headline };
}

/** Stopped on purpose (the supervisor marks it): Stop all must not turn the tray red. */
export function stoppedByOperator(service: ServiceSnapshot): boolean {
  return service.state.kind === 'exited' && service.state.requested === true;
}

export function trayTooltip(summary: ServiceSummary, { quittingCount = null }: { quittingCount?: number | null } = {}): string {
  if (quittingCount !== null) return quittingCount > 0 ? `Showrunner: stopping ${quittingCount} service${quittingCount === 1 ? '' : 's'}…` : 'Showrunner: quitting…';
  const names = summary.failing.length > 1 ? `: ${summary.failing.slice(0, 4).join(', ')}${summary.failing.length > 4 ? ', …' : ''}` : '';
  return `Showrunner: ${summary.headline}${names}`;
}

export interface TrayIconContext {
  platform: NodeJS.Platform;
  /** The theme of the panel the icon sits on (nativeTheme.shouldUseDarkColors, mostly). */
  darkPanel: boolean;
  /** `XDG_CURRENT_DESKTOP`; GNOME's top bar is dark whatever the theme. */
  desktop?: string;
  status: OverallStatus;
}

/** A file name inside resources/tray/. */
export function trayIconFile({ platform, darkPanel, desktop = '', status }: TrayIconContext): string {
  const alert = status === 'attention';
  if (platform === 'darwin') return alert ? 'trayAlertTemplate.png' : 'trayTemplate.png';
  const gnomeTopBar = platform === 'linux' && /gnome|ubuntu|unity|pantheon/i.test(desktop);
  const panel = darkPanel || gnomeTopBar ? 'dark' : 'light';
  // AppIndicator icons are drawn at 22 px (and scaled by the shell); the Windows notification
  // area at 16 px with the @2x file at 200 %.
  const size = platform === 'win32' ? 16 : 22;
  return `tray-${panel}${alert ? '-alert' : ''}-${size}.png`;
}

/** Every file trayIconFile can name, for the test that they all exist. */
export function allTrayIconFiles(): string[] {
  const files = ['trayTemplate.png', 'trayTemplate@2x.png', 'trayAlertTemplate.png', 'trayAlertTemplate@2x.png'];
  for (const panel of ['dark', 'light']) {
    for (const alert of ['', '-alert']) {
      for (const size of [16, 22, 32]) files.push(`tray-${panel}${alert}-${size}.png`, `tray-${panel}${alert}-${size}@2x.png`);
    }
  }
  return files;
}
