// Opening hours through the real daemon (`showrunner serve` as its own OS process): a service
// outside its schedule is not started and the REST API shows it `closed` with the next opening,
// while a second daemon under the same HOME, with an always-open schedule, runs its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../shared/model';
import { describeService } from '../../shared/describe-state';
import { startDaemonCli, stopDaemonClis, type DaemonCli } from '../../../test/helpers/daemon-cli';
import { waitFor } from '../../../test/helpers/wait-for';

const dirs: string[] = [];
afterEach(async () => {
  await stopDaemonClis();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function serve(open: string): DaemonCli {
  const dir = mkdtempSync(join(tmpdir(), 'opening-hours-'));
  dirs.push(dir);
  const manifest = join(dir, 'services.toml');
  const text = ['[schedules.gallery]', 'timezone = "UTC"', `open = ["${open}"]`, '', '[services.projector]', 'command = "exec sleep 600"', 'schedule = "gallery"', 'daily_restart = "04:00"', ''];
  writeFileSync(manifest, text.join('\n'));
  return startDaemonCli(['serve', '--config', manifest, '--port', '0', '--state-dir', join(dir, 'state'), '--log-dir', join(dir, 'logs')]);
}

const projector = (daemon: DaemonCli) => () => daemon.get<{ services: ServiceSnapshot[] }>('/api/services').then((body) => body.services.find((s) => s.name === 'projector'));

describe('showrunner serve with opening hours', () => {
  it('shows a service outside its hours closed until the next opening, beside a second daemon whose hours are open', async () => {
    // A window three days ahead: closed now, whatever the time of day the test runs.
    const now = new Date();
    const opening = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3, 10, 0);
    const closedDaemon = serve(`${DAY_NAMES[new Date(opening).getUTCDay()]} 10:00-11:00`);
    const openDaemon = serve('daily 00:00-00:00');

    const closed = (await waitFor(projector(closedDaemon), (service) => service?.state.kind === 'closed', { what: 'projector closed', timeoutMs: 60_000 }))!;
    expect(closed.state).toEqual({ kind: 'closed', schedule: 'gallery', timezone: 'UTC', opensAt: opening });
    expect(closed.schedule).toEqual({ name: 'gallery', timezone: 'UTC', open: false, nextChangeAt: opening });
    expect(closed.dailyRestart).toMatchObject({ time: '04:00', timezone: 'UTC' });
    const day = DAY_NAMES[new Date(opening).getUTCDay()];
    expect(describeService(closed)).toMatch(new RegExp(`^Closed \\(gallery: until ${day[0].toUpperCase()}${day.slice(1)} 10:00\\); restarts \\w{3} 04:00$`));
    // No process was ever started for it.
    expect(closed.transitions.map((t) => t.to)).toEqual(['closed']);
    await waitFor(closedDaemon.stderr, (text) => text.includes('projector: blocked → closed: outside opening hours: gallery closed'), { what: 'the transition line' });

    // The daemon's own OpenAPI document describes the closed record it serves.
    const doc = await closedDaemon.get<{ components: { schemas: Record<string, unknown> } }>('/api/openapi.json');
    const ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false, allowUnionTypes: true });
    ajv.addVocabulary(['components']);
    ajv.addSchema({ $id: 'https://showrunner.invalid/openapi.json', components: { schemas: doc.components.schemas } });
    const validate = ajv.compile({ $ref: 'https://showrunner.invalid/openapi.json#/components/schemas/ServiceSnapshot' });
    expect(validate(closed), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...closed, state: { kind: 'closed', schedule: 'gallery' } })).toBe(false);

    const running = (await waitFor(projector(openDaemon), (service) => service?.state.kind === 'running', { what: 'projector running', timeoutMs: 60_000 }))!;
    expect(running.schedule).toEqual({ name: 'gallery', timezone: 'UTC', open: true, nextChangeAt: null });
  }, 180_000);
});
