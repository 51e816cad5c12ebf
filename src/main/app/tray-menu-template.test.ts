import { describe, expect, it } from 'vitest';
import { running, serviceSnapshot } from '../../../test/fixtures/service-snapshots';
import { buildTrayMenu, type TrayAction } from './tray-menu-model';
import { trayMenuTemplate } from './tray-menu-template';

describe('trayMenuTemplate', () => {
  it('turns the model into menu entries whose clicks report the model’s actions', () => {
    const actions: TrayAction[] = [];
    const template = trayMenuTemplate(buildTrayMenu([serviceSnapshot('api', running())], { startAtLogin: true }), (action) => actions.push(action));
    expect(template[0]).toMatchObject({ id: 'status', enabled: false });
    const service = template.find((entry) => entry.id === 'service:api')!;
    const restart = (service.submenu as typeof template).find((entry) => entry.label === 'Restart')!;
    restart.click!(undefined as never, undefined, undefined as never);
    const login = template.find((entry) => entry.id === 'start-at-login')!;
    expect(login).toMatchObject({ type: 'checkbox', checked: true });
    login.click!(undefined as never, undefined, undefined as never);
    template.find((entry) => entry.id === 'quit')!.click!(undefined as never, undefined, undefined as never);
    expect(actions).toEqual([{ kind: 'restart', name: 'api' }, { kind: 'set-start-at-login', enabled: false }, { kind: 'quit' }]);
    expect(template.filter((entry) => entry.type === 'separator').length).toBeGreaterThan(0);
  });
});
