import { describe, expect, it } from 'vitest';
import { eventNames, events, isMethodName, methodNames, methods } from './contract';

describe('contract', () => {
  it('rejects extra keys and wrong types in method args', () => {
    expect(methods['services.start'].args.safeParse({ name: 'db' }).success).toBe(true);
    expect(methods['services.start'].args.safeParse({ name: 'db', extra: 1 }).success).toBe(false);
    expect(methods['services.start'].args.safeParse({ name: 7 }).success).toBe(false);
    expect(methods['services.start'].args.safeParse({ name: '' }).success).toBe(false);
  });

  it('knows its own names and nothing else', () => {
    expect(methodNames).toContain('system.subscribe');
    expect(eventNames).toContain('service.changed');
    expect(isMethodName('services.start')).toBe(true);
    expect(isMethodName('constructor')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
    expect(Object.keys(events).length).toBe(eventNames.length);
  });
});

describe('contract names', () => {
  it('lists exactly the methods and events that have schemas', () => {
    expect([...methodNames].sort()).toEqual(Object.keys(methods).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
  });
});
