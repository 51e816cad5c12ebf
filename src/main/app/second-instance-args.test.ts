import { describe, expect, it } from 'vitest';
import { decideSecondInstance } from './second-instance-args';

const current = { manifestPath: '/srv/gallery/services.toml', activeServices: 3 };

describe('decideSecondInstance', () => {
  it('focuses the window on a plain second launch, packaged or in development', () => {
    expect(decideSecondInstance(['/opt/Showrunner/showrunner'], '/home/op', current)).toEqual({ kind: 'focus' });
    expect(decideSecondInstance(['/repo/node_modules/electron/dist/electron', '.', '--no-sandbox'], '/repo', current)).toEqual({ kind: 'focus' });
  });

  it('ignores a --hidden launch, such as start at login while the app already runs', () => {
    expect(decideSecondInstance(['/opt/Showrunner/showrunner', '--hidden'], '/home/op', current)).toEqual({ kind: 'ignore' });
  });

  it('focuses when --config names the manifest already open', () => {
    expect(decideSecondInstance(['showrunner', '--config', 'services.toml'], '/srv/gallery', current)).toEqual({ kind: 'focus' });
    expect(decideSecondInstance(['showrunner', '--config=/srv/gallery/./services.toml'], '/', current)).toEqual({ kind: 'focus' });
  });

  it('opens another manifest, resolved against the second launch’s folder, after a confirmation', () => {
    const decision = decideSecondInstance(['showrunner', '--config', 'other/services.toml', '--testing'], '/srv', current);
    expect(decision).toMatchObject({ kind: 'open-manifest', manifestPath: '/srv/other/services.toml', args: { config: '/srv/other/services.toml', testing: true } });
    if (decision.kind !== 'open-manifest' || !decision.confirm) throw new Error('want a confirmation');
    expect(decision.confirm.message).toBe('Stop 3 running services and open /srv/other/services.toml?');
    expect(decision.confirm.detail).toContain('/srv/gallery/services.toml');
    expect(decision.confirm.buttons).toEqual(['Stop and open', 'Cancel']);
    expect(decision.confirm.cancelId).toBe(1);
    expect(decision.confirm.defaultId).toBe(1);
  });

  it('opens without asking when nothing runs, or when attached to a daemon', () => {
    expect(decideSecondInstance(['showrunner', '--config', '/x.toml'], '/', { ...current, activeServices: 0 })).toMatchObject({ kind: 'open-manifest', confirm: null });
    expect(decideSecondInstance(['showrunner', '--config', '/x.toml'], '/', { ...current, attached: true })).toMatchObject({ kind: 'open-manifest', confirm: null });
  });

  it('says "service" for one', () => {
    const decision = decideSecondInstance(['showrunner', '--config', '/x.toml'], '/', { ...current, activeServices: 1 });
    expect(decision.kind === 'open-manifest' && decision.confirm?.message).toBe('Stop 1 running service and open /x.toml?');
  });
});
