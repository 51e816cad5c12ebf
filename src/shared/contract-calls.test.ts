import { describe, expect, it } from 'vitest';
import { ContractCalls } from './contract-calls';

const messages = { notConnected: 'not connected', timedOut: 'timed out' };

describe('ContractCalls', () => {
  it('numbers each call and resolves it with the reply of the same id', async () => {
    const calls = new ContractCalls(10_000);
    const sent: { id: number; method: string; args: unknown }[] = [];
    const send = (text: string) => (sent.push(JSON.parse(text)), true);
    const first = calls.call('service.start', { name: 'a' }, send, messages);
    const second = calls.call('service.stop', { name: 'b' }, send, messages);
    expect(sent.map((message) => [message.id, message.method])).toEqual([[1, 'service.start'], [2, 'service.stop']]);
    calls.settle(2, { ok: true, value: 'two' });
    calls.settle(1, { ok: true, value: 'one' });
    calls.settle(7, { ok: true, value: 'nobody asked' });
    expect(await first).toEqual({ ok: true, value: 'one' });
    expect(await second).toEqual({ ok: true, value: 'two' });
  });

  it('answers unavailable at once when the socket is not open, and after the timeout when no reply comes', async () => {
    const calls = new ContractCalls(20);
    expect(await calls.call('system.subscribe', {}, () => false, messages)).toEqual({ ok: false, error: { code: 'unavailable', message: 'not connected' } });
    expect(await calls.call('system.subscribe', {}, () => true, messages)).toEqual({ ok: false, error: { code: 'unavailable', message: 'timed out' } });
  });

  it('fails every waiting call when the connection goes', async () => {
    const calls = new ContractCalls(10_000);
    const waiting = [calls.call('a', {}, () => true, messages), calls.call('b', {}, () => true, messages)];
    calls.failAll('connection lost');
    for (const reply of await Promise.all(waiting)) expect(reply).toEqual({ ok: false, error: { code: 'unavailable', message: 'connection lost' } });
  });
});
