import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRecords } from './read-records';

describe('readRecords', () => {
  it('joins records split across chunks, keeps a split UTF-8 character whole, and holds an unended tail', () => {
    const stream = new PassThrough();
    const records: string[] = [];
    readRecords(stream, '\n', (record) => records.push(record));
    const euro = Buffer.from('€');
    stream.write('{"a":1}\n{"b"');
    stream.write(Buffer.concat([Buffer.from(':"'), euro.subarray(0, 1)]));
    stream.write(Buffer.concat([euro.subarray(1), Buffer.from('"}\n\ntail')]));
    expect(records).toEqual(['{"a":1}', '{"b":"€"}', '']);
  });

  it('splits on NUL as well', () => {
    const stream = new PassThrough();
    const records: string[] = [];
    readRecords(stream, '\0', (record) => records.push(record));
    stream.write('Pname: \0Spass');
    stream.write('word: \0');
    expect(records).toEqual(['Pname: ', 'Spassword: ']);
  });
});
