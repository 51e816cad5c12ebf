import { describe, expect, it } from 'vitest';
import { parseBySchema, parseMrpEvent, type MrpEventName } from './mrp-events';

// The hand-checked path for the usual events must read every input as the schemas do.
const samples: Array<[MrpEventName, unknown]> = [
  ['start', { execId: 'e1', timestamp: '2026-12-05T00:00:00Z' }],
  ['start', {}],
  ['start', { execId: 7 }],
  ['stdout', { content: 'hi\n', accumulated: 'hi\n' }],
  ['stderr', { content: 'oops' }],
  ['stdout', { content: 3 }],
  ['stdout', 'not json'],
  ['result', { success: true, stdout: '', stderr: '', result: null, error: null, displayData: [], assets: [], executionCount: 3, duration: 12 }],
  ['result', { success: true, extra: { kept: 1 } }],
  ['result', {}],
  ['result', { result: '42', duration: null }],
  ['result', { success: false, error: { type: 'NameError', message: 'x', traceback: [] } }],
  ['result', { displayData: [{ data: { 'text/plain': 'x' } }] }],
  ['result', { executionCount: 'three' }],
  ['done', ''],
  ['done', {}],
  ['ping', undefined],
  ['done', null],
  ['done', []],
];

describe('parseMrpEvent', () => {
  it.each(samples)('reads %s %j as the schemas do', (event, data) => {
    expect(parseMrpEvent(event, data)).toEqual(parseBySchema(event, data));
  });

  it('keeps unknown events as they are', () => {
    expect(parseMrpEvent('later', { a: 1 })).toEqual({ type: 'unknown', event: 'later', data: { a: 1 } });
  });
});
