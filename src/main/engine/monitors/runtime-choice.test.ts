import { describe, expect, it } from 'vitest';
import { chooseRuntime } from './runtime-choice';

const table = { runtimes: { bash: 'http://127.0.0.1:8000/mrp/v1/', node: 'http://127.0.0.1:8000/node/mrp/v1' }, allowed: ['http://gpu:9000/mrp/v1'] };

describe('chooseRuntime', () => {
  it("uses the entry's runtime URL when it is configured or allowed", () => {
    expect(chooseRuntime({ runtimeUrl: 'http://gpu:9000/mrp/v1/', language: 'python' }, table)).toEqual({ ok: true, url: 'http://gpu:9000/mrp/v1' });
    expect(chooseRuntime({ runtimeUrl: 'http://127.0.0.1:8000/mrp/v1', language: 'x' }, table)).toEqual({ ok: true, url: 'http://127.0.0.1:8000/mrp/v1' });
  });

  it('falls back to the runtime configured for the language, spelled any common way', () => {
    expect(chooseRuntime({ runtimeUrl: 'http://evil:1/mrp/v1', language: 'sh' }, table)).toEqual({ ok: true, url: 'http://127.0.0.1:8000/mrp/v1' });
    expect(chooseRuntime({ language: 'JavaScript' }, table)).toEqual({ ok: true, url: 'http://127.0.0.1:8000/node/mrp/v1' });
  });

  it('refuses with a reason when nothing fits', () => {
    const choice = chooseRuntime({ runtimeUrl: 'http://evil:1/mrp/v1', language: 'ruby' }, table);
    expect(choice).toEqual({
      ok: false,
      message: 'runtime http://evil:1/mrp/v1 is not on the allow-list, and no runtime is configured for language "ruby" (configured: bash, node)',
    });
  });

});
