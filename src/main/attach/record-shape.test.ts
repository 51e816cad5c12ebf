import { describe, expect, it } from 'vitest';
import { checkRecord, parseRecordText } from './record-shape';

const shape = { pid: 'int', start: 'string|null', key: 'hex', at: 'number', name: 'string' } as const;
const good = { pid: 12, start: null, key: 'ab12', at: 1.5, name: 'x' };

describe('checkRecord', () => {
  it('keeps exactly the fields of the shape', () => {
    expect(checkRecord({ ...good, extra: true }, shape)).toEqual(good);
  });

  it('names the first field that does not fit', () => {
    expect((checkRecord({ ...good, pid: 1.5 }, shape) as Error).message).toBe('pid: expected int, got 1.5');
    expect((checkRecord({ ...good, key: 'XYZ' }, shape) as Error).message).toBe('key: expected hex, got "XYZ"');
    expect((checkRecord({ ...good, start: 3 }, shape) as Error).message).toBe('start: expected string|null, got 3');
    const { name: _name, ...missing } = good;
    expect((checkRecord(missing, shape) as Error).message).toBe('name: expected string, got nothing');
    expect(checkRecord([], shape)).toBeInstanceOf(Error);
    expect(checkRecord(null, shape)).toBeInstanceOf(Error);
  });
});

describe('parseRecordText', () => {
  it('reads a record, and gives null for broken JSON or a wrong shape', () => {
    expect(parseRecordText(JSON.stringify(good), shape)).toEqual(good);
    expect(parseRecordText('{"pid": 1', shape)).toBeNull();
    expect(parseRecordText(JSON.stringify({ ...good, at: 'soon' }), shape)).toBeNull();
  });
});
