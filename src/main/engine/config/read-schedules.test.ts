// `check` on opening hours: every new key is validated with file, line, column, field and a
// did-you-mean, and a good gallery manifest reads into ScheduleSpecs with the service's copy.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkManifestFile } from './check-manifest-file';
import { parseManifest } from './parse-manifest';

const GALLERY = `[schedules.gallery]
timezone = "Europe/Paris"
open = ["tue-sun 10:00-18:00", "fri 18:00-22:00", "sat 22:00-02:00", "mon,wed 08:00-09:00", "sat-mon 07:00-07:30"]
closed_on = ["2026-12-25", "2027-01-01"]

[services.projector]
command = "sleep 1000"
schedule = "gallery"
daily_restart = "04:00"

[services.sound]
command = "sleep 1000"
daily_restart = "03:15"
`;

describe('opening hours in the manifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-schedules-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function check(text: string): Promise<string[]> {
    const file = join(dir, 'services.toml');
    await writeFile(file, text);
    return (await checkManifestFile(file)).lines.map((line) => line.slice(file.length + 1));
  }

  it('reads a gallery manifest: windows as weekdays and minutes, the schedule copied into its service', () => {
    const result = parseManifest(GALLERY, join(dir, 'services.toml'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const gallery = result.manifest.schedules?.gallery;
    expect(gallery).toEqual({
      name: 'gallery',
      timezone: 'Europe/Paris',
      windows: [
        { days: [2, 3, 4, 5, 6, 7], startMinute: 600, endMinute: 1080 },
        { days: [5], startMinute: 1080, endMinute: 1320 },
        { days: [6], startMinute: 1320, endMinute: 120 },
        { days: [1, 3], startMinute: 480, endMinute: 540 },
        { days: [1, 6, 7], startMinute: 420, endMinute: 450 },
      ],
      closedOn: ['2026-12-25', '2027-01-01'],
    });
    const [projector, sound] = result.manifest.services;
    expect(projector.schedule).toEqual(gallery);
    expect(projector.dailyRestart).toEqual({ minute: 240, timezone: 'Europe/Paris' });
    // Without a schedule, the machine's zone.
    expect(sound.dailyRestart).toEqual({ minute: 195, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  });

  it('names an unknown schedule, with the closest known one', async () => {
    expect(await check(GALLERY.replace('schedule = "gallery"', 'schedule = "galery"'))).toEqual([
      '8:12: services.projector.schedule: no schedule named "galery"; did you mean "gallery"?',
    ]);
    expect(await check('[services.a]\ncommand = "x"\nschedule = "night"\n')).toEqual([
      '3:12: services.a.schedule: no schedule named "night"; add a [schedules.night] table',
    ]);
  });

  it('refuses a bad day, a bad time and a malformed window, each at its own element', async () => {
    const text = '[schedules.s]\nopen = ["tues 10:00-18:00", "mon 25:00-26:00", "mon 10:00", "mon-fri-sun 10:00-11:00", "daily 10:00-10:60"]\n';
    expect(await check(text)).toEqual([
      '2:9: schedules.s.open[0]: "tues 10:00-18:00": "tues" is not a day (mon, tue, wed, thu, fri, sat, sun, daily); did you mean "tue"?',
      '2:29: schedules.s.open[1]: "mon 25:00-26:00": "25:00" is not a time HH:MM (00:00 to 23:59)',
      '2:48: schedules.s.open[2]: "mon 10:00" is not "DAYS HH:MM-HH:MM", such as "tue-sun 10:00-18:00", "mon,wed,fri 09:00-12:00" or "daily 22:00-02:00"',
      '2:61: schedules.s.open[3]: "mon-fri-sun 10:00-11:00": "mon-fri-sun" is not a day or a range of days such as "tue-sun"',
      '2:88: schedules.s.open[4]: "daily 10:00-10:60": "10:60" is not a time HH:MM (00:00 to 23:59)',
    ]);
  });

  it('refuses a zone Intl does not know, with the closest one', async () => {
    expect(await check('[schedules.s]\ntimezone = "Europe/Pari"\nopen = ["daily 10:00-18:00"]\n')).toEqual([
      '2:12: schedules.s.timezone: "Europe/Pari" is not a time zone this system knows (an IANA name such as "Europe/Paris"); did you mean "Europe/Paris"?',
    ]);
  });

  it('takes a bare TOML date in closed_on as well as a quoted one', () => {
    const result = parseManifest('[schedules.s]\nopen = ["daily 10:00-18:00"]\nclosed_on = [2026-12-25, "2027-01-01"]\n', join(dir, 'services.toml'));
    expect(result.ok && result.manifest.schedules?.s.closedOn).toEqual(['2026-12-25', '2027-01-01']);
  });

  it('refuses a date that is not a real YYYY-MM-DD', async () => {
    expect(await check('[schedules.s]\nopen = ["daily 10:00-18:00"]\nclosed_on = ["2026-02-30", "25/12/2026", 20261225]\n')).toEqual([
      '3:14: schedules.s.closed_on[0]: "2026-02-30" is not a date YYYY-MM-DD, such as "2026-12-25"',
      '3:28: schedules.s.closed_on[1]: "25/12/2026" is not a date YYYY-MM-DD, such as "2026-12-25"',
      '3:42: schedules.s.closed_on[2]: expected a string, got an integer',
    ]);
  });

  it('refuses an unknown key of a schedule, a missing open, and a bad daily_restart', async () => {
    expect(await check('[schedules.s]\nopen_hours = ["daily 10:00-18:00"]\n\n[services.a]\ncommand = "x"\ndaily_restart = "4am"\ndaily_restrat = "04:00"\n')).toEqual([
      '1:1: schedules.s.open: missing required key "open" (a list of windows, such as "tue-sun 10:00-18:00", "mon,wed,fri 09:00-12:00" or "daily 22:00-02:00")',
      '2:1: schedules.s.open_hours: unknown key "open_hours"; did you mean "open"?',
      '6:17: services.a.daily_restart: "4am" is not a time of day HH:MM, such as "04:00"',
      '7:1: services.a.daily_restrat: unknown key "daily_restrat"; did you mean "daily_restart"?',
    ]);
  });
});
