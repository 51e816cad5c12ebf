import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from './contract-names';
import { changesSomething, METHOD_ACCESS } from './method-access';

describe('METHOD_ACCESS', () => {
  it('classifies every contract method, and nothing else', () => {
    expect(Object.keys(METHOD_ACCESS).sort()).toEqual([...METHOD_NAMES].sort());
    for (const method of METHOD_NAMES) expect(['read', 'change'], method).toContain(METHOD_ACCESS[method]);
  });

  it('lets a viewer read and subscribe, and nothing that starts, stops, edits or answers', () => {
    const reads = METHOD_NAMES.filter((method) => !changesSomething(method));
    expect(reads.sort()).toEqual(
      ['access.role', 'devices.list', 'executions.list', 'logs.filePath', 'logs.follow', 'logs.lines', 'logs.tail', 'manifest.problems', 'monitors.list', 'runs.artifact', 'runs.get', 'runs.list', 'services.list', 'system.subscribe'].sort(),
    );
    // Every name that sounds like an action is a change.
    for (const method of METHOD_NAMES) {
      if (/\.(start|stop|restart|kill|add|update|remove|reload|cancel|reply|set|rollout|approve|reject)/.test(method)) expect(changesSomething(method), method).toBe(true);
    }
  });

  it('treats unknown names as reads, for the dispatcher to answer unknown-method', () => {
    expect(changesSomething('no.such')).toBe(false);
    expect(changesSomething('__proto__')).toBe(false);
  });
});
