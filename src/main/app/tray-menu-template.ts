// The tray menu model as Electron menu template entries. Types only from electron, so this runs
// (and is tested) in plain Node; tray.ts hands the result to Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayMenuItem } from './tray-menu-model';

export function trayMenuTemplate(items: readonly TrayMenuItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { id: item.id, type: 'separator' };
      case 'label':
        return { id: item.id, label: item.label, enabled: false };
      case 'action':
        return { id: item.id, label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
      case 'checkbox':
        return { id: item.id, label: item.label, type: 'checkbox', checked: item.checked, enabled: item.enabled, click: () => onAction(item.action) };
      case 'submenu':
        return { id: item.id, label: item.label, submenu: trayMenuTemplate(item.items, onAction) };
    }
  });
}
