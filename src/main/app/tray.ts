// The tray icon (issue 11), the electron binding: every decision is in tray-menu-model.ts,
// tray-icon.ts and tray-menu-template.ts. It keeps one hub session on the current engine (local
// or attached), rebuilds at most every 500 ms on service events, and maps menu actions to
// contract calls or to the shell's own hooks.
import { Menu, nativeImage, nativeTheme, Tray } from 'electron';
import { join } from 'node:path';
import type { EventName, EventPayload } from '../../shared/contract';
import type { ServiceSnapshot } from '../../shared/model';
import type { ClientSession } from '../engine/api/event-hub';
import type { LoginItem } from './login-item';
import type { OpenedEngine } from './open-engine';
import { trailingThrottle, type Throttled } from './trailing-throttle';
import { summarizeServices, trayIconFile, trayTooltip } from './tray-icon';
import { buildTrayMenu, trayActionCall, type TrayAction } from './tray-menu-model';
import { trayMenuTemplate } from './tray-menu-template';

export interface ShowrunnerTrayOptions {
  /** resources/tray */
  iconDir: string;
  loginItem: LoginItem | null;
  onShowPanel(): void;
  onQuit(): void;
  log(line: string): void;
  rebuildIntervalMs?: number;
}

const REBUILD_ON: ReadonlySet<EventName> = new Set(['service.changed', 'service.removed', 'manifest.changed', 'notice']);

export class ShowrunnerTray {
  private readonly tray: Tray;
  private session: ClientSession | null = null;
  private opened: OpenedEngine | null = null;
  private services: ServiceSnapshot[] = [];
  private startAtLogin: boolean | null = null;
  private disconnected = false;
  private quittingCount: number | null = null;
  private readonly rebuild: Throttled;
  private readonly onThemeUpdated = () => this.render();

  constructor(private readonly options: ShowrunnerTrayOptions) {
    this.tray = new Tray(this.icon());
    this.tray.setToolTip('Showrunner');
    // On Windows a left click means "show me"; macOS opens the menu on click, and
    // AppIndicator reports no clicks at all.
    if (process.platform === 'win32') this.tray.on('click', () => options.onShowPanel());
    this.rebuild = trailingThrottle(() => void this.refresh(), options.rebuildIntervalMs ?? 500);
    nativeTheme.on('updated', this.onThemeUpdated);
    void this.readLoginItem();
  }

  bind(opened: OpenedEngine): void {
    this.unbind();
    this.opened = opened;
    this.disconnected = false;
    // The tray shows states, not stats: it does not make the supervisor sample faster.
    this.session = opened.engine.hub.open((name, _seq, payload) => this.onEvent(name, payload), { watches: false });
    this.rebuild();
  }

  unbind(): void {
    this.session?.close();
    this.session = null;
    this.opened = null;
  }

  /** Switches the menu and tooltip to the quit progress; `count` services still stopping. */
  setQuitting(count: number): void {
    this.quittingCount = count;
    this.rebuild.cancel();
    this.render();
  }

  destroy(): void {
    this.rebuild.cancel();
    this.unbind();
    nativeTheme.off('updated', this.onThemeUpdated);
    this.tray.destroy();
  }

  private onEvent(name: EventName, payload: unknown): void {
    if (name === 'notice') {
      const notice = payload as EventPayload<'notice'>;
      if (notice.id === 'daemon-connection') this.disconnected = notice.level === 'warning';
    }
    if (REBUILD_ON.has(name)) this.rebuild();
  }

  private async refresh(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const reply = await session.call('services.list', {});
    if (session !== this.session) return;
    if (reply.ok) this.services = reply.value as ServiceSnapshot[];
    this.render();
  }

  private async readLoginItem(): Promise<void> {
    try {
      this.startAtLogin = this.options.loginItem ? await this.options.loginItem.isEnabled() : null;
    } catch (error) {
      this.options.log(`tray: reading start at login failed: ${String(error)}`);
    }
    this.render();
  }

  private render(): void {
    if (this.tray.isDestroyed()) return;
    const quitting = this.quittingCount !== null;
    const items = buildTrayMenu(this.services, {
      startAtLogin: this.options.loginItem ? (this.startAtLogin ?? false) : null,
      quitting,
      attachedTo: this.opened?.attachedTo ?? null,
      disconnected: this.disconnected,
    });
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(items, (action) => void this.act(action))));
    this.tray.setToolTip(trayTooltip(summarizeServices(this.services), { quittingCount: this.quittingCount }));
    this.tray.setImage(this.icon());
  }

  private icon(): Electron.NativeImage {
    const file = trayIconFile({
      platform: process.platform,
      darkPanel: nativeTheme.shouldUseDarkColors,
      desktop: process.env.XDG_CURRENT_DESKTOP,
      status: summarizeServices(this.services).status,
    });
    return nativeImage.createFromPath(join(this.options.iconDir, file));
  }

  private async act(action: TrayAction): Promise<void> {
    if (action.kind === 'show-panel') return this.options.onShowPanel();
    if (action.kind === 'quit') return this.options.onQuit();
    if (action.kind === 'set-start-at-login') {
      try {
        await this.options.loginItem?.setEnabled(action.enabled);
      } catch (error) {
        this.options.log(`tray: start at login: ${String(error)}`);
      }
      return this.readLoginItem();
    }
    const call = trayActionCall(action);
    if (!call || !this.session) return;
    const reply = await this.session.call(call.method, call.args);
    if (!reply.ok) this.options.log(`tray: ${call.method} failed: ${reply.error.message}`);
    this.rebuild();
  }
}
