import { describe, expect, it } from 'vitest';
import { millisecondsFlag, parseCliArgs, portFlag, UsageError } from './parse-cli-args';

const specs = {
  config: { kind: 'string' },
  services: { kind: 'list' },
  monitor: { kind: 'list' },
  testing: { kind: 'boolean' },
  port: { kind: 'string', alias: 'p' },
} as const;

describe('parseCliArgs', () => {
  it('takes several values after a list flag, as Gradi does with --services', () => {
    const parsed = parseCliArgs(['--services', 'vllm', 'gradi-mediate', '--testing', '--config', 'a.toml'], specs);
    expect(parsed.flags).toEqual({ services: ['vllm', 'gradi-mediate'], testing: true, config: 'a.toml' });
  });

  it('accumulates a repeated list flag and accepts --flag=value and aliases', () => {
    const parsed = parseCliArgs(['--monitor=a', '--monitor', 'b', '-p', '80', 'ws://sync'], specs);
    expect(parsed.flags).toEqual({ monitor: ['a', 'b'], port: '80' });
    expect(parsed.positionals).toEqual(['ws://sync']);
  });

  it('rejects unknown options, missing values and stray values', () => {
    expect(() => parseCliArgs(['--prot', '1'], specs)).toThrow(UsageError);
    expect(() => parseCliArgs(['--config'], specs)).toThrow('needs a value');
    expect(() => parseCliArgs(['--testing=yes'], specs)).toThrow('takes no value');
  });

  it('validates ports', () => {
    expect(portFlag(parseCliArgs(['--port', '0'], specs), 'port', 7420)).toBe(0);
    expect(portFlag(parseCliArgs([], specs), 'port', 7420)).toBe(7420);
    expect(() => portFlag(parseCliArgs(['--port', '70000'], specs), 'port', 7420)).toThrow('port number');
    expect(() => portFlag(parseCliArgs(['--port', 'abc'], specs), 'port', 7420)).toThrow('port number');
  });

  it('reads durations in milliseconds', () => {
    const specs = { wait: { kind: 'string' } } as const;
    expect(millisecondsFlag(parseCliArgs(['--wait', '250'], specs), 'wait')).toBe(250);
    expect(millisecondsFlag(parseCliArgs([], specs), 'wait')).toBeUndefined();
    expect(() => millisecondsFlag(parseCliArgs(['--wait=-1'], specs), 'wait')).toThrow('milliseconds');
    expect(() => millisecondsFlag(parseCliArgs(['--wait=soon'], specs), 'wait')).toThrow('milliseconds');
  });
});
