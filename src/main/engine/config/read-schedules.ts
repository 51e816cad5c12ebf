// `[schedules.NAME]` tables (issue 18) into ScheduleSpecs, and a service's `schedule` and
// `daily_restart` keys, each problem at its own line with did-you-mean. The weekly layout and
// DST rules live in engine/schedules/; this reads and checks words.
import { dayOfDate, isKnownZone, machineZone } from '../schedules/wall-time';
import { didYouMean } from './did-you-mean';
import { fieldPath, type FieldReader } from './field-reader';
import type { OpenWindow, ScheduleSpec, ServiceSpec } from './manifest-types';
import type { TomlNode, TomlTable } from './toml-tree';

export const SCHEDULE_KEYS = ['timezone', 'open', 'closed_on'] as const;
const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_WORDS = [...DAY_NAMES, 'daily'];
const OPEN_EXAMPLE = 'such as "tue-sun 10:00-18:00", "mon,wed,fri 09:00-12:00" or "daily 22:00-02:00"';

export function readSchedules(reader: FieldReader, top: TomlTable): Record<string, ScheduleSpec> {
  const schedules: Record<string, ScheduleSpec> = {};
  for (const [name, entry] of reader.table(top, '', 'schedules')?.entries ?? []) {
    const path = fieldPath('schedules', name);
    if (entry.node.type !== 'table') {
      reader.expect(entry.node, path, 'a table with timezone, open and closed_on');
      continue;
    }
    const table = entry.node;
    reader.checkKeys(table, path, SCHEDULE_KEYS);
    const timezone = readZone(reader, table, path) ?? machineZone();
    const windows = reader.array(table, path, 'open', (node, field) => readWindow(reader, node, field));
    if (!table.entries.has('open')) reader.report(table.headerPos ?? entry.keyPos, fieldPath(path, 'open'), 'missing required key "open" (a list of windows, ' + OPEN_EXAMPLE + ')');
    const closedOn = reader.array(table, path, 'closed_on', (node, field) => readDate(reader, node, field)) ?? [];
    schedules[name] = { name, timezone, windows: windows ?? [], closedOn };
  }
  return schedules;
}

/** `schedule = "NAME"` and `daily_restart = "HH:MM"` of one service. */
export function readServiceSchedule(
  reader: FieldReader,
  table: TomlTable,
  path: string,
  schedules: Readonly<Record<string, ScheduleSpec>>,
): Pick<ServiceSpec, 'schedule' | 'dailyRestart'> {
  const result: Pick<ServiceSpec, 'schedule' | 'dailyRestart'> = {};
  const nameNode = table.entries.get('schedule')?.node;
  const name = nameNode ? reader.stringValue(nameNode, fieldPath(path, 'schedule')) : undefined;
  if (nameNode && name !== undefined) {
    const known = Object.keys(schedules);
    if (schedules[name]) result.schedule = schedules[name];
    else {
      const hint = known.length ? didYouMean(name, known) || `; known: ${known.map((k) => `"${k}"`).join(', ')}` : '; add a [schedules.' + name + '] table';
      reader.report(nameNode.pos, fieldPath(path, 'schedule'), `no schedule named "${name}"${hint}`);
    }
  }
  const restartNode = table.entries.get('daily_restart')?.node;
  if (restartNode) {
    const field = fieldPath(path, 'daily_restart');
    const text = reader.stringValue(restartNode, field);
    const minute = text === undefined ? undefined : parseClock(text);
    if (text !== undefined && minute === undefined) reader.report(restartNode.pos, field, `"${text}" is not a time of day HH:MM, such as "04:00"`);
    if (minute !== undefined) result.dailyRestart = { minute, timezone: result.schedule?.timezone ?? machineZone() };
  }
  return result;
}

function readZone(reader: FieldReader, table: TomlTable, path: string): string | undefined {
  const node = table.entries.get('timezone')?.node;
  if (!node) return undefined;
  const field = fieldPath(path, 'timezone');
  const zone = reader.stringValue(node, field);
  if (zone === undefined) return undefined;
  if (isKnownZone(zone)) return zone;
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  reader.report(node.pos, field, `"${zone}" is not a time zone this system knows (an IANA name such as "Europe/Paris")${didYouMean(zone, known)}`);
  return undefined;
}

function readDate(reader: FieldReader, node: TomlNode, field: string): string | undefined {
  // A bare TOML local date (closed_on = [2026-12-25]) is as good as a quoted one.
  if (node.type === 'datetime' && dayOfDate(String(node.value)) !== undefined) return String(node.value);
  const text = reader.stringValue(node, field);
  if (text === undefined) return undefined;
  if (dayOfDate(text) !== undefined) return text;
  reader.report(node.pos, field, `"${text}" is not a date YYYY-MM-DD, such as "2026-12-25"`);
  return undefined;
}

function readWindow(reader: FieldReader, node: TomlNode, field: string): OpenWindow | undefined {
  const text = reader.stringValue(node, field);
  if (text === undefined) return undefined;
  const problem = (message: string): undefined => {
    reader.report(node.pos, field, message);
    return undefined;
  };
  const match = /^\s*(\S+)\s+(\S+?)\s*-\s*(\S+)\s*$/.exec(text);
  if (!match) return problem(`"${text}" is not "DAYS HH:MM-HH:MM", ${OPEN_EXAMPLE}`);
  const days = parseDays(match[1]);
  if (typeof days === 'string') return problem(`"${text}": ${days}`);
  const startMinute = parseClock(match[2]);
  const endMinute = parseClock(match[3]);
  if (startMinute === undefined) return problem(`"${text}": "${match[2]}" is not a time HH:MM (00:00 to 23:59)`);
  if (endMinute === undefined) return problem(`"${text}": "${match[3]}" is not a time HH:MM (00:00 to 23:59)`);
  return { days, startMinute, endMinute };
}

/** "tue-sun", "mon,wed,fri", "daily", "sat-mon" → ISO weekdays, or the problem as words. */
function parseDays(text: string): number[] | string {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    if (part === 'daily') {
      for (let day = 1; day <= 7; day++) days.add(day);
      continue;
    }
    const [from, to, extra] = part.split('-');
    const first = dayNumber(from);
    const last = to === undefined ? first : dayNumber(to);
    for (const [word, value] of [[from, first], [to, last]] as const) {
      if (word !== undefined && value === undefined) return `"${word}" is not a day (${DAY_WORDS.join(', ')})${didYouMean(word, DAY_WORDS)}`;
    }
    if (extra !== undefined || first === undefined || last === undefined) return `"${part}" is not a day or a range of days such as "tue-sun"`;
    // A range may wrap past Sunday: "sat-mon" is Saturday, Sunday and Monday.
    for (let day = first; ; day = (day % 7) + 1) {
      days.add(day);
      if (day === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function dayNumber(word: string | undefined): number | undefined {
  const index = DAY_NAMES.indexOf(word as (typeof DAY_NAMES)[number]);
  return index < 0 ? undefined : index + 1;
}

/** "HH:MM" (00:00 to 23:59) → minutes since midnight. */
export function parseClock(text: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : undefined;
}
